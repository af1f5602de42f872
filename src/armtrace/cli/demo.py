"""`armtrace demo`: the options, the demo's story told at the console, and what to try next.

The story itself (who does what, in which order) is the demo package's; this module only
renders it, as the rest of the command line renders the same results.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from armtrace.cli.exchange import pass_failed
from armtrace.cli.output import _, console, runtime, word
from armtrace.cli.tracing import print_case, print_disclosure, print_statistics
from armtrace.demo import story
from armtrace.demo.people import PASSWORD
from armtrace.demo.recoveries import Recovery
from armtrace.demo.serve import serving
from armtrace.domain.disclosure import Disclosure
from armtrace.queries.identify import Identification
from armtrace.queries.registry import Summary
from armtrace.queries.tracing import Statistics
from armtrace.services.integrity import VerifyReport


def demo(
    ctx: typer.Context,
    path: Annotated[Path, typer.Option(help=_("The demo store (a new SQLite file)"))] = Path("armtrace-demo.db"),
    weapons: Annotated[int, typer.Option(min=100, help=_("How many weapons"))] = 5000,
    seed: Annotated[int, typer.Option(help=_("Same seed, same registry"))] = 2005,
    force: Annotated[bool, typer.Option(help=_("Replace an existing demo file"))] = False,
    serve: Annotated[bool, typer.Option(help=_("Keep the three nodes up, with their pages, until Ctrl-C"))] = False,
    port: Annotated[int, typer.Option(help=_("With --serve: the first of three ports (BEL, KEN, UGA)"))] = 8401,
) -> None:
    narrator = ConsoleNarrator()
    ports = (port, port + 1, port + 2) if serve else None
    tour = story.run(path, weapons, seed, runtime(ctx).clock, narrator, force=force, ports=ports)
    _next_steps(tour)
    if not serve:
        console.print("\n" + _("[bold]Click through the demo world[/bold] (pages for each node, demo sign-ins):"))
        console.print("  armtrace demo --serve --force")
        return
    with serving(tour.served, narrator, on_error=pass_failed):
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            console.print(_("Stopping the nodes."))


def _next_steps(tour: story.Tour) -> None:
    console.print("\n" + _("[bold]Point the other commands at this registry:[/bold]"))
    console.print(f"  export ARMTRACE_DATABASE_URL={tour.url}")
    console.print("  export ARMTRACE_USER=officer")
    console.print(
        "  "
        + _(
            "[dim]the commands act signed in: the demo officer's password, asked for, is '%(password)s'[/dim]",
            password=PASSWORD,
        ),
        soft_wrap=True,
    )
    console.print("\n" + _("[bold]Then try:[/bold]"))
    for line in (
        "armtrace verify",
        "armtrace weapon list --manufacturer kalashnikov-concern",
        "armtrace weapon list --status stolen",
        f"armtrace weapon show {tour.example_weapon}",
        "armtrace weapon list --flagged",
        "armtrace marking list",
        f'armtrace weapon list --business "{tour.closed_dealer}"',
        f'armtrace business show "{tour.closed_dealer}"',
        "armtrace retention due",
        "armtrace trace list",
        "armtrace trace list --overdue",
        f"armtrace trace show {tour.answered_request}",
        "armtrace trace stats",
    ):
        console.print(f"  {line}")


class ConsoleNarrator:
    """The demo told at the console, in the command line's language."""

    def say(self, text: str, *, gap: bool = False, prefix: str = "") -> None:
        console.print(("\n" if gap else "") + prefix + (word(text) if text else ""), soft_wrap=True)

    @contextmanager
    def loading(self, what: str, total: int) -> Iterator[Callable[[int], None]]:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(word(what), total=total)
            yield lambda n: progress.advance(task, n)

    def registry(self, summary: Summary, verified: VerifyReport) -> None:
        s = summary
        console.print(
            "\n"
            + _(
                "[bold]A national registry of %(weapons)s weapons[/bold] from %(manufacturers)s manufacturers, "
                "%(events)s lifecycle events from %(first)s to %(last)s [dim](synthetic data)[/dim]",
                weapons=format(s.weapons, ","),
                manufacturers=s.manufacturers,
                events=format(s.events, ","),
                first=s.first_event,
                last=s.last_event,
            )
        )
        table = Table(_("status"), _("weapons"), title_justify="left", box=None)
        for status, n in sorted(s.by_status.items(), key=lambda x: -x[1]):
            table.add_row(word(status), f"{n:,}")
        console.print(table)
        makers = ", ".join(f"{m} ({n})" for m, n in s.by_manufacturer[:6])
        console.print(_("Most recorded makers: %(makers)s", makers=makers))
        console.print(_("Flagged (unmarked, obliterated, craft-made or 3D-printed): %(count)s", count=s.flagged))
        verdict = "[green]" + _("intact") + "[/green]" if verified.ok else "[red]" + _("BROKEN") + "[/red]"
        events = format(verified.events, ",")
        console.print(_("Hash chain over %(events)s events: %(verdict)s", events=events, verdict=verdict))

    def recovery(self, recovery: Recovery, found: Identification) -> None:
        best = found.candidates[0] if found.candidates else None
        verdict = (
            _(
                "→ weapon #%(weapon)s (%(score)s: %(why)s)",
                weapon=best.weapon_id,
                score=format(best.score, ".2f"),
                why=word(best.explanation),
            )
            if best
            else _("→ no candidate")
        )
        right = "" if best and best.weapon_id == recovery.weapon_id else " " + _("[red](not the recorded weapon)[/red]")
        console.print(f"  {recovery.where}; {recovery.damage}:", soft_wrap=True)
        console.print(f"    {escape(recovery.command())}", soft_wrap=True)
        console.print(f"    {escape(verdict)}{right}", soft_wrap=True)

    def node(self, node_id: str, role: str, address: str, store: str = "") -> None:
        console.print(f"  {node_id}  {word(role):<35} {address}  {store}".rstrip(), soft_wrap=True)

    def disclosure(self, request_id: str, draft: Disclosure) -> None:
        print_disclosure(request_id, draft)

    def case(self, request: dict[str, Any]) -> None:
        print_case(request)

    def statistics(self, stats: Statistics) -> None:
        print_statistics(stats)
