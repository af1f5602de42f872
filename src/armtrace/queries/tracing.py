"""Reading tracing requests: the lists, one request with its timed acts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from armtrace.domain.errors import NotFound
from armtrace.store import tables as t


@dataclass(frozen=True)
class RequestRow:
    id: str
    direction: str
    counterpart: str
    status: str
    outcome: str | None
    sent_at: datetime | None
    answer_by: datetime | None


def list_requests(conn: sa.Connection, limit: int = 200) -> list[RequestRow]:
    r = t.trace_requests.c
    rows = conn.execute(sa.select(t.trace_requests).order_by(r.created_at.desc(), r.id.desc()).limit(limit))
    return [
        RequestRow(
            x.id,
            x.direction,
            x.requested if x.direction == "outgoing" else x.requester,
            x.status,
            x.outcome,
            x.sent_at,
            x.answer_by,
        )
        for x in rows
    ]


def request_detail(conn: sa.Connection, request_id: str) -> dict[str, Any]:
    row = conn.execute(sa.select(t.trace_requests).where(t.trace_requests.c.id == request_id)).one_or_none()
    if row is None:
        raise NotFound(f"there is no request {request_id}", hint="see them with 'armtrace trace list'")
    out = dict(row._mapping)
    out["content"] = json.loads(out["content"])
    out["answer"] = json.loads(out["answer"]) if out["answer"] else None
    e = t.trace_events.c
    out["acts"] = [
        {"act": a.act, "at": a.at, "by": a.actor, "detail": json.loads(a.detail) if a.detail else None}
        for a in conn.execute(sa.select(t.trace_events).where(e.request_id == request_id).order_by(e.id))
    ]
    return out
