"""Repository of retention: weapons whose records are due for archiving, the archives, and the
tombstones that keep a removed event's hashes so the chain still verifies."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from armtrace.store import tables as t

if TYPE_CHECKING:
    from armtrace.store.uow import UnitOfWork


class Retention:
    def __init__(self, conn: sa.Connection, uow: UnitOfWork) -> None:
        self.conn, self.uow = conn, uow

    def due(self, today: date, limit: int) -> list[int]:
        """Weapons past their retention date that have left the territory (destroyed or exported)."""
        c = t.weapons.c
        query = (
            sa.select(c.id)
            .where(c.retain_until <= today, c.status.in_(("destroyed", "exported")))
            .order_by(c.id)
            .limit(limit)
        )
        return list(self.conn.execute(query).scalars())

    def marks_of(self, weapon_id: int) -> list[dict[str, Any]]:
        return [dict(r._mapping) for r in self.conn.execute(sa.select(t.marks).where(t.marks.c.weapon_id == weapon_id))]

    def add_archive(self, values: dict[str, Any]) -> int:
        return int(self.conn.execute(t.archives.insert().returning(t.archives.c.id), values).scalar_one())

    def keep_tombstones(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(t.archived_events.insert(), rows)
