"""What `verify` reads: the chain in order (live and archived events merged), the chain head, and the
weapons, marks and events each in weapon order, streamed so a store of millions fits in memory."""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator
from itertools import groupby
from typing import Any

import sqlalchemy as sa

from armtrace.domain.chain import Link
from armtrace.domain.lifecycle import utc_text
from armtrace.store import tables as t
from armtrace.store.chain import stream


class Integrity:
    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def links(self) -> Iterator[tuple[int, Link | None, str, str]]:
        """Live events and archived ones, merged in chain order: (seq, link or None, prev, hash)."""
        live = (
            (
                r.seq,
                Link(r.seq, r.weapon_id, utc_text(r.recorded_at), r.recorded_by, json.loads(r.payload)),
                r.prev_hash,
                r.hash,
            )
            for r in stream(self.conn)
        )
        archived = (
            (r.seq, None, r.prev_hash, r.hash)
            for r in self.conn.execution_options(stream_results=True).execute(
                sa.select(t.archived_events).order_by(t.archived_events.c.seq)
            )
        )
        return heapq.merge(live, archived, key=lambda row: row[0])

    def head(self) -> sa.Row[Any]:
        return self.conn.execute(sa.select(t.chain_head).where(t.chain_head.c.id == 1)).one()

    def weapons(self) -> Iterator[sa.Row[Any]]:
        streaming = self.conn.execution_options(stream_results=True, yield_per=5000)
        return iter(streaming.execute(sa.select(t.weapons).order_by(t.weapons.c.id)))

    def marks(self) -> Iterator[tuple[int, list[dict[str, object]]]]:
        """Each weapon's mark rows (without their ids), in weapon order."""
        streaming = self.conn.execution_options(stream_results=True, yield_per=5000)
        rows = streaming.execute(sa.select(t.marks).order_by(t.marks.c.weapon_id, t.marks.c.position))
        for weapon_id, group in groupby(rows, key=lambda r: r.weapon_id):
            yield weapon_id, [{k: v for k, v in r._mapping.items() if k != "id"} for r in group]

    def events_by_weapon(self) -> Iterator[tuple[int, list[tuple[int, dict[str, Any]]]]]:
        """Each weapon's events as (seq, payload), in weapon order."""
        for weapon_id, group in groupby(stream(self.conn, order="weapon"), key=lambda r: r.weapon_id):
            yield weapon_id, [(r.seq, json.loads(r.payload)) for r in group]
