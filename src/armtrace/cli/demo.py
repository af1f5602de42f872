"""`armtrace demo`: a realistic national registry in a fresh SQLite file, then a tour."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from armtrace.cli.demo_serve import serve_world
from armtrace.cli.demo_tracing import remove_sides, run_story, side_paths
from armtrace.cli.output import _, console, runtime, word
from armtrace.demo.recoveries import damage
from armtrace.demo.registry import CLOSED_DEALER, STATE, national_registry
from armtrace.domain.actors import Actor
from armtrace.domain.errors import N_, RuleViolation
from armtrace.queries.identify import IdentifyQuery, identify
from armtrace.queries.registry import WeaponFilter, list_weapons, registry_summary
from armtrace.queries.tracing import list_requests
from armtrace.runtime import Runtime
from armtrace.services.integrity import verify
from armtrace.services.records import CloseBusiness, close_business, load_records
from armtrace.services.registry import CorrectEvent, correct_event
from armtrace.settings import Settings

BATCH = 1000


def demo(
    ctx: typer.Context,
    path: Annotated[Path, typer.Option(help=_("The demo store (a new SQLite file)"))] = Path("armtrace-demo.db"),
    weapons: Annotated[int, typer.Option(min=100, help=_("How many weapons"))] = 5000,
    seed: Annotated[int, typer.Option(help=_("Same seed, same registry"))] = 2005,
    force: Annotated[bool, typer.Option(help=_("Replace an existing demo file"))] = False,
    serve: Annotated[bool, typer.Option(help=_("Keep the three nodes up, with their pages, until Ctrl-C"))] = False,
    port: Annotated[int, typer.Option(help=_("With --serve: the first of three ports (BEL, KEN, UGA)"))] = 8401,
) -> None:
    path = path.expanduser().resolve()
    taken = [p for p in (path, *side_paths(path)) if p.exists()]
    if taken:
        if not force:
            raise RuleViolation(
                N_("%(path)s already exists", path=taken[0]),
                hint=N_("pass --force to replace the demo, or --path for another file"),
            )
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        remove_sides(path)
    url = f"sqlite:///{path}"
    base = runtime(ctx)
    rt = Runtime(Settings(database_url=url), clock=base.clock, actor=Actor("registry-clerk", "Demo registry clerk"))
    rt.init_store()
    now = rt.clock.now()
    records, closed_books = national_registry(weapons, seed, now)
    loaded = 0
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(_("Recording weapons and their histories"), total=len(records))
        for start in range(0, len(records), BATCH):
            result = load_records(records[start : start + BATCH], rt.uow(), rt.clock, rt.policy, offset=start)
            if result.rejected:
                first = result.rejected[0]
                raise RuleViolation(
                    N_("demo record %(index)s was refused: %(detail)s", index=first.index, detail=first.detail),
                    problems=first.problems,
                )
            loaded += result.loaded
            progress.advance(task, len(records[start : start + BATCH]))
    close_business(
        CloseBusiness(
            CLOSED_DEALER,
            "dealer",
            date(now.year - 2, 6, 30),
            "Firearms Act, records of a dealer that ceases business pass to the Board",
            country=STATE,
            licence="FD/1998/0117",
        ),
        closed_books,
        rt.uow(),
        rt.clock,
        rt.policy,
    )
    _a_correction(rt, seed)
    report = verify(rt.engine, rt.policy)
    with rt.engine.connect() as conn:
        s = registry_summary(conn)
        flagged = list_weapons(conn, WeaponFilter(flagged=True), per_page=1).items
    _print_summary(s, report.ok, report.events)
    _recoveries(rt, seed)
    served = run_story(rt, path, seed, (port, port + 1, port + 2) if serve else None)
    example = flagged[0].id if flagged else 1
    console.print("\n" + _("[bold]Point the other commands at this registry:[/bold]"))
    console.print(f"  export ARMTRACE_DATABASE_URL={url}")
    console.print("\n" + _("[bold]Then try:[/bold]"))
    for line in (
        "armtrace verify",
        "armtrace weapon list --manufacturer kalashnikov-concern",
        "armtrace weapon list --status stolen",
        f"armtrace weapon show {example}",
        "armtrace weapon list --flagged",
        f'armtrace weapon list --business "{CLOSED_DEALER}"',
        "armtrace retention due",
        "armtrace trace list",
        "armtrace trace show " + _a_kenyan_answer(rt),
        "armtrace trace stats",
    ):
        console.print(f"  {line}")
    if serve:
        serve_world(served)
        return
    console.print("\n" + _("[bold]Click through the demo world[/bold] (pages for each node, demo sign-ins):"))
    console.print("  armtrace demo --serve --force")


def _a_kenyan_answer(rt: Runtime) -> str:
    with rt.engine.connect() as conn:
        rows = list_requests(conn, rt.clock.now())
    return next((r.id for r in rows if r.direction == "incoming" and r.outcome == "traced"), "")


def _recoveries(rt: Runtime, seed: int) -> None:
    """Weapons recovered with damaged marks, each identified from what the officer could read."""
    with rt.engine.connect() as conn:
        page = list_weapons(conn, WeaponFilter(status="held"), per_page=500)
        held = [(w.id, w.serial or "", w.manufacturer or "", w.model or "") for w in page.items]
        console.print("\n" + _("[bold]Recovered weapons with damaged marks[/bold] (what the officer could read):"))
        for rec in damage(held, seed):
            found = identify(conn, IdentifyQuery(rec.serial_read, rec.manufacturer_read, model=rec.model_read, limit=3))
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
            right = "" if best and best.weapon_id == rec.weapon_id else " " + _("[red](not the recorded weapon)[/red]")
            console.print(f"  {rec.where}; {rec.damage}:", soft_wrap=True)
            console.print(f"    {escape(rec.command())}", soft_wrap=True)
            console.print(f"    {escape(verdict)}{right}", soft_wrap=True)


def _a_correction(rt: Runtime, seed: int) -> None:
    """A clerk finds a holder's name mistyped in an earlier transfer and corrects it."""
    with rt.engine.connect() as conn:
        pick = list_weapons(conn, WeaponFilter(category="revolver", status="held"), per_page=50).items
    if not pick:
        return
    target = random.Random(seed).choice(pick)
    detail_seq = _last_transfer(rt, target.id)
    if detail_seq is not None:
        correct_event(
            CorrectEvent(
                target.id,
                detail_seq,
                "licence number mistyped on the transfer form",
                changes={"holder": f"{target.holder} (corrected)"},
            ),
            rt.uow(),
            rt.clock,
            rt.policy,
        )


def _last_transfer(rt: Runtime, weapon_id: int) -> int | None:
    from armtrace.queries.registry import weapon_detail

    with rt.engine.connect() as conn:
        timeline = weapon_detail(conn, weapon_id).timeline
    seqs = [e.seq for e in timeline if e.type == "transferred"]
    return seqs[-1] if seqs else None


def _print_summary(s: object, ok: bool, events: int) -> None:
    from armtrace.queries.registry import Summary

    assert isinstance(s, Summary)
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
    verdict = "[green]" + _("intact") + "[/green]" if ok else "[red]" + _("BROKEN") + "[/red]"
    console.print(_("Hash chain over %(events)s events: %(verdict)s", events=format(events, ","), verdict=verdict))
