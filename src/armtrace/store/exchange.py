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
            )
        )

    def undelivered(self, limit: int = 500) -> list[dict[str, Any]]:
        """Messages not yet delivered, oldest first: each peer gets them in the order they were written."""
        c = t.outbox.c
        rows = self.conn.execute(sa.select(t.outbox).where(c.delivered_at.is_(None)).order_by(c.seq).limit(limit))
        return [dict(r._mapping) for r in rows]

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
        return self.conn.execute(sa.select(sa.func.count()).where(t.outbox.c.delivered_at.is_(None))).scalar_one()


class Inbox:
    """Messages received, by id: a message delivered twice is kept, and applied, once."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def seen(self, message_id: str) -> bool:
        return self.conn.execute(sa.select(t.inbox.c.id).where(t.inbox.c.id == message_id)).first() is not None

    def keep(self, envelope: dict[str, Any], now: datetime) -> None:
        self.conn.execute(
            t.inbox.insert().values(
                id=envelope["id"],
                sender=envelope["sender"],
                type=envelope["type"],
                received_at=now,
                envelope=json.dumps(envelope, ensure_ascii=False),
            )
        )


def _loggable(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
