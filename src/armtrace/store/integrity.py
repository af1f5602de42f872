"""What `verify` reads: the chain in order (live and archived events merged), the chain heads, the change
log, and the weapons, marks and events each in weapon order, streamed so a store of millions fits in
memory. Times and payloads are read raw (text as stored), so a row corrupted by hand is reported by
`verify`, never raised while reading it."""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator
from itertools import groupby
from typing import Any, NamedTuple

import sqlalchemy as sa

from armtrace.store import tables as t


class RawEvent(NamedTuple):
    seq: int
    weapon_id: int | None  # None: an archived event, of which only the hashes are kept
    type: str | None
    occurred_at: object  # as stored: a datetime, or text on SQLite
    recorded_at: object
    recorded_by: str | None
    payload: str | None
    corrects: int | None
    prev_hash: str
    hash: str


class Integrity:
    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def _stream(self, query: sa.Select[Any]) -> sa.CursorResult[Any]:
        """Rows read in batches (a server-side cursor on PostgreSQL), for this statement only."""
        return self.conn.execute(query.execution_options(stream_results=True, yield_per=5000))

    def _raw(self, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        # SQLite hands back text, which SQLAlchemy would parse (and fail on) before verify sees the row.
        return sa.type_coerce(column, sa.String) if self.conn.dialect.name == "sqlite" else column

    def events(self, order: str = "seq") -> Iterator[RawEvent]:
        c = t.events.c
        ordering = (c.seq,) if order == "seq" else (c.weapon_id, c.seq)
        query = sa.select(
            c.seq, c.weapon_id, c.type, self._raw(c.occurred_at), self._raw(c.recorded_at), c.recorded_by,
            c.payload, c.corrects, c.prev_hash, c.hash,
        ).order_by(*ordering)  # fmt: skip
        return (RawEvent._make(row) for row in self._stream(query))

    def links(self) -> Iterator[RawEvent]:
        """Live events and archived ones, merged in chain order."""
        a = t.archived_events.c
        archived = (
            RawEvent(r.seq, None, None, None, None, None, None, None, r.prev_hash, r.hash)
            for r in self._stream(sa.select(a.seq, a.prev_hash, a.hash).order_by(a.seq))
        )
        return heapq.merge(self.events(), archived, key=lambda row: row.seq)

    def head(self, which: int = 1) -> sa.Row[Any] | None:
        """Row 1: the event log's tip; row 2: the change log's."""
        return self.conn.execute(sa.select(t.chain_head).where(t.chain_head.c.id == which)).one_or_none()

    def change_log(self) -> Iterator[dict[str, Any]]:
        c = t.change_log.c
        columns = [self._raw(col).label(col.name) if col.name == "at" else col for col in c]
        return (dict(r._mapping) for r in self._stream(sa.select(*columns).order_by(c.id)))

    def weapons(self) -> Iterator[sa.Row[Any]]:
        return iter(self._stream(sa.select(t.weapons).order_by(t.weapons.c.id)))

    def marks(self) -> Iterator[tuple[int, list[dict[str, object]]]]:
        """Each weapon's mark rows (without their ids), in weapon order."""
        rows = self._stream(sa.select(t.marks).order_by(t.marks.c.weapon_id, t.marks.c.position))
        for weapon_id, group in groupby(rows, key=lambda r: r.weapon_id):
            yield weapon_id, [{k: v for k, v in r._mapping.items() if k != "id"} for r in group]

    def events_by_weapon(self) -> Iterator[tuple[int, list[RawEvent]]]:
        """Each weapon's events, in weapon order."""
        for weapon_id, group in groupby(self.events(order="weapon"), key=lambda r: r.weapon_id):
            yield weapon_id, list(group)  # type: ignore[misc]

    def record(self, scope: str, at: object, by: str, ok: bool, summary: dict[str, Any]) -> None:
        """Keep one run of verify (its own record, not a change of the registry)."""
        self.conn.execute(
            t.verifications.insert().values(
                scope=scope, at=at, by=by, ok=ok, summary=json.dumps(summary, default=str, sort_keys=True)
            )
        )

    def last(self, scope: str) -> dict[str, Any] | None:
        c = t.verifications.c
        row = self.conn.execute(
            sa.select(t.verifications).where(c.scope == scope).order_by(c.id.desc()).limit(1)
        ).one_or_none()
        return None if row is None else {**row._mapping, "summary": json.loads(row.summary)}
