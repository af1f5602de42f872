"""Handing signed messages from one node's outbox to another node, as delivery does over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from armtrace.exchange.envelope import Envelope, load_key, signed
from armtrace.services import tracing as tr
from armtrace.store import tables as t


def outbox(engine: sa.Engine) -> list[dict]:  # type: ignore[type-arg]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.outbox).where(t.outbox.c.delivered_at.is_(None)).order_by(t.outbox.c.seq))
        return [json.loads(r.envelope) for r in rows]


def deliver(from_engine: sa.Engine, to_uow, clock) -> list[str]:  # type: ignore[no-untyped-def]
    """Hand the sender's pending messages to the receiver, as the delivery worker will over HTTP."""
    done = []
    with from_engine.connect() as conn:
        key = load_key(Path(conn.execute(sa.select(t.node.c.key_path)).scalar_one()))
    for envelope in outbox(from_engine):
        done.append(tr.receive(signed(Envelope.from_json(envelope), clock.now(), key).to_json(), to_uow(), clock))
        with from_engine.begin() as conn:
            conn.execute(t.outbox.update().where(t.outbox.c.id == envelope["id"]).values(delivered_at=clock.now()))
    return done
