"""`armtrace verify`: recompute the whole hash chain and every projection.

Two passes over the store. The first walks the event log in chain order (archived events
count by the hashes kept for them) and stops at the first event that does not fit. The
second replays each weapon's events and compares the result with the weapons and marks
rows, so an edited projection is caught as surely as an edited event.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby

import sqlalchemy as sa

from armtrace.domain.chain import GENESIS, Break, Link, check_link
from armtrace.domain.errors import N_, ArmtraceError
from armtrace.domain.lifecycle import EventType, from_payload, replay, utc_text
from armtrace.domain.retention import RetentionPolicy, retain_until
from armtrace.store import tables as t
from armtrace.store.chain import stream
from armtrace.store.registry import mark_rows, projection_row

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


def verify(engine: sa.Engine, policy: RetentionPolicy | None = None) -> VerifyReport:
    """Check the chain and the projections; the report names the first broken event."""
    report = VerifyReport()
    with engine.connect() as conn:
        _check_chain(conn, report)
        _check_projections(conn, report, policy or RetentionPolicy())
    return report


def _links(conn: sa.Connection) -> Iterator[tuple[int, Link | None, str, str]]:
    """Live events and archived ones, merged in chain order: (seq, link or None, prev, hash)."""
    live = (
        (
            r.seq,
            Link(r.seq, r.weapon_id, utc_text(r.recorded_at), r.recorded_by, json.loads(r.payload)),
            r.prev_hash,
            r.hash,
        )
        for r in stream(conn)
    )
    archived = (
        (r.seq, None, r.prev_hash, r.hash)
        for r in conn.execution_options(stream_results=True).execute(
            sa.select(t.archived_events).order_by(t.archived_events.c.seq)
        )
    )
    return heapq.merge(live, archived, key=lambda row: row[0])


def _check_chain(conn: sa.Connection, report: VerifyReport) -> None:
    prev, expected = GENESIS, 1
    for seq, link, stored_prev, stored_hash in _links(conn):
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
    head = conn.execute(sa.select(t.chain_head).where(t.chain_head.c.id == 1)).one()
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


def _check_projections(conn: sa.Connection, report: VerifyReport, policy: RetentionPolicy) -> None:
    streaming = conn.execution_options(stream_results=True, yield_per=5000)
    weapons = iter(streaming.execute(sa.select(t.weapons).order_by(t.weapons.c.id)))
    marks = groupby(
        streaming.execute(sa.select(t.marks).order_by(t.marks.c.weapon_id, t.marks.c.position)),
        key=lambda r: r.weapon_id,
    )
    marks_of: dict[int, list[dict[str, object]]] = {}
    pending_marks = next(marks, None)

    def marks_for(weapon_id: int) -> list[dict[str, object]]:
        nonlocal pending_marks
        while pending_marks is not None and pending_marks[0] <= weapon_id:
            wid, rows = pending_marks
            marks_of[wid] = [{k: v for k, v in r._mapping.items() if k != "id"} for r in rows]
            pending_marks = next(marks, None)
        return marks_of.pop(weapon_id, [])

    row = next(weapons, None)
    for weapon_id, group in groupby(stream(conn, order="weapon"), key=lambda r: r.weapon_id):
        events = [(r.seq, from_payload(json.loads(r.payload))) for r in group]
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
