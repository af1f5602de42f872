"""Photographs travel by their hash over real HTTP: the requested State fetches them from the requester on
demand, keeps them only if they match, and no other peer may fetch them."""

from __future__ import annotations

import hashlib

import httpx
import pytest
import sqlalchemy as sa

from armtrace.demo.pictures import plate
from armtrace.domain.errors import NotFound, RuleViolation
from armtrace.exchange.envelope import create_key, load_key, new_envelope, public_text
from armtrace.services import exchange as ex
from armtrace.services import photographs
from armtrace.services import tracing as tr
from armtrace.store import tables as t
from tests.e2e.test_exchange import pair  # noqa: F401  (the fixture: KEN on the store under test, BEL)

OBLITERATED = {
    "bases": ["a"],
    "legal_justification": "Firearms Act s.4",
    "circumstances": "serial ground off the receiver",
    "markings": {
        "manufacturer": "FN Herstal",
        "country_of_manufacture": "BEL",
        "model": "FAL",
        "serial_obliterated": True,
    },
    "category": "rifle",
    "calibre": "7.62x51 NATO",
    "intended_use": "criminal investigation",
}


def attached_request(ken, pictures: list[bytes]) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    refs = [photographs.attach(f"p{i}.png", "image/png", p, ken.uow(), ken.rt.clock) for i, p in enumerate(pictures)]
    ref = tr.draft_request(tr.DraftRequest.of({**OBLITERATED, "photographs": refs}), ken.uow(), ken.rt.clock)
    tr.send_request(ref, ken.uow(), ken.rt.clock)
    assert ken.deliver().delivered == 1
    return ref, [r.removeprefix("sha256:") for r in refs]


def held(node, digest: str) -> bool:  # type: ignore[no-untyped-def]
    with node.rt.engine.connect() as conn:
        return (
            conn.execute(sa.select(t.attachments.c.sha256).where(t.attachments.c.sha256 == digest)).first() is not None
        )


def test_the_requested_state_fetches_a_photograph_by_its_hash_and_keeps_it(pair) -> None:  # noqa: F811
    ken, bel = pair
    picture = plate(shade=140)
    ref, [digest] = attached_request(ken, [picture])
    assert digest == hashlib.sha256(picture).hexdigest() and not held(bel, digest)
    with httpx.Client() as client:
        got = photographs.photograph(ref, digest, bel.uow(), bel.rt.clock, client)
    assert (got.data, got.media_type, got.name) == (picture, "image/png", "p0.png")
    assert held(bel, digest)
    ken.stop()  # kept at Belgium: opened again with Kenya down
    with httpx.Client() as client:
        assert photographs.photograph(ref, digest, bel.uow(), bel.rt.clock, client).data == picture
    ken.start()


def test_a_photograph_altered_at_the_sender_is_refused_and_nothing_of_it_kept(pair) -> None:  # noqa: F811
    ken, bel = pair
    ref, [digest] = attached_request(ken, [plate(shade=90)])
    with ken.rt.engine.begin() as conn:
        conn.execute(t.attachments.update().where(t.attachments.c.sha256 == digest).values(data=plate(shade=91)))
    with httpx.Client() as client, pytest.raises(RuleViolation, match="does not match its hash"):
        photographs.photograph(ref, digest, bel.uow(), bel.rt.clock, client)
    assert not held(bel, digest)


def test_no_peer_but_the_one_asked_may_fetch_a_requests_photograph(pair, tmp_path) -> None:  # noqa: F811
    ken, bel = pair
    ref, [digest] = attached_request(ken, [plate(shade=60)])
    uga = create_key(tmp_path / "uga.pem")
    ex.add_peer(ex.AddPeer("UGA-NFP", "state", "http://127.0.0.1:9", public_text(uga), "UGA"), ken.uow(), ken.rt.clock)
    body = {"request_id": ref, "sha256": digest}
    fetch = new_envelope("attachment.fetch", "UGA-NFP", "KEN-NFP", body, ken.rt.clock.now(), uga)
    refused = httpx.post(ken.address + "/exchange/v1/attachments", json=fetch.to_json())
    assert (refused.status_code, refused.json()["reason"]) == (403, "not_yours")
    asked = load_key(bel.key_path)  # the State asked, for a photograph the request does not name
    body = {**body, "sha256": "0" * 64}
    other = new_envelope("attachment.fetch", "BEL-FPS", "KEN-NFP", body, ken.rt.clock.now(), asked)
    answer = httpx.post(ken.address + "/exchange/v1/attachments", json=other.to_json())
    assert (answer.status_code, answer.json()["reason"]) == (403, "unknown_attachment")


def test_a_request_names_only_photographs_this_node_holds(pair) -> None:  # noqa: F811
    ken, _ = pair
    absent = "sha256:" + "1" * 64
    with pytest.raises(NotFound, match="is not held on this node"):
        tr.draft_request(tr.DraftRequest.of({**OBLITERATED, "photographs": [absent]}), ken.uow(), ken.rt.clock)
    with pytest.raises(RuleViolation, match="is not a photograph or a scan"):
        photographs.attach("notes.txt", "text/plain", b"not a photograph", ken.uow(), ken.rt.clock)
