"""`armtrace retention`: which records may go, and archiving them (never by one person)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from armtrace.cli.approvals import done_or_waiting
from armtrace.cli.output import ArmtraceGroup, _, console, ready
from armtrace.cli.signin import signed_in
from armtrace.domain.errors import N_, RuleViolation
from armtrace.services import retention

app = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help=_("Retention: archive records past their date."))


@app.command("due", help=_("Weapons whose records are past retention and may be archived."))
def due(ctx: typer.Context) -> None:
    rt = ready(ctx)
    ids = retention.due(rt.uow(signed_in(ctx)), rt.clock)
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
    uow = rt.uow(signed_in(ctx))
    ids = list(weapon_ids or [])
    if expired:
        ids += retention.due(uow, rt.clock)
        if not ids:
            raise RuleViolation(N_("no record is past its retention date today"), hint=N_("see armtrace retention due"))
    folder = (archive_dir or Path(rt.settings.archive_dir)).resolve()
    handled = retention.purge(retention.PurgeRecords(tuple(ids), why, folder), uow, rt.clock)
    done_or_waiting(handled, _purged(handled.result) if handled.done else "")


def _purged(p: retention.Purged) -> str:
    return _(
        "Archived %(weapons)s weapon record(s) and %(events)s event(s) to %(path)s (sha256 %(sha256)s), then "
        "removed them.",
        weapons=p.weapons,
        events=p.events,
        path=str(p.archive),
        sha256=p.sha256[:12],
    )
