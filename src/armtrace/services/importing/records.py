"""Loading many weapon records at once, and reading a closed business's books.

Bulk loads validate every record with the same rules as one-by-one entry, reject bad
records with their reasons without blocking the good ones, and chain the good ones in
order in one transaction per batch. A closing business's books are read here and taken in
by services/closures.py (ITI, section on record-keeping), linked to the company.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from armtrace.domain.actors import Clock
from armtrace.domain.chain import canonical
from armtrace.domain.errors import N_, ArmtraceError, Problem, ProblemList, RuleViolation
from armtrace.domain.lifecycle import replay, to_payload
from armtrace.domain.records import AddWeapon, EventInput, WeaponRecord
from armtrace.domain.registry import model_key, serial_key
from armtrace.domain.retention import RetentionPolicy, retain_until
from armtrace.services.door import use_case
from armtrace.services.importing.intake import event_facts
from armtrace.services.registry import DEFAULT_POLICY, first_event
from armtrace.store.registry import NewWeapon
from armtrace.store.uow import Change, UnitOfWork


@dataclass(frozen=True)
class Rejected:
    index: int
    problems: tuple[Problem, ...]
    detail: str


@dataclass
class LoadResult:
    read: int = 0
    loaded: int = 0
    events: int = 0
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (index, existing weapon id)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (index, what was read how)
    rejected: list[Rejected] = field(default_factory=list)
    weapon_ids: list[int] = field(default_factory=list)


class Prepared(NamedTuple):
    """A record validated and turned into plain rows, ready to chain and insert.

    Plain values only, so bulk imports can prepare records in other processes and send
    them back cheaply; the hash chain and the ids are still made in one place, in order.
    """

    number: int  # the record's place in the load (its line, for a file)
    key: tuple[str, str, str] | None  # the identity: manufacturer, model and serial keys
    row: dict[str, object]  # the weapons row (projection); its event numbers are set on insert
    marks: tuple[dict[str, object], ...]
    events: tuple[tuple[str, datetime, int | None, str], ...]  # type, occurred at, corrects, payload JSON
    notes: tuple[str, ...]


def prepare(i: int, rec: WeaponRecord, clock: Clock, policy: RetentionPolicy) -> Prepared | Rejected:
    """Validate one record with the registry's rules and turn it into rows; or say why not."""
    problems = ProblemList()
    first, notes = first_event(rec.add, problems, clock)
    rest = [event_facts(problems, e, clock.now()) for e in rec.events]
    if problems or first is None:
        return Rejected(i, tuple(problems.problems), "the record has invalid fields")
    facts = [first, *[f for f in rest if f is not None]]
    try:
        state = replay(list(enumerate(facts)))
    except ArmtraceError as exc:
        return Rejected(i, exc.problems, exc.detail)
    until = retain_until([(f.type, f.occurred_at) for f in facts], policy)
    weapon = NewWeapon.of(state, 0, 0, until)
    d = state.description
    key = serial_key(d.serial)
    events = tuple((f.type.value, f.occurred_at, f.corrects, canonical(to_payload(f)).decode("utf-8")) for f in facts)
    return Prepared(
        i,
        None if key is None else (d.manufacturer_key, model_key(d.model), key),
        weapon.row,
        weapon.marks,
        events,
        notes,
    )


def _load_into(
    uow: UnitOfWork,
    records: Sequence[WeaponRecord],
    clock: Clock,
    policy: RetentionPolicy,
    *,
    business_id: int | None = None,
    offset: int = 0,
) -> LoadResult:
    """Validate and append records inside an open unit of work (the caller commits)."""
    prepared = [prepare(i, rec, clock, policy) for i, rec in enumerate(records, start=offset)]
    return _write_prepared(uow, prepared, clock, business_id=business_id)


def _write_prepared(
    uow: UnitOfWork, prepared: Sequence[Prepared | Rejected], clock: Clock, *, business_id: int | None = None
) -> LoadResult:
    """Chain and insert prepared records in order, skipping identities already held (the caller commits)."""
    result = LoadResult(read=len(prepared))
    ready: list[Prepared] = []
    for p in prepared:
        if isinstance(p, Rejected):
            result.rejected.append(p)
        else:
            ready.append(p)
            result.notes.extend((p.number, note) for note in p.notes)
    head = uow.events.lock_head()
    existing = uow.weapons.existing_identities([p.key for p in ready if p.key is not None])
    fresh: list[Prepared] = []
    for p in ready:
        if p.key is not None and p.key in existing:
            result.duplicates.append((p.number, existing[p.key]))
            continue
        if p.key is not None:
            existing[p.key] = -1  # a second copy in the same load is a duplicate too
        fresh.append(p)
    seq = head.seq
    new: list[NewWeapon] = []
    for p in fresh:
        new.append(NewWeapon(p.row, p.marks, seq + 1, seq + len(p.events), business_id))
        seq += len(p.events)
    ids = uow.weapons.add(new, log_each=False)
    events = [(wid, *e) for wid, p in zip(ids, fresh, strict=True) for e in p.events]
    seqs = uow.events.append_json(events, clock.now(), uow.actor.id)
    assert not seqs or seqs[-1] == seq, "event numbers drifted from the weapons' first and last events"
    result.loaded, result.events, result.weapon_ids = len(ids), len(events), ids
    if ids:
        uow.note(
            Change(
                "registry:records:load",
                "records",
                f"{seqs[0]}-{seqs[-1]}",
                None,
                {
                    "weapons": len(ids),
                    "events": len(events),
                    "first_weapon_id": ids[0],
                    "last_weapon_id": ids[-1],
                    "business_id": business_id,
                    "duplicates": len(result.duplicates),
                    "rejected": len(result.rejected),
                },
            )
        )
    return result


@use_case("registry.import")
def load_records(
    records: Sequence[WeaponRecord],
    uow: UnitOfWork,
    clock: Clock,
    policy: RetentionPolicy = DEFAULT_POLICY,
    *,
    offset: int = 0,
) -> LoadResult:
    """Load a batch of weapon records in one transaction; bad ones are reported, not loaded."""
    with uow:
        result = _load_into(uow, records, clock, policy, offset=offset)
        uow.commit()
    return result


def read_records(text: str, source: str) -> list[WeaponRecord]:
    """A company's records as JSON Lines (one weapon with its events a line); a line that is not JSON is
    refused with its number."""
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RuleViolation(
                    N_("%(source)s:%(line)s is not JSON: %(error)s", source=source, line=number, error=exc.msg),
                    hint=N_("write one JSON object a line"),
                ) from None
            if not isinstance(obj, Mapping):
                raise RuleViolation(
                    N_("%(source)s:%(line)s is not a JSON object", source=source, line=number),
                    hint=N_('write {"weapon": ..., "events": [...]}'),
                )
            records.append(record_from_json(obj, allow_unlisted_manufacturer=True))
    return records


def record_from_json(obj: Mapping[str, object], *, allow_unlisted_manufacturer: bool = False) -> WeaponRecord:
    """A record from its JSON form: {"weapon": {...}, "events": [{first}, {...}, ...]}."""
    weapon = obj.get("weapon")
    events = obj.get("events")
    if not isinstance(weapon, Mapping) or not isinstance(events, list) or not events:
        raise RuleViolation(
            "a record needs a 'weapon' object and a non-empty 'events' list",
            hint=N_('write each line as {"weapon": {...}, "events": [{"type": ...}, ...]}'),
        )
    inputs = [event_input(e) for e in events]
    return WeaponRecord(AddWeapon(weapon, inputs[0], allow_unlisted_manufacturer), tuple(inputs[1:]))


def event_input(e: object) -> EventInput:
    if not isinstance(e, Mapping):
        raise RuleViolation("each event must be a JSON object", hint=N_('e.g. {"type": "imported", ...}'))
    known = {f for f in EventInput.__dataclass_fields__ if f != "extra"}
    values = {k: v for k, v in e.items() if k in known}
    values["marks"] = tuple(values.get("marks") or ())
    return EventInput(**values, extra={k: v for k, v in e.items() if k not in known})
