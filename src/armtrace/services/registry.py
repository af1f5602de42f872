"""Registry use cases: add a weapon, record what happens to it, correct, mark; find and show weapons.

Each takes a command, a unit of work and a clock; each act is one transaction that appends
to the hash chain and rewrites the weapon's projection, or changes nothing at all. Reads
mask holders' names from roles that may not see them, and a read that shows them, or a
search of the registry, is written to the access log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace

from armtrace.domain.actors import Clock
from armtrace.domain.approvals import Act, changes_holder
from armtrace.domain.errors import N_, Conflict, NotFound, ProblemList, RuleViolation
from armtrace.domain.lifecycle import EventFacts, EventType, WeaponState, fold, replay
from armtrace.domain.markings import Location, Mark, MarkingGap, MarkKind, check_marks, manufacture_mark_from
from armtrace.domain.records import AddWeapon, EventInput
from armtrace.domain.retention import RetentionPolicy, retain_until
from armtrace.queries.registry import (
    Page,
    Summary,
    WeaponDetail,
    WeaponFilter,
    list_weapons,
    registry_summary,
    weapon_detail,
)
from armtrace.services.door import Gate, Handled, use_case
from armtrace.services.importing.intake import country, describe, event_facts
from armtrace.store.chain import Pending
from armtrace.store.registry import NewWeapon
from armtrace.store.uow import UnitOfWork

DEFAULT_POLICY = RetentionPolicy()


@dataclass(frozen=True)
class RecordEvent:
    weapon_id: int
    event: EventInput


@dataclass(frozen=True)
class CorrectEvent:
    """Correct event `corrects`: void it, or restate some of its facts; `why` is the reason."""

    weapon_id: int
    corrects: int
    why: str
    void: bool = False
    changes: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class AssignMark:
    """The State gives an unmarked, obliterated or craft-made weapon a unique mark (ITI, section on marking)."""

    weapon_id: int
    country: str
    why: str
    location: str = "frame"
    text: str | None = None


@dataclass(frozen=True)
class Recorded:
    weapon_id: int
    seq: int
    state: WeaponState
    gaps: list[MarkingGap]
    notes: tuple[str, ...] = ()


def marking_gaps(state: WeaponState) -> list[MarkingGap]:
    return check_marks(
        state.description,
        state.marks,
        imports=state.imports,
        left_state_stock_for_civilian=state.left_state_stock_for_civilian,
    )


def first_event(cmd: AddWeapon, problems: ProblemList, clock: Clock) -> tuple[EventFacts | None, tuple[str, ...]]:
    """Resolve an AddWeapon into the weapon's first event, with the manufacture mark it carries."""
    described = describe(
        problems,
        cmd.description,
        this_year=clock.now().year,
        allow_unlisted_manufacturer=cmd.allow_unlisted_manufacturer,
        accept_similar_manufacturer=cmd.accept_similar_manufacturer,
    )
    facts = event_facts(problems, cmd.first_event, clock.now(), described.description)
    if facts is None:
        return None, described.notes
    if not any(m.kind is MarkKind.MANUFACTURE for m in facts.marks):
        made = manufacture_mark_from(described.description)
        if made is not None:
            facts = replace(facts, marks=(made, *facts.marks))
    return facts, described.notes


@use_case("registry.record")
def add_weapon(cmd: AddWeapon, uow: UnitOfWork, clock: Clock, policy: RetentionPolicy = DEFAULT_POLICY) -> Recorded:
    """Record a new weapon; refuses a duplicate identity, naming the existing record."""
    problems = ProblemList()
    facts, notes = first_event(cmd, problems, clock)
    problems.raise_if_any(N_("the weapon was not recorded"), hint=N_("correct the fields listed and try again"))
    assert facts is not None and facts.description is not None
    state = fold(None, facts)
    with uow:
        head = uow.events.lock_head()
        existing = uow.weapons.find_identity(facts.description)
        if existing is not None:
            raise Conflict(
                N_("weapon #%(weapon)s already has this manufacturer, model and serial", weapon=existing),
                hint=N_("see 'armtrace weapon show %(weapon)s'; record events on that weapon instead", weapon=existing),
                extra={"existing_id": existing},
            )
        seq = head.seq + 1
        until = retain_until([(facts.type, facts.occurred_at)], policy)
        [weapon_id] = uow.weapons.add([NewWeapon.of(state, seq, seq, until)])
        uow.events.append([Pending(weapon_id, facts)], clock.now(), uow.actor.id)
        uow.commit()
    return Recorded(weapon_id, seq, state, marking_gaps(state), notes)


def _load_history(uow: UnitOfWork, weapon_id: int) -> list[tuple[int, EventFacts]]:
    events = uow.events.of_weapon(weapon_id)
    if not events:
        raise NotFound(
            N_("there is no weapon #%(weapon)s", weapon=weapon_id), hint=N_("find it with 'armtrace weapon list'")
        )
    return [(e.seq, e.facts) for e in events]


def _append(
    uow: UnitOfWork,
    clock: Clock,
    policy: RetentionPolicy,
    weapon_id: int,
    history: Sequence[tuple[int, EventFacts]],
    facts: EventFacts,
    action: str,
    reason: str | None = None,
) -> Recorded:
    seq = uow.events.lock_head().seq + 1
    state = replay([*history, (seq, facts)])
    until = retain_until(
        [(e.type, e.occurred_at) for _, e in history if e.type is not EventType.CORRECTION]
        + [(facts.type, facts.occurred_at)],
        policy,
    )
    uow.events.append([Pending(weapon_id, facts)], clock.now(), uow.actor.id)
    uow.weapons.save(weapon_id, state, last_seq=seq, retain_until=until, action=action, reason=reason)
    uow.commit()
    return Recorded(weapon_id, seq, state, marking_gaps(state))


@use_case("registry.record")
def record_event(cmd: RecordEvent, uow: UnitOfWork, clock: Clock, policy: RetentionPolicy = DEFAULT_POLICY) -> Recorded:
    """Append one lifecycle event to a weapon's record (manufacture, transfer, loss ...)."""
    problems = ProblemList()
    facts = event_facts(problems, cmd.event, clock.now())
    if facts is not None and facts.type is EventType.CORRECTION:
        problems.add("type", "corrections have their own command", hint=N_("use 'armtrace event correct'"))
    problems.raise_if_any(
        N_("the event was not recorded on weapon #%(weapon)s", weapon=cmd.weapon_id),
        hint=N_("correct the fields listed and try again"),
    )
    assert facts is not None
    with uow:
        uow.events.lock_head()
        history = _load_history(uow, cmd.weapon_id)
        return _append(uow, clock, policy, cmd.weapon_id, history, facts, f"registry:weapon:{facts.type.value}")


def _check_correction(cmd: CorrectEvent, uow: UnitOfWork, clock: Clock) -> None:
    """Refuse now a correction that would be refused when made: one that waits for approval must be sound."""
    with uow:
        history = _load_history(uow, cmd.weapon_id)
        facts = _correction(cmd, history, clock)
        replay([*history, (history[-1][0] + 1, facts)])  # the weapon's life, corrected, must still hold together


def _corrects_holder(cmd: CorrectEvent, uow: UnitOfWork) -> bool:
    """Whether a correction changes who holds the weapon: that waits for a second person."""
    voided_holder = None
    if cmd.void:
        with uow:
            target = dict(_load_history(uow, cmd.weapon_id)).get(cmd.corrects)
        voided_holder = target.holder if target is not None else None
    return changes_holder(cmd.changes, cmd.void, voided_holder)


CORRECT_HOLDER = Gate(
    Act.CORRECT_HOLDER,
    needs=_corrects_holder,
    prepare=_check_correction,
    payload=asdict,
    summary=lambda c: f"correct event #{c.corrects} of weapon #{c.weapon_id}: {c.changes} — {c.why}",
    subject=lambda c: f"weapon:{c.weapon_id}",
)


@use_case("registry.record", gate=CORRECT_HOLDER)
def correct_event(
    cmd: CorrectEvent,
    uow: UnitOfWork,
    clock: Clock,
    policy: RetentionPolicy = DEFAULT_POLICY,
    approval: int | None = None,
) -> Handled:
    """Correct an earlier event by a new one that names it; the original stays as it was. A correction
    that changes who holds the weapon waits for a second person (the two-person rule)."""
    with uow:
        uow.events.lock_head()
        history = _load_history(uow, cmd.weapon_id)
        facts = _correction(cmd, history, clock)
        recorded = _append(uow, clock, policy, cmd.weapon_id, history, facts, "registry:weapon:correct", cmd.why)
    return Handled(True, result=recorded)


def _correction(cmd: CorrectEvent, history: list[tuple[int, EventFacts]], clock: Clock) -> EventFacts:
    """The correcting event's facts, once the correction is checked against the weapon's history."""
    target = dict(history).get(cmd.corrects)
    if target is None:
        raise NotFound(
            N_("weapon #%(weapon)s has no event #%(event)s", weapon=cmd.weapon_id, event=cmd.corrects),
            hint=N_("see its events with 'armtrace weapon show %(weapon)s'", weapon=cmd.weapon_id),
        )
    if target.type is EventType.CORRECTION:
        raise RuleViolation(
            N_("event #%(event)s is itself a correction", event=cmd.corrects),
            rule="registry lifecycle",
            hint=N_("correct the original event; the latest correction of it wins"),
        )
    changes = dict(cmd.changes)
    problems = ProblemList()
    for key in ("country", "counterpart_country"):
        if key in changes:
            changes[key] = country(problems, key, changes[key])  # type: ignore[arg-type]
    forbidden = set(changes) & {"type", "corrects", "void", "changes"}
    if forbidden:
        problems.add(
            "changes",
            N_("cannot change %(fields)s by correction", fields=", ".join(sorted(forbidden))),
            hint=N_("void the event and record the right one"),
        )
    facts = EventFacts(
        type=EventType.CORRECTION,
        occurred_at=clock.now(),
        why=cmd.why.strip(),
        corrects=cmd.corrects,
        void=cmd.void,
        changes=changes or None,
    )
    problems.problems.extend(facts.problems().problems)
    problems.raise_if_any(N_("event #%(event)s was not corrected", event=cmd.corrects))
    try:
        target.amended(changes)
    except (TypeError, ValueError, KeyError) as exc:
        raise RuleViolation(
            N_("the correction does not fit event #%(event)s: %(error)s", event=cmd.corrects, error=str(exc)),
            hint=N_("name only fields that event has"),
        ) from exc
    return facts


@use_case("registry.record")
def assign_mark(cmd: AssignMark, uow: UnitOfWork, clock: Clock, policy: RetentionPolicy = DEFAULT_POLICY) -> Recorded:
    """Give a weapon a unique State mark: '<country> <year> A<id>' unless a text is given."""
    problems = ProblemList()
    code = country(problems, "country", cmd.country)
    if not code and not problems:
        problems.add("country", "the State that marks the weapon is required", rule="ITI, section on marking")
    location = next((loc for loc in Location if loc.value == cmd.location), None)
    if location is None:
        problems.add("location", "is not a place on a weapon", cmd.location, hint=", ".join(x.value for x in Location))
    problems.raise_if_any(N_("no mark was assigned"))
    assert code is not None and location is not None
    now = clock.now()
    text = cmd.text or f"{code} {now.year} A{cmd.weapon_id:08d}"
    mark = Mark(MarkKind.ASSIGNED, location, text=text, country=code, year=now.year, serial=text)
    facts = EventFacts(type=EventType.MARKED, occurred_at=now, why=cmd.why, country=code, marks=(mark,))
    facts.problems().raise_if_any(N_("no mark was assigned"))
    with uow:
        uow.events.lock_head()
        history = _load_history(uow, cmd.weapon_id)
        return _append(uow, clock, policy, cmd.weapon_id, history, facts, "registry:weapon:assign_mark", cmd.why)


@use_case("registry.read", access="registry:weapons:search")
def find_weapons(f: WeaponFilter, uow: UnitOfWork, page: int = 1, per_page: int = 50) -> Page:
    """Weapons that match a filter; holders' names only for roles that may read them. A search, or a
    list that shows holders, goes to the access log."""
    holders = uow.principal.may("registry.read_holders")
    with uow:
        found = list_weapons(uow.conn, f, page, per_page, holders=holders)
        searched = {k: v for k, v in asdict(f).items() if v is not None}
        if searched or holders:
            uow.accessed(None, {**searched, "page": page}, ":holders" if holders else "")
            uow.commit()
    return found


@use_case("registry.read", access="registry:holders:read")
def show_weapon(weapon_id: int, uow: UnitOfWork, holders: bool = True) -> WeaponDetail:
    """A weapon's identity, marks, ITI marking check and timeline; holders' names, when asked for, only
    to roles that may read them, and that read goes to the access log."""
    holders = holders and uow.principal.may("registry.read_holders")
    with uow:
        detail = weapon_detail(uow.conn, weapon_id, holders=holders)
        if holders:
            uow.accessed(f"weapon:{weapon_id}")
            uow.commit()
    return detail


@use_case("registry.read")
def summary(uow: UnitOfWork, top: int = 10) -> Summary:
    """The registry in figures: weapons by status and category, flagged records (no holder named)."""
    with uow:
        return registry_summary(uow.conn, top)
