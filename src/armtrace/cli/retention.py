"""`armtrace retention`: which records may go, and archiving them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from armtrace.cli.output import ArmtraceGroup, console, ready
from armtrace.services.retention import PurgeRecords, eligible, purge

app = typer.Typer(cls=ArmtraceGroup, no_args_is_help=True, help="Retention: archive records past their date.")


@app.command("due")
def due(ctx: typer.Context) -> None:
    """Weapons whose records are past retention and may be archived."""
    rt = ready(ctx)
    ids = eligible(rt.uow(), rt.clock.now().date())
    console.print(f"{len(ids)} weapon record(s) past retention: {', '.join(map(str, ids[:50]))}")


@app.command("purge")
def purge_cmd(
    ctx: typer.Context,
    weapon_ids: Annotated[list[int] | None, typer.Argument(help="Weapons to archive and remove")] = None,
    why: Annotated[str, typer.Option(help="The decision under which they are archived")] = "",
    expired: Annotated[bool, typer.Option(help="All records past retention")] = False,
    archive_dir: Annotated[Path | None, typer.Option(help="Where the archive file goes")] = None,
) -> None:
    """Archive records to a file, then remove them; refused before their retention date."""
    rt = ready(ctx)
    ids = list(weapon_ids or [])
    if expired:
        ids += eligible(rt.uow(), rt.clock.now().date())
    folder = archive_dir or Path(rt.settings.archive_dir)
    done = purge(PurgeRecords(tuple(dict.fromkeys(ids)), why, folder), rt.uow(), rt.clock)
    console.print(
        f"[bold green]Archived[/bold green] {done.weapons} weapon(s), {done.events} event(s) to "
        f"{done.archive} (sha256 {done.sha256}), then removed them."
    )
