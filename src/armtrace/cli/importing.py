"""`armtrace import FILE`: records from CSV, JSON Lines or EPCIS, with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from armtrace.cli.output import _, console, ready, word
from armtrace.cli.signin import signed_in
from armtrace.services.importing import files as importing

Opt = typer.Option


def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=_("CSV (any delimiter), JSON Lines, or an EPCIS 2.0 JSON document"))],
    mapping: Annotated[Path | None, Opt(help=_("TOML file mapping the source's columns and codes"))] = None,
    format_: Annotated[str | None, Opt("--format", help=_("csv, jsonl or epcis (default: from the file)"))] = None,
    encoding: Annotated[str | None, Opt(help=_("utf-8 or latin-1 (default: detected)"))] = None,
    delimiter: Annotated[str | None, Opt(help=_("Column delimiter (default: detected)"))] = None,
    rejects: Annotated[Path | None, Opt(help=_("Where rejected rows are reported (default FILE.rejects.csv)"))] = None,
    batch_size: Annotated[int, Opt(min=1, max=100_000)] = 2000,
    workers: Annotated[
        int | None, Opt(min=0, max=64, help=_("Processes preparing rows (default: by file size)"))
    ] = None,
) -> None:
    rt = ready(ctx)
    cmd = importing.ImportFile(file, format_, mapping, encoding, delimiter, rejects, batch_size, workers)
    uow = rt.uow(signed_in(ctx))
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(_("%(rate)s rows/s", rate="{task.fields[rate]}")),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(_("Importing %(file)s", file=file.name), total=None, rate="—")

        def advance(done: int, total: int | None) -> None:
            elapsed = bar.tasks[0].elapsed or 0.0
            bar.update(task, completed=done, total=total, rate=f"{done / elapsed:,.0f}" if elapsed else "—")

        report = importing.import_file(cmd, uow, rt.clock, rt.policy, advance)
    if report.already_done:
        console.print(
            _(
                "%(file)s was imported already (sha256 %(sha256)s…): nothing added. "
                "It had %(imported)s imported, %(duplicates)s duplicate, %(rejected)s rejected rows.",
                file=file.name,
                sha256=report.sha256[:12],
                imported=format(report.imported, ","),
                duplicates=format(report.duplicates, ","),
                rejected=format(report.rejected, ","),
            )
        )
        return
    if report.resumed_from:
        console.print(
            _("Resumed after row %(row)s of an earlier run that stopped.", row=format(report.resumed_from, ","))
        )
    for key, value in report.detail.items():
        console.print(f"  [dim]{word(key)}:[/dim] {word(value)}")
    colour = "red" if report.rejected else "green"
    rejected = f"[{colour}]{report.rejected:,}[/]"
    console.print(
        _(
            "[bold]Read %(read)s[/bold] · imported [green]%(imported)s[/green] (%(events)s events) · "
            "duplicate %(duplicates)s · rejected %(rejected)s",
            read=format(report.read, ","),
            imported=format(report.imported, ","),
            events=format(report.events, ","),
            duplicates=format(report.duplicates, ","),
            rejected=rejected,
        )
    )
    for line, note in report.notes[:10]:
        console.print("  " + _("[dim]line %(line)s:[/dim] %(note)s", line=line, note=word(note)))
    if len(report.notes) > 10:
        more = len(report.notes) - 10
        console.print("  [dim]" + _("… and %(count)s more notes on how names were read", count=more) + "[/dim]")
    for skipped in report.skipped:
        console.print("  " + _("[yellow]skipped[/yellow] %(what)s", what=word(skipped)))
    if report.rejects_file:
        console.print(_("Rejected rows, with the field and the reason: %(path)s", path=report.rejects_file))
