"""`armtrace demo`: a realistic national registry in a fresh SQLite file, weapons identified from damaged
marks, then the tracing story between three nodes; and what it built, for the newcomer's next commands.

Kenya's registry is recorded by the demo's registrar; a closed dealer's books are taken in,
and the one weapon on record missing from them is explained by the registrar and approved
by the supervisor; a holder's name corrected on a transfer waits for the supervisor's
approval too, as the two-person rule wants; the console's
operator verifies the chain; the officer identifies the recovered weapons.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from armtrace.demo.narrator import Narrator
from armtrace.demo.people import REGISTRAR, demo_users, signed_in
from armtrace.demo.recoveries import damage
from armtrace.demo.registry import CLOSED_DEALER, STATE, national_registry
from armtrace.demo.tracing import Served, remove_sides, run_story, side_paths
from armtrace.domain.actors import Clock
from armtrace.domain.errors import N_, RuleViolation
from armtrace.domain.records import WeaponRecord
from armtrace.queries.identify import IdentifyQuery
from armtrace.queries.registry import WeaponFilter
from armtrace.runtime import Runtime
from armtrace.services import approvals, identify, integrity, marking, registry
from armtrace.services.closures import CloseBusiness, ExplainDifference, close_business, explain_difference
from armtrace.services.importing.records import LoadResult, load_records
from armtrace.services.marking import MarkImport
from armtrace.services.registry import CorrectEvent
from armtrace.settings import load_settings

BATCH = 1000


@dataclass(frozen=True)
class Tour:
    """What the demo built, for the commands a newcomer tries next."""

    url: str  # Kenya's store
    example_weapon: int  # a flagged one: unmarked, obliterated or craft-made
    answered_request: str  # a request Kenya answered from its registry
    closed_dealer: str
    served: list[Served]


def run(
    path: Path,
    weapons: int,
    seed: int,
    clock: Clock,
    narrator: Narrator,
    *,
    force: bool = False,
    ports: tuple[int, int, int] | None = None,
) -> Tour:
    """Build the demo in `path` (and the other States' stores beside it), telling it to `narrator`."""
    path = path.expanduser().resolve()
    _fresh(path, force)
    url = f"sqlite:///{path}"
    rt = Runtime(load_settings(database_url=url), clock=clock)
    rt.init_store()
    demo_users(rt)
    _record(rt, weapons, seed, narrator)
    _a_correction(rt, seed)
    _import_marking(rt, narrator)
    narrator.registry(registry.summary(rt.uow(REGISTRAR)), integrity.verify(rt.uow(rt.operator), rt.policy))
    _recoveries(rt, seed, narrator)
    story = run_story(rt, path, seed, narrator, ports)
    flagged = registry.find_weapons(WeaponFilter(flagged=True), rt.uow(REGISTRAR), per_page=1).items
    return Tour(url, flagged[0].id if flagged else 1, story.answered, CLOSED_DEALER, story.served)


def _fresh(path: Path, force: bool) -> None:
    """Refuse to overwrite a store (it may be someone's evidence) unless told to replace the demo."""
    taken = [p for p in (path, *side_paths(path)) if p.exists()]
    if not taken:
        return
    if not force:
        raise RuleViolation(
            N_("%(path)s already exists", path=taken[0]),
            hint=N_("pass --force to replace the demo, or --path for another file"),
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    remove_sides(path)


def _record(rt: Runtime, weapons: int, seed: int, narrator: Narrator) -> None:
    """The registrar records the national registry in batches, then takes in a closed dealer's books."""
    now = rt.clock.now()
    records, closed_books = national_registry(weapons, seed, now)
    stray = closed_books.pop()  # on record as the dealer's, but missing from its books
    uow = rt.uow(REGISTRAR)
    with narrator.loading(N_("Recording weapons and their histories"), len(records)) as advance:
        for start in range(0, len(records), BATCH):
            batch = records[start : start + BATCH]
            _all_loaded(load_records(batch, uow, rt.clock, rt.policy, offset=start))
            advance(len(batch))
    _all_loaded(load_records([WeaponRecord(stray.add)], uow, rt.clock, rt.policy))
    _a_closure(rt, closed_books, date(now.year - 2, 6, 30), narrator)


def _a_closure(rt: Runtime, books: list[WeaponRecord], closed_on: date, narrator: Narrator) -> None:
    """The dealer closes (ITI para 13): its books are taken in and reconciled; the weapon on record but
    missing from them is explained by the registrar, and the supervisor's approval closes the dealer."""
    closure = CloseBusiness(
        CLOSED_DEALER,
        "dealer",
        closed_on,
        "Firearms Act, records of a dealer that ceases business pass to the Board",
        country=STATE,
        licence="FD/1998/0117",
    )
    done = close_business(closure, books, rt.uow(REGISTRAR), rt.clock, rt.policy)
    narrator.say(
        N_(
            "[bold]%(dealer)s closed[/bold]: %(taken)s records of its books taken in; %(n)s weapon(s) on record "
            "missing from them, explained by the registrar and approved by the supervisor.",
            dealer=CLOSED_DEALER,
            taken=done.load.loaded,
            n=len(done.differences),
        ),
        gap=True,
    )
    why = "sold before closure to a licensed holder, certificate FC/2019/0412 on file"
    second = rt.uow(signed_in(rt, "supervisor"))
    for difference in done.differences:
        cmd = ExplainDifference(CLOSED_DEALER, difference.weapon_id, why)
        handled = explain_difference(cmd, rt.uow(REGISTRAR), rt.clock)
        if handled.approval_id is not None:
            approvals.decide(handled.approval_id, True, None, second, rt.clock, rt.policy)


def _all_loaded(result: LoadResult) -> None:
    if result.rejected:
        first = result.rejected[0]
        raise RuleViolation(
            N_("demo record %(index)s was refused: %(detail)s", index=first.index, detail=first.detail),
            problems=first.problems,
        )


def _a_correction(rt: Runtime, seed: int) -> None:
    """The registrar finds a holder's name mistyped in an earlier transfer and corrects it; a change of
    holder waits for a second person, and the supervisor approves it."""
    uow = rt.uow(REGISTRAR)
    pick = registry.find_weapons(WeaponFilter(category="revolver", status="held"), uow, per_page=50).items
    if not pick:
        return
    target = random.Random(seed).choice(pick)
    timeline = registry.show_weapon(target.id, uow, holders=False).timeline
    transfers = [e.seq for e in timeline if e.type == "transferred"]
    if not transfers:
        return
    why = "licence number mistyped on the transfer form"
    cmd = CorrectEvent(target.id, transfers[-1], why, changes={"holder": f"{target.holder} (corrected)"})
    handled = registry.correct_event(cmd, uow, rt.clock, rt.policy)
    if handled.approval_id is not None:
        second = rt.uow(signed_in(rt, "supervisor"))
        approvals.decide(handled.approval_id, True, None, second, rt.clock, rt.policy)


def _import_marking(rt: Runtime, narrator: Narrator) -> None:
    """Some weapons were imported without Kenya's mark: each awaits it (ITI para 8(b)). The registrar marks
    the one waiting longest, which closes its task."""
    uow = rt.uow(REGISTRAR)
    waiting = marking.tasks(uow, rt.clock, per_page=1)
    narrator.say(
        N_(
            "[bold]Import marking[/bold]: %(count)s imported weapons await Kenya's import mark (ITI para 8(b))",
            count=format(waiting.total, ","),
        ),
        gap=True,
    )
    if not waiting.items:
        return
    oldest = waiting.items[0]
    location = "frame" if oldest.category == "self_loading_pistol" else "receiver"
    serial = f"{STATE}-I-{oldest.weapon_id:06d}" if oldest.serial_needed else None
    cmd = MarkImport(oldest.weapon_id, location, "Marking order MO/2026/001", serial=serial)
    mark = next(m for m in marking.mark_import(cmd, uow, rt.clock, rt.policy).state.marks if m.kind == "import")
    narrator.say(
        N_(
            "the registrar marked weapon #%(weapon)s '%(text)s' on its %(location)s, after %(days)s days waiting: "
            "its task is closed, %(count)s remain",
            weapon=oldest.weapon_id,
            text=mark.text,
            location=N_(location),
            days=format(oldest.age_days, ","),
            count=format(marking.tasks(uow, rt.clock, per_page=1).total, ","),
        ),
        prefix="  ",
    )


def _recoveries(rt: Runtime, seed: int, narrator: Narrator) -> None:
    """Weapons recovered with damaged marks, each identified by the officer from what could be read."""
    page = registry.find_weapons(WeaponFilter(status="held"), rt.uow(REGISTRAR), per_page=500)
    held = [(w.id, w.serial or "", w.manufacturer or "", w.model or "") for w in page.items]
    narrator.say(N_("[bold]Recovered weapons with damaged marks[/bold] (what the officer could read):"), gap=True)
    officer = rt.uow(signed_in(rt, "officer"))
    for rec in damage(held, seed):
        query = IdentifyQuery(rec.serial_read, rec.manufacturer_read, model=rec.model_read, limit=3)
        narrator.recovery(rec, identify.identify(query, officer))
