"""`armtrace identify`: type the marks as read, get ranked candidates with the reason."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from armtrace.cli.output import _, console, ready, word
from armtrace.cli.signin import signed_in
from armtrace.queries.identify import IdentifyQuery
from armtrace.services import identify

Opt = typer.Option


def identify_command(
    ctx: typer.Context,
    serial: Annotated[str | None, Opt(help=_("The serial as read: ? for an unreadable character, * for a run"))] = None,
    manufacturer: Annotated[str | None, Opt(help=_("Manufacturer as read (any alias or former name)"))] = None,
    country: Annotated[str | None, Opt(help=_("Country of manufacture as read"))] = None,
    model: Annotated[str | None, Opt()] = None,
    calibre: Annotated[str | None, Opt()] = None,
    type_: Annotated[str | None, Opt("--type", help=_("Weapon type, e.g. pistol, assault rifle"))] = None,
    limit: Annotated[int, Opt(min=1, max=100)] = 10,
) -> None:
    rt = ready(ctx)
    q = IdentifyQuery(serial, manufacturer, country, model, calibre, type_, limit)
    result = identify.identify(q, rt.uow(signed_in(ctx)))
    for line in result.read_as:
        console.print(_("[dim]read as:[/dim] %(reading)s", reading=word(line)))
    table = Table(
        _("score"),
        _("weapon"),
        _("serial"),
        _("manufacturer"),
        _("model"),
        _("calibre"),
        _("status"),
        _("why it fits"),
        title=_("%(count)s candidate(s)", count=len(result.candidates)),
        title_justify="left",
    )
    for c in result.candidates:
        table.add_row(
            f"{c.score:.2f}",
            f"#{c.weapon_id}",
            c.serial or "—",
            c.manufacturer or "",
            c.model or "",
            c.calibre or "",
            word(c.status),
            word(c.explanation),
        )
    console.print(table)
    for line in result.advice:
        console.print(f"[yellow]{word(line)}[/yellow]")
    if result.candidates:
        console.print(_("Open the best: armtrace weapon show %(weapon)s", weapon=result.candidates[0].weapon_id))
