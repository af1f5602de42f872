"""Two nodes on loopback HTTP: a request and its answer cross, even when a node is down for a while."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from armtrace.app import NodeServer, free_port
from armtrace.domain.accounts import SCHEDULER, Principal, Role
from armtrace.domain.actors import Actor
from armtrace.domain.tracing import Markings
from armtrace.exchange.delivery import Delivered
from armtrace.runtime import Runtime
from armtrace.services import approvals
from armtrace.services import exchange as ex
from armtrace.services import tracing as tr
from armtrace.settings import Settings
from armtrace.store import tables as t
from armtrace.store.uow import UnitOfWork


class Node:
    """A node: its store, its runtime, its officer, and its HTTP server, which can be stopped and started."""

    def __init__(self, name: str, url: str, clock, tmp: Path) -> None:  # type: ignore[no-untyped-def]
        self.name = name
        self.rt = Runtime(Settings(database_url=url), clock=clock)
        self.rt.init_store()
        self.officer = Principal(Actor(f"{name}-officer", name), frozenset({Role.TRACING_OFFICER, Role.ADMIN}))
        self.second = Principal(Actor(f"{name}-second", f"{name} second officer"), frozenset({Role.TRACING_OFFICER}))
        self.key_path = tmp / f"{name}.pem"
        self.server = NodeServer(self.rt, free_port())

    @property
    def address(self) -> str:
        return self.server.address

    def uow(self) -> UnitOfWork:
        return self.rt.uow(self.officer)

    def start(self) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop()

    def deliver(self) -> Delivered:
        """One pass of the node's scheduler over its outbox."""
        with httpx.Client() as client:
            return ex.deliver(self.rt.uow(SCHEDULER), self.rt.clock, client)


@pytest.fixture
def pair(store_url: str, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    ken = Node("KEN-NFP", store_url, clock, tmp_path)
    bel = Node("BEL-FPS", f"sqlite:///{tmp_path}/bel.db", clock, tmp_path)
    keys = {
        n.name: ex.init_node(ex.InitNode(n.name, n.name[:3], n.key_path, f"{n.name} focal point"), n.uow(), clock)
        for n in (ken, bel)
    }
    for me, other in ((ken, bel), (bel, ken)):
        ex.add_peer(ex.AddPeer(other.name, "state", other.address, keys[other.name], other.name[:3]), me.uow(), clock)
    ken.start()
    bel.start()
    yield ken, bel
    for n in (ken, bel):
        n.stop()
        n.rt.engine.dispose()


def request() -> tr.DraftRequest:
    return tr.DraftRequest(
        ("a",),
        "Firearms Act s.4",
        "seized near Garissa",
        Markings("FN Herstal", "1234567", "BEL", "FAL"),
        "rifle",
        "7.62x51mm NATO",
        "criminal investigation",
    )


def count(node: Node, table: sa.Table) -> int:
    with node.rt.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_a_request_crosses_to_a_node_that_was_down_and_every_message_arrives_once(pair) -> None:
    ken, bel = pair
    ref = tr.draft_request(request(), ken.uow(), ken.rt.clock)
    tr.send_request(ref, ken.uow(), ken.rt.clock)
    bel.stop()
    down = ken.deliver()
    assert (down.delivered, down.pending) == (0, 1)
    bel.start()
    ken.rt.clock.at += timedelta(hours=3)  # down for hours: the message is signed again when it is sent
    up = ken.deliver()
    assert (up.delivered, up.pending) == (1, 0)
    assert bel.deliver().delivered == 1  # the receipt
    tr.acknowledge(ref, bel.uow(), bel.rt.clock)
    held = tr.answer(
        tr.AnswerRequest(ref, "traced", facts=("exported 2011 to UGA",), next_country="UGA"), bel.uow(), bel.rt.clock
    )
    assert not held.done  # it discloses registry data: it leaves when a second officer approves it
    assert bel.deliver().delivered == 1  # the acknowledgement
    second = bel.rt.uow(bel.second)
    assert approvals.decide(held.approval_id, True, None, second, bel.rt.clock, bel.rt.policy) == "approved"
    assert bel.deliver().delivered == 1  # the answer
    with ken.rt.engine.connect() as conn:
        status = conn.execute(sa.select(t.trace_requests.c.status).where(t.trace_requests.c.id == ref)).scalar_one()
    assert status == "answered"
    assert count(bel, t.inbox) == 1 and count(ken, t.inbox) == 3
    assert count(bel, t.trace_requests) == 1


def test_a_message_delivered_again_is_refused_as_a_replay_and_counted_delivered(pair) -> None:
    ken, bel = pair
    ref = tr.draft_request(request(), ken.uow(), ken.rt.clock)
    tr.send_request(ref, ken.uow(), ken.rt.clock)
    assert ken.deliver().delivered == 1
    with ken.rt.engine.connect() as conn:
        envelope = json.loads(conn.execute(sa.select(t.outbox.c.envelope)).scalar_one())
    again = httpx.post(bel.address + "/exchange/v1/envelopes", json=envelope)
    assert again.status_code == 403
    assert again.headers["content-type"] == "application/problem+json" and again.json()["reason"] == "replay"
    assert count(bel, t.trace_requests) == 1


@pytest.mark.parametrize("tamper", ["body", "unsigned", "recipient", "unknown"])
def test_hostile_envelopes_are_refused_over_http_and_nothing_is_applied(pair, tamper: str) -> None:
    ken, bel = pair
    ref = tr.draft_request(request(), ken.uow(), ken.rt.clock)
    tr.send_request(ref, ken.uow(), ken.rt.clock)
    with ken.rt.engine.connect() as conn:
        envelope = json.loads(conn.execute(sa.select(t.outbox.c.envelope)).scalar_one())
    if tamper == "body":
        envelope["body"]["content"]["circumstances"] = "altered"
    elif tamper == "unsigned":
        envelope["signature"] = ""
    elif tamper == "recipient":
        envelope["recipient"] = "UGA-NFP"
    else:
        envelope["sender"] = "XXX-NFP"
    response = httpx.post(bel.address + "/exchange/v1/envelopes", json=envelope)
    assert response.status_code == 403
    assert response.json()["reason"] in {"bad_signature", "unsigned", "wrong_recipient", "unknown_sender"}
    assert count(bel, t.inbox) == 0 and count(bel, t.trace_requests) == 0
