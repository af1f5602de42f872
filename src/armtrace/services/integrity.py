"""`armtrace verify`: recompute the whole hash chain and every projection.

Two passes over the store. The first walks the event log in chain order (archived events
count by the hashes kept for them) and stops at the first event that does not fit. The
second replays each weapon's events and compares the result with the weapons and marks
rows, so an edited projection is caught as surely as an edited event.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from armtrace.domain.chain import GENESIS, Break, check_link
from armtrace.domain.errors import N_, ArmtraceError
from armtrace.domain.lifecycle import EventType, from_payload, replay
from armtrace.domain.retention import RetentionPolicy, retain_until
from armtrace.services.door import use_case
from armtrace.store.integrity import Integrity
from armtrace.store.registry import mark_rows, projection_row
from armtrace.store.uow import UnitOfWork

MAX_PROJECTION_ERRORS = 20


@dataclass
class VerifyReport:
    events: int = 0
    archived: int = 0
    weapons: int = 0
    head_seq: int = 0
    chain_break: Break | None = None
    projection_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain_break is None and not self.projection_errors


@use_case("registry.verify")
def verify(uow: UnitOfWork, policy: RetentionPolicy | None = None) -> VerifyReport:
    """Check the chain and the projections; the report names the first broken event."""
    report = VerifyReport()
    with uow.reading():
        _check_chain(uow.integrity, report)
        _check_projections(uow.integrity, report, policy or RetentionPolicy())
    return report


def _check_chain(store: Integrity, report: VerifyReport) -> None:
    prev, expected = GENESIS, 1
    for seq, link, stored_prev, stored_hash in store.links():
        if link is None:  # archived: its hash was kept, its body went to the archive file
            broken = (
                None
                if seq == expected and stored_prev == prev
                else Break(seq, N_("archived event #%(seq)s does not fit the chain", seq=seq))
            )
            report.archived += 1
        else:
            broken = check_link(expected, prev, link, stored_prev, stored_hash)
            report.events += 1
        if broken:
            report.chain_break = broken
            return
        prev, expected = stored_hash, expected + 1
    head = store.head()
    report.head_seq = head.seq
    if head.seq != expected - 1 or head.hash != prev:
        if head.seq > expected - 1:
            report.chain_break = Break(
                expected,
                N_(
                    "event #%(seq)s is missing: the chain head says the log ends at #%(head)s, "
                    "the stored events at #%(last)s",
                    seq=expected,
                    head=head.seq,
                    last=expected - 1,
                ),
            )
        else:
            report.chain_break = Break(
                expected - 1, N_("the chain head does not match event #%(seq)s", seq=expected - 1)
            )


def _check_projections(store: Integrity, report: VerifyReport, policy: RetentionPolicy) -> None:
    weapons = store.weapons()
    marks = store.marks()
    marks_of: dict[int, list[dict[str, object]]] = {}
    pending_marks = next(marks, None)

    def marks_for(weapon_id: int) -> list[dict[str, object]]:
        nonlocal pending_marks
        while pending_marks is not None and pending_marks[0] <= weapon_id:
            wid, rows = pending_marks
            marks_of[wid] = rows
            pending_marks = next(marks, None)
        return marks_of.pop(weapon_id, [])

    row = next(weapons, None)
    for weapon_id, payloads in store.events_by_weapon():
        events = [(seq, from_payload(payload)) for seq, payload in payloads]
        while row is not None and row.id < weapon_id:
            _error(report, _no_events(row.id))
            row = next(weapons, None)
        if row is None or row.id != weapon_id:
            _error(report, N_("events of weapon #%(weapon)s have no weapon record", weapon=weapon_id))
            continue
        report.weapons += 1
        try:
            state = replay(events)
        except ArmtraceError as exc:
            _error(
                report,
                N_("weapon #%(weapon)s: its events no longer replay (%(reason)s)", weapon=weapon_id, reason=exc.detail),
            )
            row = next(weapons, None)
            continue
        until = retain_until([(e.type, e.occurred_at) for _, e in events if e.type is not EventType.CORRECTION], policy)
        expected = projection_row(state, first_seq=events[0][0], last_seq=events[-1][0], retain_until=until)
        stored = dict(row._mapping)
        differs = sorted(k for k, v in expected.items() if k != "retain_until" and stored.get(k) != v)
        if stored["retain_until"] < until:
            differs.append("retain_until")
        if differs:
            _error(
                report,
                N_(
                    "weapon #%(weapon)s: stored %(fields)s differ from what its events say",
                    weapon=weapon_id,
                    fields=", ".join(differs),
                ),
            )
        if marks_for(weapon_id) != mark_rows(weapon_id, state.marks):
            _error(report, N_("weapon #%(weapon)s: stored marks differ from what its events say", weapon=weapon_id))
        row = next(weapons, None)
    while row is not None:
        _error(report, _no_events(row.id))
        row = next(weapons, None)


def _no_events(weapon_id: int) -> str:
    return N_("weapon #%(weapon)s has no events: its record was removed or never written", weapon=weapon_id)


def _error(report: VerifyReport, message: str) -> None:
    if len(report.projection_errors) < MAX_PROJECTION_ERRORS:
        report.projection_errors.append(message)
