"""`armtrace marking`: the weapons awaiting their import mark, and recording it (ITI para 8(b)).

Both go through services/marking.py, as the pages and the API do: the same checks, the same record.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from armtrace.cli.output import ArmtraceGroup, _, console, ready, word
from armtrace.cli.registry import report
from armtrace.cli.signin import signed_in
from armtrace.services import marking
from armtrace.services.marking import MarkImport

app = typer.Typer(
    cls=ArmtraceGroup, no_args_is_help=True, help=_("Import marking: weapons awaiting their import mark.")
)
Opt = typer.Option


@app.command("list", help=_("Weapons awaiting their import mark, oldest first, with their age in days."))
def list_tasks(
    ctx: typer.Context,
    page: Annotated[int, Opt(min=1)] = 1,
    per_page: Annotated[int, Opt(min=1, max=500)] = 25,
) -> None:
    rt = ready(ctx)
    found = marking.tasks(rt.uow(signed_in(ctx)), rt.clock, page, per_page)
    table = Table(
        _("weapon"),
        _("category"),
        _("manufacturer"),
        _("model"),
        _("serial"),
        _("status"),
        _("mark due"),
        _("imported on"),
        _("age (days)"),
        title=_("%(count)s weapons await their import mark (page %(page)s)", count=format(found.total, ","), page=page),
        title_justify="left",
    )
    for x in found.items:
        due = f"{x.country} {x.year}" + (" + " + _("unique serial") if x.serial_needed else "")
        table.add_row(
            str(x.weapon_id),
            word(x.category),
            x.manufacturer or "",
            x.model or "",
            x.serial or "—",
            word(x.status),
            due,
            x.since.date().isoformat(),
            str(x.age_days),
        )
    console.print(table)
    if found.total:
        console.print(_("Record a mark with: %(command)s", command="armtrace marking mark ID --location frame --why …"))


@app.command("mark", help=_("Record the import mark a weapon awaits, and where it sits on the weapon."))
def mark(
    ctx: typer.Context,
    weapon_id: int,
    location: Annotated[str, Opt(help=_("Where the mark sits: frame, receiver, slide, barrel..."))],
    why: Annotated[str, Opt(help=_("The marking order or document"))],
    year: Annotated[int | None, Opt(help=_("Year marked (default: the year of import)"))] = None,
    serial: Annotated[
        str | None, Opt(help=_("The unique serial the mark adds (required when the weapon carries none)"))
    ] = None,
    text: Annotated[str | None, Opt(help=_("The mark's text (default: COUNTRY YEAR [SERIAL])"))] = None,
) -> None:
    rt = ready(ctx)
    cmd = MarkImport(weapon_id, location, why, year, serial, text)
    report(marking.mark_import(cmd, rt.uow(signed_in(ctx)), rt.clock, rt.policy), marked=True)
