"""Photographs of a request's weapon, exchanged by their hash.

Where the marks are obliterated or the weapon is craft-made, photographs stand in for what
cannot be read (ISACS 05.31). They never travel inside an envelope: a request carries each
as `sha256:<hex>`, the requested State fetches the bytes from the requester on demand with a
signed fetch, and keeps them only if they match that hash. The requester gives a photograph
only to the State its request was sent to (DESIGN.md, "Nodes and exchange").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from armtrace.domain.actors import Clock
from armtrace.domain.errors import N_, NotFound, ProblemList, RuleViolation
from armtrace.domain.messages import FETCH, Refusal
from armtrace.domain.tracing import photograph_ref
from armtrace.exchange.envelope import Envelope, EnvelopeRefused, check, load_key, new_envelope
from armtrace.services.door import use_case
from armtrace.services.tracing import _me, _request
from armtrace.store.uow import UnitOfWork

MAX_PHOTOGRAPH = 20 * 1024 * 1024
MEDIA_TYPES = ("image/jpeg", "image/png", "image/tiff", "image/webp", "application/pdf")
FETCH_PATH = "/exchange/v1/attachments"


@dataclass(frozen=True)
class Photograph:
    sha256: str
    name: str
    media_type: str
    data: bytes

    @property
    def reference(self) -> str:
        return photograph_ref(self.sha256)


@use_case("tracing.act")
def attach(name: str, media_type: str, data: bytes, uow: UnitOfWork, clock: Clock) -> str:
    """Keep a photograph (or a scan) to send with a request; returns the reference the request carries."""
    problems = ProblemList()
    if not data:
        problems.add("photograph", "the file is empty", name)
    elif len(data) > MAX_PHOTOGRAPH:
        problems.add("photograph", N_("is larger than %(size)s MB", size=MAX_PHOTOGRAPH // 2**20), name)
    if media_type not in MEDIA_TYPES:
        problems.add("photograph", "is not a photograph or a scan", media_type, hint=", ".join(MEDIA_TYPES))
    problems.raise_if_any(N_("the photograph was not attached"))
    digest = hashlib.sha256(data).hexdigest()
    with uow:
        _keep(uow, Photograph(digest, Path(name).name or "photograph", media_type, data), _me(uow)["node_id"], clock)
        uow.commit()
    return photograph_ref(digest)


@use_case("exchange.receive")
def give(data: object, uow: UnitOfWork, clock: Clock) -> Photograph:
    """A peer fetches a photograph of a request this node sent: only the State it was sent to gets it."""
    envelope = Envelope.from_json(data)
    with uow.reading():
        me = _me(uow)
        keys = {p["node_id"]: p["public_key"] for p in uow.nodes.peers()}
        check(envelope, me=me["node_id"], keys=keys, now=clock.now(), seen=lambda _: False)  # a read: no replay
        request_id, digest = envelope.body.get("request_id"), envelope.body.get("sha256")
        if envelope.type != FETCH or not isinstance(request_id, str) or not isinstance(digest, str):
            raise EnvelopeRefused(Refusal.MALFORMED_BODY, N_("a fetch names a request and a photograph's sha256"))
        r = uow.requests.get(request_id)
        if r is None or r["direction"] != "outgoing":
            raise EnvelopeRefused(
                Refusal.UNKNOWN_REQUEST, N_("this node sent no request %(request)s", request=request_id)
            )
        if r["requested"] != envelope.sender:
            raise EnvelopeRefused(
                Refusal.NOT_YOURS,
                N_("only the State request %(request)s was sent to may fetch its photographs", request=request_id),
            )
        held = uow.attachments.get(digest) if photograph_ref(digest) in _photographs(r) else None
        if held is None:
            raise EnvelopeRefused(
                Refusal.UNKNOWN_ATTACHMENT,
                N_("request %(request)s has no photograph %(photograph)s", request=request_id, photograph=digest),
            )
    return Photograph(held["sha256"], held["name"], held["media_type"], held["data"])


@use_case("tracing.read")
def photograph(request_id: str, sha256: str, uow: UnitOfWork, clock: Clock, client: httpx.Client) -> Photograph:
    """A photograph of a request: from this node, or fetched from the requester and kept once it matches its
    hash. A photograph that does not match is refused, and nothing of it kept."""
    with uow:
        r = _request(uow, request_id)
        if photograph_ref(sha256) not in _photographs(r):
            raise NotFound(N_("request %(request)s has no photograph %(photograph)s", request=request_id,
                              photograph=sha256))  # fmt: skip
        held = uow.attachments.get(sha256)
        if held is not None:
            return Photograph(held["sha256"], held["name"], held["media_type"], held["data"])
        me, peer = _me(uow), uow.nodes.peer(r["requester"])
    if r["direction"] != "incoming" or peer is None:
        raise NotFound(N_("photograph %(photograph)s is not held on this node", photograph=photograph_ref(sha256)))
    body = {"request_id": request_id, "sha256": sha256}
    fetch = new_envelope(FETCH, me["node_id"], r["requester"], body, clock.now(), load_key(Path(me["key_path"])))
    got = _fetch(client, peer["address"] + FETCH_PATH, fetch.to_json(), r["requester"])
    if hashlib.sha256(got.data).hexdigest() != sha256:
        raise RuleViolation(
            N_("the photograph %(node)s gave does not match its hash: nothing of it was kept", node=r["requester"]),
            rule="DESIGN.md: nodes and exchange",
            hint=N_("it was altered on the way or at the sender; ask the requesting State's point of contact"),
        )
    with uow:
        _keep(uow, Photograph(sha256, got.name, got.media_type, got.data), r["requester"], clock)
        uow.commit()
    return Photograph(sha256, got.name, got.media_type, got.data)


def _fetch(client: httpx.Client, url: str, envelope: dict[str, Any], node: str) -> Photograph:
    try:
        response = client.post(url, json=envelope, timeout=30)
    except httpx.HTTPError as exc:
        raise NotFound(
            N_("%(node)s could not be reached for the photograph: %(error)s", node=node, error=type(exc).__name__),
            hint=N_("try again when it is back"),
        ) from None
    if response.status_code != 200 or len(response.content) > MAX_PHOTOGRAPH:
        reason = response.headers.get("content-type", "").startswith("application/problem") and response.json()
        raise NotFound(
            N_("%(node)s did not give the photograph: %(reason)s", node=node,
               reason=(reason or {}).get("reason") or f"HTTP {response.status_code}"),
        )  # fmt: skip
    name = response.headers.get("x-armtrace-name", "photograph")
    return Photograph("", name, response.headers.get("content-type", "application/octet-stream"), response.content)


def _photographs(r: dict[str, Any]) -> list[str]:
    return list(json.loads(r["content"]).get("photographs") or [])


def _keep(uow: UnitOfWork, p: Photograph, origin: str, clock: Clock) -> None:
    kept = {
        "sha256": p.sha256,
        "name": p.name[:200],
        "media_type": p.media_type[:100],
        "size": len(p.data),
        "data": p.data,
        "origin": origin,
        "added_at": clock.now(),
        "added_by": uow.actor.id,
    }
    uow.attachments.add(kept)
