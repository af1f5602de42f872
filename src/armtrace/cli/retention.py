"""`armtrace retention`: which records may go, and archiving them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from armtrace.cli.approvals import waiting
from armtrace.cli.output import ArmtraceGroup, _, console, ready
from armtrace.cli.signin import signed_in
from armtrace.domain.errors import N_, RuleViolation
from armtrace.services import approvals as two_person
from armtrace.services.retention import PurgeRecords, eligible

app = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help=_("Retention: archive records past their date."))


@app.command("due", help=_("Weapons whose records are past retention and may be archived."))
def due(ctx: typer.Context) -> None:
    rt = ready(ctx)
    ids = eligible(rt.uow(), rt.clock.now().date())
    console.print(
        _(
            "%(count)s weapon record(s) past retention: %(weapons)s",
            count=len(ids),
            weapons=", ".join(map(str, ids[:50])),
        )
    )


@app.command("purge", help=_("Archive records to a file, then remove them; refused before their retention date."))
def purge_cmd(
    ctx: typer.Context,
    weapon_ids: Annotated[list[int] | None, typer.Argument(help=_("Weapons to archive and remove"))] = None,
    why: Annotated[str, typer.Option(help=_("The decision under which they are archived"))] = "",
    expired: Annotated[bool, typer.Option(help=_("All records past retention"))] = False,
    archive_dir: Annotated[Path | None, typer.Option(help=_("Where the archive file goes"))] = None,
) -> None:
    rt = ready(ctx)
    ids = list(weapon_ids or [])
    if expired:
        ids += eligible(rt.uow(), rt.clock.now().date())
        if not ids:
            raise RuleViolation(N_("no record is past its retention date today"), hint=N_("see armtrace retention due"))
    folder = (archive_dir or Path(rt.settings.archive_dir)).resolve()
    who = signed_in(ctx, "registry.purge")
    handled = two_person.ask_purge(PurgeRecords(tuple(dict.fromkeys(ids)), why, folder), rt.uow(who.actor), rt.clock)
    waiting(handled.approval_id)
