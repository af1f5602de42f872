"""Repository of tracing: trace requests, sent and received, with their timed acts."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from armtrace.store import tables as t
from armtrace.store.uow import Change

if TYPE_CHECKING:
    from armtrace.store.uow import UnitOfWork


def _plain(row: sa.Row[Any] | None) -> dict[str, Any] | None:
    return None if row is None else dict(row._mapping)


class Requests:
    def __init__(self, conn: sa.Connection, uow: UnitOfWork) -> None:
        self.conn, self.uow = conn, uow

    def get(self, request_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(sa.select(t.trace_requests).where(t.trace_requests.c.id == request_id)).one_or_none()
        return _plain(row)

    def next_reference(self, node_id: str, year: int) -> str:
        prefix = f"{node_id}-{year}-"
        count = self.conn.execute(
            sa.select(sa.func.count()).where(
                t.trace_requests.c.id.like(prefix + "%"), t.trace_requests.c.direction == "outgoing"
            )
        ).scalar_one()
        return f"{prefix}{count + 1:06d}"

    def add(
        self,
        values: dict[str, Any],
        act: str,
        at: datetime,
        detail: dict[str, Any] | None = None,
        by: str | None = None,
    ) -> None:
        self.conn.execute(t.trace_requests.insert().values(**values))
        self.act(values["id"], act, at, detail, by)
        self.uow.note(Change(f"tracing:request:{act}", "trace_request", values["id"], None, _loggable(values)))

    def update(
        self,
        request_id: str,
        values: dict[str, Any],
        act: str,
        at: datetime,
        detail: dict[str, Any] | None = None,
        by: str | None = None,
    ) -> None:
        before = self.get(request_id)
        self.conn.execute(t.trace_requests.update().where(t.trace_requests.c.id == request_id).values(**values))
        self.act(request_id, act, at, detail, by)
        self.uow.note(
            Change(
                f"tracing:request:{act}",
                "trace_request",
                request_id,
                _loggable(before),
                _loggable({**(before or {}), **values}),
            )
        )

    def open_outgoing(self) -> list[dict[str, Any]]:
        """Requests sent and still waiting for their acknowledgement or answer."""
        c = t.trace_requests.c
        rows = self.conn.execute(
            sa.select(t.trace_requests)
            .where(c.direction == "outgoing", c.status.in_(("sent", "acknowledged")))
            .order_by(c.id)
        )
        return [dict(r._mapping) for r in rows]

    def waiting_past_acknowledgement(self, now: datetime) -> list[dict[str, Any]]:
        """Requests received, still not acknowledged past this node's time to, whose contact was not told."""
        c = t.trace_requests.c
        rows = self.conn.execute(
            sa.select(t.trace_requests)
            .where(
                c.direction == "incoming", c.status == "sent", c.acknowledge_by < now, c.contact_notified_at.is_(None)
            )
            .order_by(c.acknowledge_by)
        )
        return [dict(r._mapping) for r in rows]

    def last_act(self, request_id: str, act: str) -> datetime | None:
        e = t.trace_events.c
        return self.conn.execute(
            sa.select(sa.func.max(e.at)).where(e.request_id == request_id, e.act == act)
        ).scalar_one_or_none()

    def act(
        self, request_id: str, act: str, at: datetime, detail: dict[str, Any] | None = None, by: str | None = None
    ) -> None:
        """Record one timed act in a request's life (drafted, sent, received, acknowledged, answered...);
        `by` names the other node when the act is theirs, arriving in a message."""
        self.conn.execute(
            t.trace_events.insert().values(
                request_id=request_id,
                act=act,
                at=at,
                actor=by or self.uow.actor.id,
                detail=None if detail is None else json.dumps(detail, sort_keys=True, ensure_ascii=False),
            )
        )


class Attachments:
    """Photographs and other files a request refers to by their SHA-256: attached here, or fetched from the
    node that holds them and checked against the hash before they are kept."""

    def __init__(self, conn: sa.Connection, uow: UnitOfWork) -> None:
        self.conn, self.uow = conn, uow

    def get(self, sha256: str) -> dict[str, Any] | None:
        row = self.conn.execute(sa.select(t.attachments).where(t.attachments.c.sha256 == sha256)).one_or_none()
        return None if row is None else dict(row._mapping)

    def held(self, digests: list[str]) -> set[str]:
        c = t.attachments.c
        return set(self.conn.execute(sa.select(c.sha256).where(c.sha256.in_(digests))).scalars()) if digests else set()

    def add(self, values: dict[str, Any]) -> None:
        if self.get(values["sha256"]) is None:  # the same bytes attached twice are kept once
            self.conn.execute(t.attachments.insert().values(**values))
            shown = {k: v for k, v in values.items() if k not in ("data", "added_at")}
            self.uow.note(Change("tracing:attachment:add", "attachment", values["sha256"], None, shown))


def _loggable(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
