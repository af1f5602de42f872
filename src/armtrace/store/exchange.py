"""Repositories of the exchange: this node's identity, the peers it trusts, and the outbox and inbox of
signed envelopes (DESIGN.md, "Nodes and exchange")."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from armtrace.store import tables as t
from armtrace.store.uow import Change

if TYPE_CHECKING:
    from armtrace.store.uow import UnitOfWork


def _plain(row: sa.Row[Any] | None) -> dict[str, Any] | None:
    return None if row is None else dict(row._mapping)


class Nodes:
    def __init__(self, conn: sa.Connection, uow: UnitOfWork) -> None:
        self.conn, self.uow = conn, uow

    def this(self) -> dict[str, Any] | None:
        return _plain(self.conn.execute(sa.select(t.node).where(t.node.c.id == 1)).one_or_none())

    def create(self, values: dict[str, Any]) -> None:
        self.conn.execute(t.node.insert().values(id=1, **values))
        self.uow.note(Change("tracing:node:init", "node", values["node_id"], None, _loggable(values)))

    def peer(self, node_id: str) -> dict[str, Any] | None:
        return _plain(self.conn.execute(sa.select(t.peers).where(t.peers.c.node_id == node_id)).one_or_none())

    def peers(self) -> list[dict[str, Any]]:
        return [dict(r._mapping) for r in self.conn.execute(sa.select(t.peers).order_by(t.peers.c.node_id))]

    def add_peer(self, values: dict[str, Any]) -> None:
        before = self.peer(values["node_id"])
        if before is None:
            self.conn.execute(t.peers.insert().values(**values))
        else:
            self.conn.execute(t.peers.update().where(t.peers.c.node_id == values["node_id"]).values(**values))
        self.uow.note(
            Change(
                "tracing:peer:" + ("add" if before is None else "update"),
                "peer",
                values["node_id"],
                _loggable(before),
                _loggable(values),
            )
        )


class Outbox:
    """Messages written with the change that causes them, delivered later with retries."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def put(self, envelope: dict[str, Any], now: datetime) -> None:
        self.conn.execute(
            t.outbox.insert().values(
                id=envelope["id"],
                recipient=envelope["recipient"],
                envelope=json.dumps(envelope, ensure_ascii=False),
                created_at=now,
                attempts=0,
                next_attempt_at=now,
                subject=_subject(envelope),
            )
        )

    def undelivered(self, limit: int = 500) -> list[dict[str, Any]]:
        """Messages not yet delivered nor refused for good, oldest first."""
        c = t.outbox.c
        rows = self.conn.execute(
            sa.select(t.outbox).where(c.delivered_at.is_(None), c.refused_at.is_(None)).order_by(c.seq).limit(limit)
        )
        return [dict(r._mapping) for r in rows]

    def refused(self, message_id: str, reason: str, detail: str, now: datetime) -> None:
        """The peer refused the message for good, with its coded reason: it is never sent again."""
        self.conn.execute(
            t.outbox.update()
            .where(t.outbox.c.id == message_id)
            .values(
                refused_at=now, refused_reason=reason[:40], attempts=t.outbox.c.attempts + 1, last_error=detail[:2000]
            )
        )

    def delivered(self, message_id: str, now: datetime) -> None:
        self.conn.execute(
            t.outbox.update()
            .where(t.outbox.c.id == message_id)
            .values(delivered_at=now, attempts=t.outbox.c.attempts + 1, last_error=None)
        )

    def failed(self, message_id: str, attempts: int, error: str, now: datetime) -> None:
        """Try again later: 5 s, 10 s, 20 s... doubling, at most an hour apart."""
        wait = timedelta(seconds=min(3600, 5 * 2 ** min(attempts, 10)))
        self.conn.execute(
            t.outbox.update()
            .where(t.outbox.c.id == message_id)
            .values(attempts=attempts + 1, next_attempt_at=now + wait, last_error=error[:2000])
        )

    def pending(self) -> int:
        c = t.outbox.c
        return self.conn.execute(
            sa.select(sa.func.count()).where(c.delivered_at.is_(None), c.refused_at.is_(None))
        ).scalar_one()


class Inbox:
    """Messages received, by id: a message delivered twice is kept, and applied, once; a signed message
    refused is kept with its coded reason, and refused again the same way if it comes again."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def earlier(self, message_id: str) -> tuple[str | None] | None:
        """(refused reason, or None if applied) of a message received before; None if it is new."""
        c = t.inbox.c
        row = self.conn.execute(sa.select(c.refused_reason).where(c.id == message_id)).first()
        return None if row is None else (row.refused_reason,)

    def keep(self, envelope: dict[str, Any], now: datetime, refused: str | None = None) -> None:
        self.conn.execute(
            t.inbox.insert().values(
                id=envelope["id"],
                sender=envelope["sender"],
                type=envelope["type"],
                received_at=now,
                envelope=json.dumps(envelope, ensure_ascii=False),
                refused_reason=refused,
            )
        )


def _subject(envelope: dict[str, Any]) -> str | None:
    body = envelope.get("body")
    subject = body.get("request_id") if isinstance(body, dict) else None
    return str(subject)[:64] if subject else None


def _loggable(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
