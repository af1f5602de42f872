"""Repository of approvals: acts waiting for a second person, and the decisions on them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from armtrace.store import tables as t
from armtrace.store.uow import Change

if TYPE_CHECKING:
    from armtrace.store.uow import UnitOfWork


class Approvals:
    def __init__(self, conn: sa.Connection, uow: UnitOfWork) -> None:
        self.conn, self.uow = conn, uow

    def add(self, values: dict[str, Any]) -> int:
        approval_id = int(
            self.conn.execute(t.approvals.insert().values(**values).returning(t.approvals.c.id)).scalar_one()
        )
        self.uow.note(Change(f"approvals:{values['act']}:ask", "approval", str(approval_id), None, _plain(values)))
        return approval_id

    def get(self, approval_id: int, lock: bool = False) -> dict[str, Any] | None:
        query = sa.select(t.approvals).where(t.approvals.c.id == approval_id)
        row = self.conn.execute(query.with_for_update() if lock else query).one_or_none()
        return None if row is None else dict(row._mapping)

    def decide(self, approval_id: int, status: str, by: str, at: datetime, note: str | None) -> None:
        before = self.get(approval_id)
        values = {"status": status, "decided_by": by, "decided_at": at, "note": note}
        self.conn.execute(t.approvals.update().where(t.approvals.c.id == approval_id).values(**values))
        act = before["act"] if before else "?"
        self.uow.note(
            Change(
                f"approvals:{act}:{status}", "approval", str(approval_id), _plain(before or {}), _plain(values), note
            )
        )

    def carried_out(self, approval_id: int, at: datetime) -> bool:
        """Mark an approved act carried out, once: False if it is not approved or was carried out already."""
        c = t.approvals.c
        done = self.conn.execute(
            t.approvals.update()
            .where(c.id == approval_id, c.status == "approved", c.carried_out_at.is_(None))
            .values(carried_out_at=at)
        )
        if done.rowcount != 1:
            return False
        self.uow.note(Change("approvals:carried_out", "approval", str(approval_id), None, {"at": at.isoformat()}))
        return True


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}
