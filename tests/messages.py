"""Handing signed messages from one node's outbox to another node, as delivery does over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from armtrace.domain.accounts import PEER_NODE, Principal, Role
from armtrace.domain.actors import Actor
from armtrace.domain.retention import RetentionPolicy
from armtrace.exchange.envelope import Envelope, load_key, signed
from armtrace.services import approvals
from armtrace.services import exchange as ex
from armtrace.services import tracing as tr
from armtrace.store import tables as t
from armtrace.store.uow import UnitOfWork


def outbox(engine: sa.Engine) -> list[dict]:  # type: ignore[type-arg]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.outbox).where(t.outbox.c.delivered_at.is_(None)).order_by(t.outbox.c.seq))
        return [json.loads(r.envelope) for r in rows]


def as_peer(uow: UnitOfWork) -> UnitOfWork:
    """The receiving node's store, as its exchange endpoint acts on it: for a peer whose message it checks."""
    return UnitOfWork(uow.bind, PEER_NODE, uow.clock)


def deliver(from_engine: sa.Engine, to_uow, clock, deadlines=None) -> list[str]:  # type: ignore[no-untyped-def]
    """Hand the sender's pending messages to the receiver, as the delivery worker will over HTTP; the
    receiver runs on `deadlines` (its settings), or on the defaults."""
    done = []
    with from_engine.connect() as conn:
        key = load_key(Path(conn.execute(sa.select(t.node.c.key_path)).scalar_one()))
    for envelope in outbox(from_engine):
        message = signed(Envelope.from_json(envelope), clock.now(), key).to_json()
        own = {"deadlines": deadlines} if deadlines is not None else {}
        done.append(ex.receive(message, as_peer(to_uow()), clock, **own))
        with from_engine.begin() as conn:
            conn.execute(t.outbox.update().where(t.outbox.c.id == envelope["id"]).values(delivered_at=clock.now()))
    return done


SUPERVISOR = Principal(Actor("supervisor", "Second tracing officer"), frozenset({Role.TRACING_OFFICER}))


def answer_approved(cmd: tr.AnswerRequest, uow: UnitOfWork, clock) -> None:  # type: ignore[no-untyped-def]
    """Answer a request; an answer that discloses registry data is approved by a second officer, as the
    two-person rule wants, and so sent."""
    handled = tr.answer(cmd, uow, clock)
    if not handled.done:
        second = UnitOfWork(uow.bind, SUPERVISOR, clock)
        assert approvals.decide(handled.approval_id, True, None, second, clock, RetentionPolicy()) == "approved"
