"""Trusted peers acting on what is not theirs, over real HTTP: every case refused with a coded reason, kept
in the inbox as refused, and nothing of it applied (DESIGN.md, "Nodes and exchange").

Kenya's node runs on the store under test. It trusts Belgium and Uganda. Kenya has asked Belgium
about a rifle (K1); Belgium has asked Kenya about another (B1). Uganda is trusted, but neither
request is its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from armtrace.app import NodeServer, free_port
from armtrace.domain.accounts import Principal, Role
from armtrace.domain.actors import Actor
from armtrace.domain.messages import KINDS
from armtrace.exchange.envelope import Envelope, create_key, new_envelope, public_text, signed
from armtrace.runtime import Runtime
from armtrace.services import exchange as ex
from armtrace.services import tracing as tr
from armtrace.settings import Settings
from armtrace.store import tables as t

OFFICER = Principal(Actor("ken-officer", "KEN officer"), frozenset({Role.TRACING_OFFICER, Role.ADMIN}))
CONTENT = {
    "bases": ["a"],
    "legal_justification": "Firearms Act s.4",
    "circumstances": "seized near Busia",
    "markings": {"manufacturer": "FN Herstal", "serial": "7654301", "country_of_manufacture": "BEL", "model": "FAL"},
    "category": "rifle",
    "calibre": "7.62x51 NATO",
    "intended_use": "criminal_investigation",
    "priority": "routine",
    "urgency_reason": None,
    "photographs": [],
}


class Kenya:
    """Kenya's node on the store under test, and the keys of the two peers it trusts."""

    def __init__(self, url: str, clock: Any, tmp: Path) -> None:
        self.rt = Runtime(Settings(database_url=url, envelope_max_bytes=20_000), clock=clock)
        self.rt.init_store()
        self.clock = clock
        ex.init_node(ex.InitNode("KEN-NFP", "KEN", tmp / "ken.pem", "Kenya NFP"), self.rt.uow(OFFICER), clock)
        self.keys = {name: create_key(tmp / f"{name}.pem") for name in ("BEL-FPS", "UGA-NFP")}
        for name, key in self.keys.items():
            peer = ex.AddPeer(name, "state", "http://127.0.0.1:9", public_text(key), name[:3])
            ex.add_peer(peer, self.rt.uow(OFFICER), clock)
        self.server = NodeServer(self.rt, free_port())

    def post(self, sender: str, kind: str, body: dict[str, Any], **envelope: Any) -> httpx.Response:
        """A message signed by `sender`'s real key, posted to Kenya's exchange endpoint."""
        e = new_envelope(kind, sender, "KEN-NFP", body, self.clock.now(), self.keys[sender]).to_json()
        return httpx.post(self.server.address + "/exchange/v1/envelopes", json={**e, **envelope}, timeout=10)

    def request(self, request_id: str) -> dict[str, Any] | None:
        with self.rt.engine.connect() as conn:
            row = conn.execute(sa.select(t.trace_requests).where(t.trace_requests.c.id == request_id)).one_or_none()
            return None if row is None else dict(row._mapping)

    def inbox(self) -> list[tuple[str, str, str | None]]:
        with self.rt.engine.connect() as conn:
            rows = conn.execute(sa.select(t.inbox.c.sender, t.inbox.c.type, t.inbox.c.refused_reason))
            return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.fixture
def kenya(store_url: str, clock, tmp_path: Path) -> Iterator[Kenya]:  # type: ignore[no-untyped-def]
    node = Kenya(store_url, clock, tmp_path)
    draft = tr.DraftRequest.of({**CONTENT, "markings": {**CONTENT["markings"], "serial": "1234567"}})
    k1 = tr.draft_request(draft, node.rt.uow(OFFICER), clock)
    tr.send_request(k1, node.rt.uow(OFFICER), clock)
    assert k1 == "KEN-NFP-2026-000001"
    node.server.start()
    assert (
        node.post("BEL-FPS", "trace.request", {"request_id": "BEL-FPS-2026-000001", "content": CONTENT}).status_code
        == 202
    )
    yield node
    node.server.stop()
    node.rt.engine.dispose()


K1, B1 = "KEN-NFP-2026-000001", "BEL-FPS-2026-000001"
TRACED = {"request_id": K1, "outcome": "traced", "facts": ["exported 2011 to KEN"], "next_country": "KEN"}
# (case, sender, message type, body): each an act on a request that is not the sender's to do.
NOT_YOURS = [
    ("an answer from a peer that was not asked", "UGA-NFP", "trace.answer", TRACED),
    ("an acknowledgement from a peer that was not asked", "UGA-NFP", "trace.acknowledgement", {"request_id": K1}),
    ("a delay from a peer that was not asked", "UGA-NFP", "trace.answer",
     {"request_id": K1, "outcome": "delayed", "restriction": "criminal_investigation", "facts": []}),
    ("a refusal from a peer that was not asked", "UGA-NFP", "trace.answer",
     {"request_id": K1, "outcome": "refused", "restriction": "national_security", "facts": []}),
    ("a receipt from a peer that was not asked", "UGA-NFP", "trace.receipt", {"request_id": K1}),
    ("an acknowledgement by the requester of its own request", "BEL-FPS", "trace.acknowledgement", {"request_id": B1}),
    ("an answer by the requester to its own request", "BEL-FPS", "trace.answer", {**TRACED, "request_id": B1}),
    ("a reminder from a peer that did not ask", "UGA-NFP", "trace.reminder", {"request_id": B1, "awaiting": "answer"}),
    ("a withdrawal from a peer that did not ask", "UGA-NFP", "trace.withdrawal", {"request_id": B1, "reason": "x"}),
    ("a withdrawal of Kenya's own request by the State it asked", "BEL-FPS", "trace.withdrawal",
     {"request_id": K1, "reason": "no longer needed"}),
]  # fmt: skip


@pytest.mark.parametrize(("case", "sender", "kind", "body"), NOT_YOURS, ids=[c[0] for c in NOT_YOURS])
def test_an_act_on_a_request_that_is_not_the_senders_is_refused_and_nothing_applied(
    kenya: Kenya, case: str, sender: str, kind: str, body: dict[str, Any]
) -> None:
    before = {r: kenya.request(r) for r in (K1, B1)}
    response = kenya.post(sender, kind, body)
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["reason"] == "not_yours"
    assert {r: kenya.request(r) for r in (K1, B1)} == before
    assert (sender, kind, "not_yours") in kenya.inbox()


def test_a_request_id_in_another_nodes_namespace_is_refused_and_the_owner_still_gets_through(kenya: Kenya) -> None:
    squatted = "BEL-FPS-2026-000002"
    response = kenya.post("UGA-NFP", "trace.request", {"request_id": squatted, "content": CONTENT})
    assert (response.status_code, response.json()["reason"]) == (403, "foreign_id")
    assert kenya.request(squatted) is None
    rightful = kenya.post("BEL-FPS", "trace.request", {"request_id": squatted, "content": CONTENT})
    assert rightful.status_code == 202, rightful.text
    assert kenya.request(squatted)["requester"] == "BEL-FPS"  # type: ignore[index]
    later = kenya.post("BEL-FPS", "trace.reminder", {"request_id": squatted, "awaiting": "acknowledgement"})
    assert later.status_code == 202, later.text
    follow_up = {"request_id": "UGA-NFP-2026-000001", "content": CONTENT, "parent_id": "BEL-FPS-2026-000001"}
    assert kenya.post("UGA-NFP", "trace.request", follow_up).json()["reason"] == "foreign_id"  # a parent not its own


def test_a_reused_request_id_is_refused_and_the_first_request_stands(kenya: Kenya) -> None:
    other = {**CONTENT, "circumstances": "a second story"}
    response = kenya.post("BEL-FPS", "trace.request", {"request_id": B1, "content": other})
    assert (response.status_code, response.json()["reason"]) == (403, "duplicate_id")
    assert json.loads(kenya.request(B1)["content"])["circumstances"] == "seized near Busia"  # type: ignore[index]


def test_a_message_refused_once_is_refused_the_same_way_when_it_comes_again(kenya: Kenya, clock) -> None:
    e = new_envelope("trace.answer", "UGA-NFP", "KEN-NFP", TRACED, clock.now(), kenya.keys["UGA-NFP"])
    url = kenya.server.address + "/exchange/v1/envelopes"
    assert httpx.post(url, json=e.to_json()).json()["reason"] == "not_yours"
    again = signed(e, clock.now(), kenya.keys["UGA-NFP"])  # the sender retries: never taken as delivered
    assert httpx.post(url, json=again.to_json()).json()["reason"] == "not_yours"
    assert kenya.inbox().count(("UGA-NFP", "trace.answer", "not_yours")) == 1


VALID = {
    "trace.request": {"request_id": "BEL-FPS-2026-000003", "content": CONTENT},
    "trace.receipt": {"request_id": K1},
    "trace.acknowledgement": {"request_id": K1},
    "trace.answer": TRACED,
    "trace.reminder": {"request_id": B1, "awaiting": "answer"},
    "trace.withdrawal": {"request_id": B1, "reason": "identified otherwise"},
    "chain.anchor": {
        "seq": 3,
        "hash": "a" * 64,
        "change_seq": 2,
        "change_hash": "b" * 64,
        "at": "2026-03-01T09:00:00Z",
    },
    "chain.anchor_receipt": {"anchor": "x", "seq": 3, "hash": "a" * 64, "change_seq": 2, "change_hash": "b" * 64},
}
SENDER = {"trace.request": "BEL-FPS", "trace.reminder": "BEL-FPS", "trace.withdrawal": "BEL-FPS"}
MISSING = [(kind, name) for kind in KINDS for name in KINDS[kind].fields]


@pytest.mark.parametrize(("kind", "field"), MISSING, ids=[f"{k} without {f}" for k, f in MISSING])
def test_a_body_without_a_required_field_is_refused_with_the_field_named_never_a_500(
    kenya: Kenya, kind: str, field: str
) -> None:
    assert set(VALID) == set(KINDS)
    body = {k: v for k, v in VALID[kind].items() if k != field}
    response = kenya.post(SENDER.get(kind, "BEL-FPS"), kind, body)
    assert response.status_code == 403, response.text
    assert response.json()["reason"] == "malformed_body"
    assert field in [p["field"] for p in response.json()["problems"]]


BROKEN = {  # each content rule a received request must meet, as a local one: what breaks it, and its citation
    "bases": ({"bases": []}, "ITI para 17(a)"),
    "legal_justification": ({"legal_justification": ""}, "ITI para 17(a)"),
    "circumstances": ({"circumstances": ""}, "ITI para 17(a)"),
    "category": ({"category": ""}, "ITI para 17(b)"),
    "calibre": ({"calibre": ""}, "ITI para 17(b)"),
    "markings.model": ({"markings": {**CONTENT["markings"], "model": None}}, "ISACS 05.31"),
    "markings.manufacturer": ({"markings": {**CONTENT["markings"], "manufacturer": None}}, "ISACS 05.31"),
    "markings.country": ({"markings": {**CONTENT["markings"], "country_of_manufacture": None}}, "ISACS 05.31"),
    "photographs": ({"markings": {**CONTENT["markings"], "serial": None, "serial_obliterated": True}}, "ISACS 05.31"),
    "intended_use": ({"intended_use": "curiosity"}, "ITI para 17(c)"),
    "intended_use_detail": ({"intended_use": "other"}, "ITI para 17(c)"),
}


@pytest.mark.parametrize("element", sorted(BROKEN))
def test_a_peers_request_is_held_to_the_content_rules_of_a_local_one(kenya: Kenya, element: str) -> None:
    broken, rule = BROKEN[element]
    content = {**CONTENT, **broken}
    response = kenya.post("BEL-FPS", "trace.request", {"request_id": "BEL-FPS-2026-000004", "content": content})
    assert (response.status_code, response.json()["reason"]) == (403, "invalid_content"), response.text
    assert {p["field"]: p["rule"] for p in response.json()["problems"]} == {element: rule}
    assert kenya.request("BEL-FPS-2026-000004") is None


def test_an_answer_with_an_unknown_outcome_or_no_reason_is_refused_not_a_500(kenya: Kenya) -> None:
    unknown = kenya.post("BEL-FPS", "trace.answer", {**TRACED, "outcome": "maybe"})
    assert (unknown.status_code, unknown.json()["reason"]) == (403, "malformed_body")
    no_reason = kenya.post("BEL-FPS", "trace.answer", {"request_id": K1, "outcome": "refused", "facts": []})
    assert (no_reason.status_code, no_reason.json()["reason"]) == (403, "invalid_content")
    unknown_type = kenya.post("BEL-FPS", "trace.gossip", {"request_id": K1})
    assert (unknown_type.status_code, unknown_type.json()["reason"]) == (403, "unknown_type")
    assert kenya.request(K1)["status"] == "sent"  # type: ignore[index]


def test_an_answer_to_a_request_answered_already_is_refused_for_its_state(kenya: Kenya) -> None:
    assert kenya.post("BEL-FPS", "trace.answer", TRACED).status_code == 202
    again = kenya.post("BEL-FPS", "trace.answer", {**TRACED, "facts": ["something else"]})
    assert (again.status_code, again.json()["reason"]) == (403, "wrong_state")
    assert json.loads(kenya.request(K1)["answer"])["facts"] == ["exported 2011 to KEN"]  # type: ignore[index]


def test_an_envelope_over_the_limit_is_refused_before_it_is_read_whole(kenya: Kenya) -> None:
    big = {**CONTENT, "circumstances": "x" * 30_000}
    response = kenya.post("BEL-FPS", "trace.request", {"request_id": "BEL-FPS-2026-000005", "content": big})
    assert (response.status_code, response.json()["reason"]) == (413, "too_large")

    def stream() -> Iterator[bytes]:  # no Content-Length: refused as the chunks pass the limit
        yield b'{"id": "' + b"x" * 15_000
        yield b"y" * 15_000
        yield b'"}'

    chunked = httpx.post(kenya.server.address + "/exchange/v1/envelopes", content=stream(), timeout=10)
    assert (chunked.status_code, chunked.json()["reason"]) == (413, "too_large")
    assert kenya.request("BEL-FPS-2026-000005") is None and len(kenya.inbox()) == 1  # B1 only


@pytest.mark.parametrize("tamper", ["forged", "altered", "replayed", "stale", "misaddressed", "unsigned", "malformed"])
def test_envelopes_that_are_not_what_they_claim_are_refused_and_not_kept(kenya: Kenya, clock, tamper: str) -> None:
    body = {"request_id": "BEL-FPS-2026-000006", "content": CONTENT}
    e = new_envelope("trace.request", "BEL-FPS", "KEN-NFP", body, clock.now(), kenya.keys["BEL-FPS"]).to_json()
    reason = {"forged": "bad_signature", "altered": "bad_signature", "replayed": "replay", "stale": "clock_skew",
              "misaddressed": "wrong_recipient", "unsigned": "unsigned", "malformed": "malformed"}[tamper]  # fmt: skip
    if tamper == "forged":
        e = new_envelope("trace.request", "BEL-FPS", "KEN-NFP", body, clock.now(), kenya.keys["UGA-NFP"]).to_json()
    elif tamper == "altered":
        e["body"]["content"] = {**CONTENT, "circumstances": "altered"}
    elif tamper == "replayed":
        assert httpx.post(kenya.server.address + "/exchange/v1/envelopes", json=e).status_code == 202
    elif tamper == "stale":
        old = Envelope.from_json(e)
        e = signed(old, clock.now() - timedelta(hours=1), kenya.keys["BEL-FPS"]).to_json()
    elif tamper == "misaddressed":
        e = new_envelope("trace.request", "BEL-FPS", "UGA-NFP", body, clock.now(), kenya.keys["BEL-FPS"]).to_json()
    elif tamper == "unsigned":
        e["signature"] = ""
    else:
        e = {"id": e["id"], "type": "trace.request"}
    inbox_before = len(kenya.inbox())
    response = httpx.post(kenya.server.address + "/exchange/v1/envelopes", json=e, timeout=10)
    assert (response.status_code, response.json()["reason"]) == (403, reason)
    assert len(kenya.inbox()) == inbox_before  # only signed messages from a peer are kept, refused or not


def test_one_refused_message_never_holds_back_the_others_to_the_same_peer(store_url: str, clock, tmp_path) -> None:
    """Kenya writes four messages to Belgium: a request and its withdrawal, one Belgium will refuse, and a
    second request. Belgium gets the good ones, each request's own messages in order; Kenya's officer
    sees the refused one with Belgium's reason."""
    from tests.e2e.test_exchange import Node

    ken = Node("KEN-NFP", store_url, clock, tmp_path)
    bel = Node("BEL-FPS", f"sqlite:///{tmp_path}/bel.db", clock, tmp_path)
    keys = {
        n.name: ex.init_node(ex.InitNode(n.name, n.name[:3], n.key_path, "NFP"), n.uow(), clock) for n in (ken, bel)
    }
    for me, other in ((ken, bel), (bel, ken)):
        ex.add_peer(ex.AddPeer(other.name, "state", other.address, keys[other.name], other.name[:3]), me.uow(), clock)
    bel.start()
    try:
        draft = tr.DraftRequest.of({**CONTENT, "markings": {**CONTENT["markings"], "serial": "1111111"}})
        first = tr.draft_request(draft, ken.uow(), clock)
        tr.send_request(first, ken.uow(), clock)
        tr.withdraw(first, "identified by the Kenyan police", ken.uow(), clock)
        with ken.uow() as u:  # a reminder about a request Belgium never received: it will refuse it
            key = create_key(tmp_path / "spare.pem")  # delivery signs it again with Kenya's own key
            body = {"request_id": "KEN-NFP-2026-000099", "awaiting": "answer"}
            bad = new_envelope("trace.reminder", "KEN-NFP", "BEL-FPS", body, clock.now(), key)
            u.outbox.put(bad.to_json(), clock.now())
            u.commit()
        second = tr.draft_request(tr.DraftRequest.of(CONTENT), ken.uow(), clock)
        tr.send_request(second, ken.uow(), clock)
        done = ken.deliver()
        assert (done.delivered, done.refused, done.failed, done.pending) == (3, 1, 0, 0)
        with bel.rt.engine.connect() as conn:
            statuses = dict(conn.execute(sa.select(t.trace_requests.c.id, t.trace_requests.c.status)).all())
        assert statuses == {first: "withdrawn", second: "sent"}
        [refused] = [m for m in ex.outbox(ken.uow()) if m.refused_reason]
        assert (refused.id, refused.refused_reason, refused.subject) == (
            bad.id,
            "unknown_request",
            "KEN-NFP-2026-000099",
        )
        assert ken.deliver().delivered == 0  # refused for good: never sent again
    finally:
        bel.stop()
        for n in (ken, bel):
            n.rt.engine.dispose()
