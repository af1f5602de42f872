"""`armtrace verify`: recompute the whole hash chain, the change log's chain and every projection, and
report every break found, whatever the store holds.

Three passes over the store. The first walks the event log in chain order (archived events count
by the hashes kept for them); the second walks the change log, chained the same way; the third
replays each weapon's events and compares the result with the weapons and marks rows, so an edited
projection is caught as surely as an edited event. A row that cannot be read (a payload that is not
JSON, a time that is not a time) is a finding like any other: verify names it, carries on from the
hash stored with it, and goes to the end. Records are evidence; a report that stops at the first
break, or a traceback, tells an investigator too little.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from armtrace.domain.chain import GENESIS, Break, Link, change_hash, link_hash
from armtrace.domain.errors import N_, ArmtraceError
from armtrace.domain.lifecycle import EventType, from_payload, replay, utc_text
from armtrace.domain.retention import RetentionPolicy, retain_until
from armtrace.services.door import use_case
from armtrace.store.integrity import Integrity, RawEvent
from armtrace.store.registry import mark_rows, projection_row
from armtrace.store.uow import UnitOfWork

KEPT_PER_KIND = 1000  # findings of one kind kept with their detail; all are counted
CHAIN_KINDS = ("missing", "out_of_order", "unlinked", "altered", "unreadable_payload", "unreadable_time", "head")


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the store: its kind (a code), what is wrong, and where."""

    kind: str
    detail: str
    seq: int | None = None  # the event, or the change-log line for change-log findings
    weapon_id: int | None = None


@dataclass
class VerifyReport:
    events: int = 0
    archived: int = 0
    weapons: int = 0
    change_log: int = 0
    head_seq: int = 0
    findings: list[Finding] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)  # every finding, by kind, kept or not

    def found(self, finding: Finding) -> None:
        self.counts[finding.kind] += 1
        if self.counts[finding.kind] <= KEPT_PER_KIND:
            self.findings.append(finding)

    @property
    def ok(self) -> bool:
        return not self.counts

    @property
    def by_kind(self) -> dict[str, int]:
        return dict(self.counts)

    @property
    def bad_events(self) -> tuple[int, int] | None:
        """The first and last event named by a finding."""
        seqs = [f.seq for f in self.findings if f.seq is not None and not f.kind.startswith("change_log")]
        return (min(seqs), max(seqs)) if seqs else None

    @property
    def chain_break(self) -> Break | None:
        """The first break in the event chain."""
        first = next((f for f in self.findings if f.kind in CHAIN_KINDS), None)
        return None if first is None else Break(first.seq or 0, first.detail)

    @property
    def projection_errors(self) -> list[str]:
        return [f.detail for f in self.findings if f.kind in ("projection", "marks", "orphan_events", "no_events")]


@use_case("registry.verify")
def verify(uow: UnitOfWork, policy: RetentionPolicy | None = None) -> VerifyReport:
    """Check the event chain, the change log and the projections; the report names every break."""
    report = VerifyReport()
    with uow.reading():
        _check_chain(uow.integrity, report)
        _check_change_log(uow.integrity, report)
        _check_projections(uow.integrity, report, policy or RetentionPolicy())
    report.findings.sort(key=lambda f: (f.kind.startswith("change_log"), f.seq or 0))
    with uow:  # the run itself is kept, for the auditor's page
        uow.integrity.record("store", uow.clock.now(), uow.actor.id, report.ok, summary_of(report))
        uow.commit()
    return report


SHOWN = 200  # findings kept with a run, in full


def summary_of(report: VerifyReport) -> dict[str, object]:
    return {
        "events": report.events,
        "archived": report.archived,
        "weapons": report.weapons,
        "change_log": report.change_log,
        "head_seq": report.head_seq,
        "by_kind": report.by_kind,
        "bad_events": report.bad_events,
        "findings": [asdict(f) for f in report.findings[:SHOWN]],
    }


@use_case("registry.verify")
def last_verification(uow: UnitOfWork, scope: str = "store") -> dict[str, object] | None:
    """The last run of verify (scope "store"), or of the anchors' check ("anchors"): when, by whom, its findings."""
    with uow.reading():
        return uow.integrity.last(scope)


def _time(raw: object) -> datetime:
    """A stored time, from the store's own type or from SQLite's text; ValueError if it is not one."""
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str):
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    else:
        raise ValueError(repr(raw))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _check_chain(store: Integrity, report: VerifyReport) -> None:
    prev, expected = GENESIS, 1
    found = report.found
    for e in store.links():
        if e.seq > expected:
            gap = (
                N_("events #%(first)s to #%(last)s are missing", first=expected, last=e.seq - 1)
                if e.seq - 1 > expected
                else N_("event #%(seq)s is missing", seq=expected)
            )
            found(Finding("missing", gap, expected))
            prev = e.prev_hash  # carry on from what the next one says came before
        elif e.seq < expected:
            found(Finding("out_of_order", N_("event #%(seq)s is out of order (expected #%(expected)s)", seq=e.seq,
                                           expected=expected), e.seq, e.weapon_id))  # fmt: skip
        if e.prev_hash != prev:
            found(Finding("unlinked", N_("event #%(seq)s does not follow the event before it (its previous-hash "
                                       "differs: an event was removed, inserted or reordered)", seq=e.seq),
                        e.seq, e.weapon_id))  # fmt: skip
        if e.weapon_id is None:
            report.archived += 1
        else:
            report.events += 1
            _check_event(e, report)
        prev, expected = e.hash, max(expected, e.seq + 1)
    head = store.head(1)
    report.head_seq = head.seq if head is not None else 0
    if head is None or head.seq != expected - 1 or head.hash != prev:
        if head is not None and head.seq > expected - 1:
            detail = N_("event #%(seq)s is missing: the chain head says the log ends at #%(head)s, the stored "
                        "events at #%(last)s", seq=expected, head=head.seq, last=expected - 1)  # fmt: skip
            found(Finding("missing", detail, expected))
        else:
            found(Finding("head", N_("the chain head does not match event #%(seq)s", seq=expected - 1), expected - 1))


def _check_event(e: RawEvent, report: VerifyReport) -> None:
    """One live event: readable, its hash its own, its columns what its payload says."""
    found = report.found
    try:
        payload = json.loads(str(e.payload))
        if not isinstance(payload, dict):
            raise ValueError("not an object")
    except ValueError as exc:
        found(Finding("unreadable_payload", N_("event #%(seq)s: its payload cannot be read (%(error)s)", seq=e.seq,
                                             error=str(exc)[:80]), e.seq, e.weapon_id))  # fmt: skip
        return
    try:
        recorded = _time(e.recorded_at)
    except ValueError:
        found(Finding("unreadable_time", N_("event #%(seq)s: its recording time %(value)r is not a time", seq=e.seq,
                                          value=str(e.recorded_at)[:40]), e.seq, e.weapon_id))  # fmt: skip
        return
    link = Link(e.seq, int(e.weapon_id or 0), utc_text(recorded), str(e.recorded_by), payload)
    if link_hash(e.prev_hash, link) != e.hash:
        found(Finding("altered", N_("event #%(seq)s was altered: its content does not match its hash", seq=e.seq),
                    e.seq, e.weapon_id))  # fmt: skip
    differs = []
    if payload.get("type") != e.type:
        differs.append("type")
    if payload.get("corrects") != e.corrects:
        differs.append("corrects")
    try:
        occurred = _time(str(payload.get("occurred_at")))
    except ValueError:
        found(Finding("unreadable_time", N_("event #%(seq)s: the time it happened, %(value)r, is not a time", seq=e.seq,
                                          value=str(payload.get("occurred_at"))[:40]), e.seq, e.weapon_id))  # fmt: skip
    else:
        try:
            if _time(e.occurred_at) != occurred:
                differs.append("occurred_at")
        except ValueError:
            differs.append("occurred_at")
    if differs:
        found(Finding("columns", N_("event #%(seq)s: its columns %(fields)s contradict its payload", seq=e.seq,
                                  fields=", ".join(differs)), e.seq, e.weapon_id))  # fmt: skip


def _check_change_log(store: Integrity, report: VerifyReport) -> None:
    prev, count = GENESIS, 0
    found = report.found
    for line in store.change_log():
        count += 1
        if line["prev_hash"] != prev:
            unlinked = N_("change-log line %(line)s does not follow the line before it (a line was removed or "
                          "inserted)", line=line["id"])  # fmt: skip
            found(Finding("change_log_unlinked", unlinked, line["id"]))
        try:
            at = utc_text(_time(line["at"]))
        except ValueError:
            unreadable = N_("change-log line %(line)s: its time cannot be read", line=line["id"])
            found(Finding("change_log_altered", unreadable, line["id"]))
        else:
            if change_hash(str(line["prev_hash"]), {**line, "at": at}) != line["hash"]:
                altered = N_("change-log line %(line)s was altered: it does not match its hash", line=line["id"])
                found(Finding("change_log_altered", altered, line["id"]))
        prev = str(line["hash"])
    report.change_log = count
    head = store.head(2)
    if head is None or head.seq != count or head.hash != prev:
        found(Finding("change_log_head", N_("the change log's tip does not match its last line (%(count)s lines "
                                          "stored): lines were removed at its end", count=count)))  # fmt: skip


def _check_projections(store: Integrity, report: VerifyReport, policy: RetentionPolicy) -> None:
    weapons = store.weapons()
    marks = store.marks()
    marks_of: dict[int, list[dict[str, object]]] = {}
    pending_marks = next(marks, None)
    found = report.found

    def marks_for(weapon_id: int) -> list[dict[str, object]]:
        nonlocal pending_marks
        while pending_marks is not None and pending_marks[0] <= weapon_id:
            wid, rows = pending_marks
            marks_of[wid] = rows
            pending_marks = next(marks, None)
        return marks_of.pop(weapon_id, [])

    row = next(weapons, None)
    for weapon_id, raw in store.events_by_weapon():
        while row is not None and row.id < weapon_id:
            found(Finding("no_events", _no_events(row.id), weapon_id=row.id))
            row = next(weapons, None)
        if row is None or row.id != weapon_id:
            found(Finding("orphan_events", N_("events of weapon #%(weapon)s have no weapon record", weapon=weapon_id),
                        weapon_id=weapon_id))  # fmt: skip
            continue
        report.weapons += 1
        try:
            events = [(e.seq, from_payload(json.loads(str(e.payload)))) for e in raw]
            state = replay(events)
        except (ArmtraceError, ValueError, KeyError, TypeError) as exc:
            reason = exc.detail if isinstance(exc, ArmtraceError) else type(exc).__name__
            found(Finding("projection", N_("weapon #%(weapon)s: its events no longer replay (%(reason)s)",
                                         weapon=weapon_id, reason=reason), weapon_id=weapon_id))  # fmt: skip
            marks_for(weapon_id)
            row = next(weapons, None)
            continue
        until = retain_until([(e.type, e.occurred_at) for _, e in events if e.type is not EventType.CORRECTION], policy)
        expected = projection_row(state, first_seq=events[0][0], last_seq=events[-1][0], retain_until=until)
        stored = dict(row._mapping)
        differs = sorted(k for k, v in expected.items() if k != "retain_until" and stored.get(k) != v)
        if stored["retain_until"] < until:
            differs.append("retain_until")
        if differs:
            detail = N_("weapon #%(weapon)s: stored %(fields)s differ from what its events say", weapon=weapon_id,
                        fields=", ".join(differs))  # fmt: skip
            found(Finding("projection", detail, weapon_id=weapon_id))
        if marks_for(weapon_id) != mark_rows(weapon_id, state.marks):
            found(Finding("marks", N_("weapon #%(weapon)s: stored marks differ from what its events say",
                                    weapon=weapon_id), weapon_id=weapon_id))  # fmt: skip
        row = next(weapons, None)
    while row is not None:
        found(Finding("no_events", _no_events(row.id), weapon_id=row.id))
        row = next(weapons, None)


def _no_events(weapon_id: int) -> str:
    return N_("weapon #%(weapon)s has no events: its record was removed or never written", weapon=weapon_id)
