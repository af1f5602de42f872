"""The append-only event log and its chain head.

Appending takes the head under a lock (FOR UPDATE on PostgreSQL; SQLite's BEGIN
IMMEDIATE already admits one writer), so events get consecutive numbers and each one
links to the event truly before it, however many clerks record at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from armtrace.domain.chain import Link, canonical, link_hash
from armtrace.domain.lifecycle import EventFacts, from_payload, to_payload, utc_text
from armtrace.store import bulk
from armtrace.store import tables as t

EVENT_COLUMNS = (
    "seq",
    "weapon_id",
    "type",
    "occurred_at",
    "recorded_at",
    "recorded_by",
    "payload",
    "corrects",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    weapon_id: int
    facts: EventFacts
    recorded_at: datetime
    recorded_by: str
    prev_hash: str
    hash: str


@dataclass
class Head:
    seq: int
    hash: str


@dataclass(frozen=True)
class Pending:
    """An event ready to append, its weapon already known."""

    weapon_id: int
    facts: EventFacts


class EventLog:
    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self._head: Head | None = None
        self._dirty = False

    def lock_head(self) -> Head:
        """Take the chain head for this transaction; every writer calls this first."""
        if self._head is None:
            row = self.conn.execute(
                sa.select(t.chain_head.c.seq, t.chain_head.c.hash).where(t.chain_head.c.id == 1).with_for_update()
            ).one()
            self._head = Head(row.seq, row.hash)
        return self._head

    def append(self, items: Sequence[Pending], recorded_at: datetime, recorded_by: str) -> list[int]:
        """Chain and insert events in order; returns their numbers."""
        return self.append_json(
            [
                (
                    i.weapon_id,
                    i.facts.type.value,
                    i.facts.occurred_at,
                    i.facts.corrects,
                    canonical(to_payload(i.facts)).decode("utf-8"),
                )
                for i in items
            ],
            recorded_at,
            recorded_by,
        )

    def append_json(
        self, items: Sequence[tuple[int, str, datetime, int | None, str]], recorded_at: datetime, recorded_by: str
    ) -> list[int]:
        """Chain and insert events whose payloads are already canonical JSON: (weapon id, type, occurred
        at, corrects, payload). Bulk loads prepare payloads in other processes and chain them here."""
        head = self.lock_head()
        rows = []
        when = utc_text(recorded_at)
        for weapon_id, kind, occurred_at, corrects, payload_json in items:
            seq = head.seq + 1
            digest = link_hash(head.hash, Link(seq, weapon_id, when, recorded_by, {}), payload_json.encode("utf-8"))
            rows.append(
                (seq, weapon_id, kind, occurred_at, recorded_at, recorded_by, payload_json, corrects, head.hash, digest)
            )
            head.seq, head.hash = seq, digest
        if rows:
            bulk.insert(self.conn, t.events, EVENT_COLUMNS, rows)
            self._dirty = True
        return [r[0] for r in rows]

    def write_head(self) -> None:
        if self._dirty and self._head is not None:
            self.conn.execute(
                t.chain_head.update().where(t.chain_head.c.id == 1).values(seq=self._head.seq, hash=self._head.hash)
            )
            self._dirty = False

    def of_weapon(self, weapon_id: int) -> list[StoredEvent]:
        rows = self.conn.execute(sa.select(t.events).where(t.events.c.weapon_id == weapon_id).order_by(t.events.c.seq))
        return [to_stored(r) for r in rows]

    def get(self, seq: int) -> StoredEvent | None:
        row = self.conn.execute(sa.select(t.events).where(t.events.c.seq == seq)).one_or_none()
        return None if row is None else to_stored(row)


def to_stored(row: sa.Row[object]) -> StoredEvent:
    m = row._mapping
    return StoredEvent(
        m["seq"],
        m["weapon_id"],
        from_payload(json.loads(m["payload"])),
        m["recorded_at"],
        m["recorded_by"],
        m["prev_hash"],
        m["hash"],
    )


def stream(conn: sa.Connection, order: str = "seq", batch: int = 5000) -> Iterator[sa.Row[object]]:
    """Every stored event, in chain order or grouped by weapon, read in batches."""
    cols = t.events.c
    ordering = (cols.seq,) if order == "seq" else (cols.weapon_id, cols.seq)
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(
        sa.select(t.events).order_by(*ordering)
    )
    yield from result
