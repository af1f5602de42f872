"""Reading tracing requests: the lists, one request with its timed acts."""

from __future__ import annotations

import json
import statistics
from collections import Counter
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


@dataclass
class Counterpart:
    """How tracing went with one State (or overall): the figures a State brings to a PoA meeting."""

    name: str
    sent: int = 0
    received: int = 0
    acknowledged: int = 0
    answered: int = 0
    traced: int = 0
    days_to_acknowledge: list[float] | None = None
    days_to_answer: list[float] | None = None

    def median_and_p90(self, values: list[float] | None) -> tuple[float | None, float | None]:
        if not values:
            return None, None
        ordered = sorted(values)
        return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


@dataclass
class Statistics:
    overall: Counterpart
    by_counterpart: list[Counterpart]
    failure_reasons: list[tuple[str, int]]  # most common first
    restrictions: list[tuple[str, int]]


def statistics_of(conn: sa.Connection) -> Statistics:
    """Requests sent and received, acknowledged, answered, traced; response times; why traces fail."""
    overall = Counterpart("all")
    per: dict[str, Counterpart] = {}
    failures: Counter[str] = Counter()
    restrictions: Counter[str] = Counter()
    for r in conn.execute(sa.select(t.trace_requests).where(t.trace_requests.c.status != "drafted")):
        other = r.requested if r.direction == "outgoing" else r.requester
        for c in (overall, per.setdefault(other, Counterpart(other))):
            if r.direction == "outgoing":
                c.sent += 1
            else:
                c.received += 1
            c.acknowledged += r.acknowledged_at is not None
            c.answered += r.answered_at is not None
            c.traced += r.outcome in ("traced", "partially_traced")
            if r.sent_at and r.acknowledged_at:
                c.days_to_acknowledge = [*(c.days_to_acknowledge or []), _days(r.sent_at, r.acknowledged_at)]
            if r.sent_at and r.answered_at:
                c.days_to_answer = [*(c.days_to_answer or []), _days(r.sent_at, r.answered_at)]
        if r.failure:
            failures[r.failure] += 1
        if r.restriction:
            restrictions[r.restriction] += 1
    return Statistics(
        overall,
        sorted(per.values(), key=lambda c: -(c.sent + c.received)),
        failures.most_common(),
        restrictions.most_common(),
    )


def _days(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds() / 86400, 2)
