"""Repository of anchors: chain heads this node lodged with peers, with their receipts, and those it holds
for peers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from armtrace.store import tables as t
from armtrace.store.uow import Change

if TYPE_CHECKING:
    from armtrace.store.uow import UnitOfWork


class Anchors:
    def __init__(self, conn: sa.Connection, uow: UnitOfWork) -> None:
        self.conn, self.uow = conn, uow

    def add(self, values: dict[str, Any]) -> None:
        self.conn.execute(t.anchors.insert().values(**values))
        shown = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}
        self.uow.note(Change(f"exchange:anchor:{values['direction']}", "anchor", values["envelope_id"], None, shown))

    def lodged(self, envelope_id: str, node: str) -> dict[str, Any] | None:
        c = t.anchors.c
        row = self.conn.execute(
            sa.select(t.anchors).where(c.envelope_id == envelope_id, c.node == node, c.direction == "lodged")
        ).one_or_none()
        return None if row is None else dict(row._mapping)

    def receipted(self, anchor_id: int, receipt: str, at: datetime) -> None:
        self.conn.execute(t.anchors.update().where(t.anchors.c.id == anchor_id).values(receipt=receipt, receipt_at=at))

    def all(self, direction: str, node: str | None = None) -> list[dict[str, Any]]:
        c = t.anchors.c
        query = sa.select(t.anchors).where(c.direction == direction).order_by(c.seq, c.id)
        if node is not None:
            query = query.where(c.node == node)
        return [dict(r._mapping) for r in self.conn.execute(query)]

    def last_lodged_at(self) -> datetime | None:
        c = t.anchors.c
        return self.conn.execute(sa.select(sa.func.max(c.anchored_at)).where(c.direction == "lodged")).scalar()

    def event_hash(self, seq: int) -> str | None:
        """The hash the store now holds for event `seq` (live, or kept of an archived one)."""
        for table in (t.events, t.archived_events):
            found = self.conn.execute(sa.select(table.c.hash).where(table.c.seq == seq)).scalar()
            if found is not None:
                return str(found)
        return None

    def change_hash(self, line: int) -> str | None:
        """The hash of the `line`-th change-log line (1-based, in the log's order)."""
        c = t.change_log.c
        found = self.conn.execute(sa.select(c.hash).order_by(c.id).offset(line - 1).limit(1)).scalar()
        return None if found is None else str(found)
