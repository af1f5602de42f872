"""`armtrace identify`: type the marks as read, get ranked candidates with the reason."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from armtrace.cli.output import console, ready
from armtrace.queries.identify import IdentifyQuery, identify

Opt = typer.Option


def identify_command(
    ctx: typer.Context,
    serial: Annotated[str | None, Opt(help="The serial as read: ? for an unreadable character, * for a run")] = None,
    manufacturer: Annotated[str | None, Opt(help="Manufacturer as read (any alias or former name)")] = None,
    country: Annotated[str | None, Opt(help="Country of manufacture as read")] = None,
    model: Annotated[str | None, Opt()] = None,
    calibre: Annotated[str | None, Opt()] = None,
    type_: Annotated[str | None, Opt("--type", help="Weapon type, e.g. pistol, assault rifle")] = None,
    limit: Annotated[int, Opt(min=1, max=100)] = 10,
) -> None:
    """Find the record of a recovered weapon from damaged or misread marks."""
    rt = ready(ctx)
    with rt.engine.connect() as conn:
        result = identify(conn, IdentifyQuery(serial, manufacturer, country, model, calibre, type_, limit))
    for line in result.read_as:
        console.print(f"[dim]read as:[/dim] {line}")
    table = Table(
        "score",
        "weapon",
        "serial",
        "manufacturer",
        "model",
        "calibre",
        "status",
        "why it fits",
        title=f"{len(result.candidates)} candidate(s)",
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
            c.status,
            c.explanation,
        )
    console.print(table)
    for line in result.advice:
        console.print(f"[yellow]{line}[/yellow]")
    if result.candidates:
        console.print(f"Open the best: armtrace weapon show {result.candidates[0].weapon_id}")
