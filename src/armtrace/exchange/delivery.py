"""Delivering the outbox: each due message POSTed to its peer, retried with backoff until it lands.

Delivery is per message (DESIGN.md, "Nodes and exchange"): one refused or failing message
never holds back the others. Only the messages about one request keep their order (a request
before its own receipt, answer or withdrawal), so a message waits only behind an earlier one
about the same request that has not landed. A message the peer already holds (it answers
"replay") counts as delivered: the peer applied it once, which is what matters. A message
the peer refuses for good (a 4xx with its coded reason) is never sent again and is shown,
with that reason, to the officers of this node; a peer that is down or answers 5xx gets the
message again later, each message on its own backoff.
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
RETRIED = frozenset({408, 425, 429})  # 4xx answers that mean "not now", not "never"
# Refusals the peer's side can mend (its clock, or adding this node's key): tried again, not given up.
MENDABLE = frozenset({"clock_skew", "unknown_sender"})


@dataclass
class Delivered:
    delivered: int = 0
    failed: int = 0
    refused: int = 0
    pending: int = 0


@dataclass(frozen=True)
class _Outcome:
    landed: bool
    refused: str | None = None  # the peer's coded reason, when it refused the message for good
    detail: str = ""


def deliver_due(uow: UnitOfWork, clock: Clock, client: httpx.Client) -> Delivered:
    """One pass over the messages due: each to its peer, in order only among the messages of one request."""
    result = Delivered()
    with uow:
        waiting = uow.outbox.undelivered()
        addresses = {p["node_id"]: p["address"] for p in uow.nodes.peers()}
        me = uow.nodes.this()
    key = load_key(Path(me["key_path"])) if me and waiting else None
    held: set[tuple[str, str]] = set()  # (peer, request) whose earlier message has not landed yet
    for message in waiting:
        lane = (message["recipient"], message["subject"]) if message["subject"] else None
        if lane in held or message["next_attempt_at"] > clock.now():
            if lane is not None:
                held.add(lane)
            continue
        assert key is not None
        envelope = signed(Envelope.from_json(json.loads(str(message["envelope"]))), clock.now(), key)
        outcome = _post(client, addresses.get(message["recipient"]), envelope.to_json(), message["recipient"])
        with uow:
            if outcome.landed:
                uow.outbox.delivered(message["id"], clock.now())
                result.delivered += 1
            elif outcome.refused is not None:
                uow.outbox.refused(message["id"], outcome.refused, outcome.detail, clock.now())
                result.refused += 1
            else:
                uow.outbox.failed(message["id"], message["attempts"], outcome.detail, clock.now())
                result.failed += 1
                if lane is not None:
                    held.add(lane)
            uow.commit()
    with uow:
        result.pending = uow.outbox.pending()
    return result


def _post(client: httpx.Client, address: str | None, envelope: dict[str, object], peer: str) -> _Outcome:
    if address is None:
        return _Outcome(False, detail=f"no address is known for peer {peer}")
    try:
        response = client.post(address + PATH, json=envelope, timeout=10)
    except httpx.HTTPError as exc:
        return _Outcome(False, detail=f"{type(exc).__name__}: {exc}")
    if response.status_code < 300:
        return _Outcome(True)
    reason = _reason(response)
    if response.status_code == 403 and reason == "replay":
        return _Outcome(True)  # the peer holds it already: applied once, as it should be
    detail = f"HTTP {response.status_code}: {response.text[:500]}"
    if 400 <= response.status_code < 500 and response.status_code not in RETRIED and reason not in MENDABLE:
        return _Outcome(False, refused=reason or f"http_{response.status_code}", detail=detail)
    return _Outcome(False, detail=detail)


def _reason(response: httpx.Response) -> str | None:
    try:
        reason = response.json().get("reason")
    except (ValueError, AttributeError):
        return None
    return str(reason) if reason else None
