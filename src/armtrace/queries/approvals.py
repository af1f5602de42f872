"""Reading approvals: the acts waiting for a second person, and one subject's approvals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from armtrace.store import tables as t


@dataclass(frozen=True)
class ApprovalRow:
    id: int
    act: str
    summary: str
    subject: str | None
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    note: str | None


def approvals(conn: sa.Connection, status: str | None = "pending", subject: str | None = None) -> list[ApprovalRow]:
    """Approvals, oldest first: by default those still waiting."""
    a = t.approvals.c
    query = sa.select(
        a.id, a.act, a.summary, a.subject, a.status, a.requested_by, a.requested_at, a.decided_by, a.note
    ).order_by(a.id)
    if status:
        query = query.where(a.status == status)
    if subject:
        query = query.where(a.subject == subject)
    return [ApprovalRow(*row) for row in conn.execute(query.limit(500))]
