"""Delivering the outbox: each due message POSTed to its peer, retried with backoff until it lands.

A message the peer already holds (it answers "replay") counts as delivered: the peer
applied it once, which is what matters. A peer that is down gets everything when it
comes back, in the order the messages were written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import httpx

from armtrace.domain.actors import Clock
from armtrace.exchange.envelope import Envelope, load_key, signed
from armtrace.store.uow import UnitOfWork

PATH = "/exchange/v1/envelopes"


@dataclass
class Delivered:
    delivered: int = 0
    failed: int = 0
    pending: int = 0


def deliver_due(uow: UnitOfWork, clock: Clock, client: httpx.Client) -> Delivered:
    """One pass: to each peer, its messages in order until one is not due yet or does not land."""
    result = Delivered()
    with uow:
        waiting = uow.outbox.undelivered()
        addresses = {p["node_id"]: p["address"] for p in uow.nodes.peers()}
        me = uow.nodes.this()
    key = load_key(Path(me["key_path"])) if me and waiting else None
    stopped: set[str] = set()  # peers whose next message must wait: later ones wait behind it
    for message in waiting:
        peer = message["recipient"]
        if peer in stopped or message["next_attempt_at"] > clock.now():
            stopped.add(peer)
            continue
        assert key is not None
        envelope = signed(Envelope.from_json(json.loads(str(message["envelope"]))), clock.now(), key)
        landed, error = _post(client, addresses.get(peer), envelope.to_json(), peer)
        with uow:
            if landed:
                uow.outbox.delivered(message["id"], clock.now())
                result.delivered += 1
            else:
                uow.outbox.failed(message["id"], message["attempts"], error, clock.now())
                result.failed += 1
                stopped.add(peer)
            uow.commit()
    with uow:
        result.pending = uow.outbox.pending()
    return result


def _post(client: httpx.Client, address: str | None, envelope: dict[str, object], peer: str) -> tuple[bool, str]:
    if address is None:
        return False, f"no address is known for peer {peer}"
    try:
        response = client.post(address + PATH, json=envelope, timeout=10)
    except httpx.HTTPError as exc:
        return False, f"{type(exc).__name__}: {exc}"
    if response.status_code < 300:
        return True, ""
    if response.status_code == 403 and _reason(response) == "replay":
        return True, ""  # the peer holds it already: applied once, as it should be
    return False, f"HTTP {response.status_code}: {response.text[:500]}"


def _reason(response: httpx.Response) -> str | None:
    try:
        return str(response.json().get("reason"))
    except ValueError:
        return None
