"""`armtrace import FILE`: records from CSV, JSON Lines or EPCIS, with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from armtrace.cli.output import console, ready
from armtrace.services.importing import ImportFile, import_file

Opt = typer.Option


def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV (any delimiter), JSON Lines, or an EPCIS 2.0 JSON document")],
    mapping: Annotated[Path | None, Opt(help="TOML file mapping the source's columns and codes")] = None,
    format_: Annotated[str | None, Opt("--format", help="csv, jsonl or epcis (default: from the file)")] = None,
    encoding: Annotated[str | None, Opt(help="utf-8 or latin-1 (default: detected)")] = None,
    delimiter: Annotated[str | None, Opt(help="Column delimiter (default: detected)")] = None,
    rejects: Annotated[Path | None, Opt(help="Where rejected rows are reported (default FILE.rejects.csv)")] = None,
    batch_size: Annotated[int, Opt(min=1, max=100_000)] = 2000,
    workers: Annotated[int | None, Opt(min=0, max=64, help="Processes preparing rows (default: by file size)")] = None,
) -> None:
    """Import weapons and their events; bad rows go to a report and never block the good ones."""
    rt = ready(ctx)
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} rows/s"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(f"Importing {file.name}", total=None, rate="—")

        def advance(done: int, total: int | None) -> None:
            elapsed = bar.tasks[0].elapsed or 0.0
            bar.update(task, completed=done, total=total, rate=f"{done / elapsed:,.0f}" if elapsed else "—")

        report = import_file(
            ImportFile(file, format_, mapping, encoding, delimiter, rejects, batch_size, workers),
            rt.uow,
            rt.clock,
            rt.policy,
            advance,
        )
    if report.already_done:
        console.print(
            f"{file.name} was imported already (sha256 {report.sha256[:12]}…): nothing added. "
            f"It had {report.imported:,} imported, {report.duplicates:,} duplicate, "
            f"{report.rejected:,} rejected rows."
        )
        return
    if report.resumed_from:
        console.print(f"Resumed after row {report.resumed_from:,} of an earlier run that stopped.")
    for key, value in report.detail.items():
        console.print(f"  [dim]{key}:[/dim] {value}")
    console.print(
        f"[bold]Read {report.read:,}[/bold] · imported [green]{report.imported:,}[/green] "
        f"({report.events:,} events) · duplicate {report.duplicates:,} · rejected "
        f"[{'red' if report.rejected else 'green'}]{report.rejected:,}[/]"
    )
    for line, note in report.notes[:10]:
        console.print(f"  [dim]line {line}:[/dim] {note}")
    if len(report.notes) > 10:
        console.print(f"  [dim]… and {len(report.notes) - 10} more notes on how names were read[/dim]")
    for skipped in report.skipped:
        console.print(f"  [yellow]skipped[/yellow] {skipped}")
    if report.rejects_file:
        console.print(f"Rejected rows, with the field and the reason: {report.rejects_file}")
