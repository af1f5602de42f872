"""Chain heads anchored with peers, so a log rewritten with recomputed hashes is still caught.

Anyone with the database could rewrite an event and recompute every later hash: `verify` alone
would find the chain intact. So a node signs its chain heads (the event log's and the change
log's tips) and lodges them with its peers (DESIGN.md, "Nodes and exchange"); each peer keeps what
it received and answers with a receipt signed by its own key. `check` compares the local log with
every receipt this node holds (their signatures checked, so a rewritten receipt is worthless) and,
when asked, with what the peers themselves kept. A peer that does not answer is reported, never
taken as agreement.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from armtrace.domain.actors import Clock
from armtrace.domain.chain import GENESIS
from armtrace.domain.lifecycle import parse_utc, utc_text
from armtrace.domain.messages import ANCHORS_QUERY, Refusal
from armtrace.exchange.envelope import Envelope, EnvelopeRefused, check, load_key, new_envelope, signed_by
from armtrace.services.door import use_case
from armtrace.services.tracing import _me
from armtrace.store.uow import UnitOfWork

LODGE_EVERY = timedelta(hours=24)
QUERY_PATH = "/exchange/v1/anchors"


@use_case("registry.anchor")
def lodge(uow: UnitOfWork, clock: Clock, every: timedelta | None = LODGE_EVERY) -> int:
    """Sign this node's chain heads and lodge them with every peer (through the outbox); at most once per
    `every` (None: now, on demand). Returns the number of peers it was lodged with."""
    now = clock.now()
    with uow:
        last = uow.anchors.last_lodged_at()
        if every is not None and last is not None and now - last < every:
            return 0
        me = _me(uow)
        events, changes = uow.integrity.head(1), uow.integrity.head(2)
        body = {
            "seq": events.seq if events else 0,
            "hash": events.hash if events else GENESIS,
            "change_seq": changes.seq if changes else 0,
            "change_hash": changes.hash if changes else GENESIS,
            "at": utc_text(now),
        }
        key = load_key(Path(me["key_path"]))
        peers = uow.nodes.peers()
        for peer in peers:
            envelope = new_envelope("chain.anchor", me["node_id"], peer["node_id"], body, now, key)
            uow.outbox.put(envelope.to_json(), now)
            lodged = {
                "direction": "lodged",
                "node": peer["node_id"],
                "envelope_id": envelope.id,
                **{k: body[k] for k in ("seq", "hash", "change_seq", "change_hash")},
                "anchored_at": now,
            }
            uow.anchors.add(lodged)
        uow.commit()
    return len(peers)


@use_case("exchange.receive")
def held_for(data: object, uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    """A peer asks what this node keeps of its anchors: the answer is an envelope signed by this node."""
    query = Envelope.from_json(data)
    now = clock.now()
    with uow.reading():
        me = _me(uow)
        keys = {p["node_id"]: p["public_key"] for p in uow.nodes.peers()}
        check(query, me=me["node_id"], keys=keys, now=now, seen=lambda _: False)  # a read: no replay to fear
        if query.type != ANCHORS_QUERY:
            raise EnvelopeRefused(Refusal.UNKNOWN_TYPE, "an anchors query is expected here")
        held = [
            {k: a[k] for k in ("seq", "hash", "change_seq", "change_hash")} | {"at": utc_text(a["anchored_at"])}
            for a in uow.anchors.all("held", node=query.sender)
        ]
    answer = new_envelope("chain.anchors_held", me["node_id"], query.sender, {"anchors": held}, now,
                          load_key(Path(me["key_path"])))  # fmt: skip
    return answer.to_json()


@dataclass(frozen=True)
class AnchorCheck:
    node: str  # the peer that holds the anchor
    seq: int
    change_seq: int
    at: datetime
    holds: bool
    source: str  # receipt (held here, signed by the peer) or peer (asked over the exchange)


@dataclass
class AnchorReport:
    checks: list[AnchorCheck] = field(default_factory=list)
    unanswered: list[tuple[str, str]] = field(default_factory=list)  # (peer, why): never taken as agreement

    @property
    def ok(self) -> bool:
        return all(c.holds for c in self.checks)

    @property
    def first_broken(self) -> AnchorCheck | None:
        return min((c for c in self.checks if not c.holds), key=lambda c: c.seq, default=None)

    @property
    def last_holding(self) -> AnchorCheck | None:
        """The latest anchor that still holds below the first broken one: the log is sound up to it."""
        broken = self.first_broken
        limit = broken.seq if broken else None
        holding = [c for c in self.checks if c.holds and (limit is None or c.seq < limit)]
        return max(holding, key=lambda c: c.seq, default=None)

    @property
    def first_suspect_event(self) -> int | None:
        """The first event after the last anchor that holds, where a rewrite must begin."""
        if self.first_broken is None:
            return None
        return (self.last_holding.seq if self.last_holding else 0) + 1


@use_case("registry.verify")
def verify_anchors(
    uow: UnitOfWork, clock: Clock, client: httpx.Client | None = None, ask_peers: bool = False
) -> AnchorReport:
    """Compare the local log with every anchor lodged: through the peers' signed receipts held here and,
    with `ask_peers`, with what each peer says it keeps."""
    report = AnchorReport()
    with uow.reading():
        me = _me(uow)
        peers = {p["node_id"]: p for p in uow.nodes.peers()}
        for a in uow.anchors.all("lodged"):
            if not a["receipt"] or a["node"] not in peers:
                continue
            receipt = Envelope.from_json(json.loads(a["receipt"]))
            if not signed_by(receipt, peers[a["node"]]["public_key"]):
                report.unanswered.append((a["node"], "a receipt held here is not signed by that peer's key"))
                continue
            report.checks.append(_compare(uow, a["node"], receipt.body, a["anchored_at"], "receipt"))
        asked = []
        if ask_peers:
            key = load_key(Path(me["key_path"]))
            for node, peer in peers.items():
                query = new_envelope(ANCHORS_QUERY, me["node_id"], node, {}, clock.now(), key)
                asked.append((node, peer, query))
    for node, peer, query in asked:
        assert client is not None, "asking peers needs an HTTP client"
        held = _ask(client, peer, query.to_json(), me["node_id"], clock, report)
        with uow.reading():
            for body in held or ():
                report.checks.append(_compare(uow, node, body, parse_utc(str(body.get("at"))), "peer"))
    summary = {
        "checks": [asdict(c) for c in report.checks],
        "unanswered": report.unanswered,
        "first_broken": report.first_broken.seq if report.first_broken else None,
        "last_holding": report.last_holding.seq if report.last_holding else None,
        "first_suspect_event": report.first_suspect_event,
    }
    with uow:
        uow.integrity.record("anchors", clock.now(), uow.actor.id, report.ok, summary)
        uow.commit()
    return report


@dataclass(frozen=True)
class Lodged:
    """Who holds which of this node's heads, since when, and whether their signed receipt is here."""

    node: str
    seq: int
    change_seq: int
    anchored_at: datetime
    receipt_at: datetime | None


@use_case("registry.verify")
def overview(uow: UnitOfWork) -> tuple[list[Lodged], list[Lodged]]:
    """The anchors this node lodged with its peers, and those its peers lodged here, newest first."""
    with uow.reading():
        lodged = [_lodged(a) for a in uow.anchors.all("lodged")]
        held = [_lodged(a) for a in uow.anchors.all("held")]
    return lodged[::-1], held[::-1]


def _lodged(a: dict[str, Any]) -> Lodged:
    return Lodged(a["node"], a["seq"], a["change_seq"], a["anchored_at"], a.get("receipt_at"))


def _ask(client: httpx.Client, peer: dict[str, Any], query: dict[str, Any], me: str, clock: Clock,
         report: AnchorReport) -> list[dict[str, Any]] | None:  # fmt: skip
    node = peer["node_id"]
    try:
        response = client.post(peer["address"] + QUERY_PATH, json=query, timeout=10)
        answer = Envelope.from_json(response.json()) if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError, EnvelopeRefused) as exc:
        report.unanswered.append((node, f"{type(exc).__name__}: {exc}"[:200]))
        return None
    if answer is None:
        report.unanswered.append((node, f"HTTP {response.status_code}"))
        return None
    try:
        check(answer, me=me, keys={node: peer["public_key"]}, now=clock.now(), seen=lambda _: False)
    except EnvelopeRefused as exc:
        report.unanswered.append((node, f"its answer was refused: {exc.reason}"))
        return None
    return [a for a in answer.body.get("anchors", []) if isinstance(a, dict)]


def _compare(uow: UnitOfWork, node: str, body: dict[str, Any], at: datetime, source: str) -> AnchorCheck:
    seq, change_seq = int(body.get("seq", 0)), int(body.get("change_seq", 0))
    event = uow.anchors.event_hash(seq) if seq else GENESIS
    change = uow.anchors.change_hash(change_seq) if change_seq else GENESIS
    holds = event == body.get("hash") and change == body.get("change_hash")
    return AnchorCheck(node, seq, change_seq, at, holds, source)
