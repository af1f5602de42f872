"""Reading tracing requests: the lists, one request with its timed acts."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from armtrace.domain.errors import N_, NotFound
from armtrace.domain.tracing import Status, overdue, waiting_since
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
    overdue: str | None  # what is awaited past its deadline: acknowledgement or answer
    acknowledge_by: datetime | None = None  # this node's own deadline, on a request received
    waiting_since: datetime | None = None  # since when its next step (acknowledgement, answer) is awaited
    waited_days: int | None = None  # how many whole days, until now
    contact_notified_at: datetime | None = None  # the point of contact told it waits past acknowledge_by


@dataclass(frozen=True)
class RequestPage:
    items: list[RequestRow]
    total: int  # of the requests listed (all, or the overdue), not only of this page


def list_requests(
    conn: sa.Connection, now: datetime, only_overdue: bool = False, limit: int = 200, offset: int = 0
) -> RequestPage:
    """Requests sent and received, newest first, each flagged with what is overdue, if anything."""
    r = t.trace_requests.c
    query = sa.select(t.trace_requests).order_by(r.created_at.desc(), r.id.desc())
    if only_overdue:  # deadlines are compared in Python: the open requests are few
        query = query.where(r.status.in_(("sent", "acknowledged")))
    else:
        query = query.limit(limit).offset(offset)
    rows = [_row(x, now) for x in conn.execute(query)]
    if only_overdue:
        late = [x for x in rows if x.overdue]
        return RequestPage(late[offset : offset + limit], len(late))
    return RequestPage(rows, count_requests(conn))


def _row(x: sa.Row[Any], now: datetime) -> RequestRow:
    status = Status(x.status)
    since = waiting_since(status, _received(x), x.acknowledged_at)
    return RequestRow(
        x.id,
        x.direction,
        x.requested if x.direction == "outgoing" else x.requester,
        x.status,
        x.outcome,
        x.sent_at,
        x.answer_by,
        overdue(status, x.acknowledge_by, x.answer_by, now),
        x.acknowledge_by,
        since,
        waited_days(since, now),
        x.contact_notified_at,
    )


def waited_days(since: datetime | None, now: datetime | None) -> int | None:
    return (now - since).days if since and now else None


def _received(x: sa.Row[Any]) -> datetime | None:
    """When the request's clock started here: its receipt, for one received; its sending, for one sent."""
    return x.created_at if x.direction == "incoming" else x.sent_at


def count_requests(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(t.trace_requests)).scalar_one())


@dataclass(frozen=True)
class Link:
    """One State asked in a case: what it answered, and where it sent the chain next."""

    request_id: str
    asked: str  # the node asked
    country: str | None
    status: str
    outcome: str | None
    reason: str | None  # the failure code or the restriction
    next_country: str | None
    facts: list[str]


def case_chain(conn: sa.Connection, request_id: str) -> list[Link]:
    """The chain a request belongs to, State by State, from the first request to the latest follow-up."""
    r = t.trace_requests.c
    root = request_id
    for _ in range(50):  # a chain is a handful of States; the bound guards against a cycle
        parent = conn.execute(sa.select(r.parent_id).where(r.id == root)).scalar_one_or_none()
        if not parent:
            break
        root = parent
    countries = {r.node_id: r.country for r in conn.execute(sa.select(t.peers.c.node_id, t.peers.c.country))}
    chain: list[Link] = []
    current: str | None = root
    while current and len(chain) < 50:
        x = conn.execute(sa.select(t.trace_requests).where(r.id == current)).one_or_none()
        if x is None:
            break
        answer = json.loads(x.answer) if x.answer else {}
        chain.append(
            Link(
                x.id,
                x.requested,
                countries.get(x.requested),
                x.status,
                x.outcome,
                x.failure or x.restriction,
                answer.get("next_country"),
                list(answer.get("facts", [])),
            )
        )
        current = conn.execute(sa.select(r.id).where(r.parent_id == x.id).order_by(r.created_at)).scalars().first()
    return chain


def request_detail(conn: sa.Connection, request_id: str, now: datetime | None = None) -> dict[str, Any]:
    row = conn.execute(sa.select(t.trace_requests).where(t.trace_requests.c.id == request_id)).one_or_none()
    if row is None:
        raise NotFound(
            N_("there is no request %(request)s", request=request_id), hint=N_("see them with 'armtrace trace list'")
        )
    out = dict(row._mapping)
    out["content"] = json.loads(out["content"])
    out["answer"] = json.loads(out["answer"]) if out["answer"] else None
    out["overdue"] = overdue(Status(row.status), row.acknowledge_by, row.answer_by, now) if now else None
    since = waiting_since(Status(row.status), _received(row), row.acknowledged_at)
    out["waiting_since"], out["waited_days"] = since, waited_days(since, now)
    out["chain"] = [asdict(link) for link in case_chain(conn, request_id)] if row.direction == "outgoing" else []
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


@dataclass(frozen=True)
class Exchanged:
    requests: int
    delivered: int
    pending: int
    received: int


def exchanged(conn: sa.Connection) -> tuple[int, int, int]:
    """Messages this node delivered, still waiting to be, and received (each kept, and applied, once)."""
    o = t.outbox.c
    delivered = conn.execute(sa.select(sa.func.count()).where(o.delivered_at.is_not(None))).scalar_one()
    pending = conn.execute(
        sa.select(sa.func.count()).where(o.delivered_at.is_(None), o.refused_at.is_(None))
    ).scalar_one()
    received = conn.execute(sa.select(sa.func.count()).select_from(t.inbox)).scalar_one()
    return delivered, pending, received


def peers(conn: sa.Connection) -> list[tuple[str, str | None]]:
    """The nodes this one may ask: (node id, country)."""
    p = t.peers.c
    return [(r.node_id, r.country) for r in conn.execute(sa.select(p.node_id, p.country).order_by(p.node_id))]


@dataclass(frozen=True)
class Waiting:
    """A message in the outbox not delivered: still tried, or refused for good by its peer (with the code)."""

    id: str
    recipient: str
    subject: str | None  # the request it is about
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    refused_reason: str | None = None
    refused_at: datetime | None = None


def undelivered(conn: sa.Connection, limit: int = 500) -> list[Waiting]:
    """Messages not delivered, oldest first: those the peers refused for good, with their coded reason,
    and those still tried."""
    o = t.outbox.c
    rows = conn.execute(
        sa.select(
            o.id, o.recipient, o.subject, o.created_at, o.attempts, o.next_attempt_at, o.last_error,
            o.refused_reason, o.refused_at,
        )
        .where(o.delivered_at.is_(None))
        .order_by(o.seq)
        .limit(limit)
    )  # fmt: skip
    return [Waiting(*r) for r in rows]
