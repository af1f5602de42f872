"""The exchange between nodes: this node's identity, the peers it trusts, and delivering its outbox.

A node trusts only the keys it was given for its peers (DESIGN.md, "Nodes and exchange");
adding one is an administrator's act. The outbox is delivered by the node's scheduler
(or an officer, at the command line), each message signed again when it is finally sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from armtrace.domain.actors import Clock
from armtrace.domain.errors import N_, Conflict, ProblemList, RuleViolation
from armtrace.exchange.delivery import Delivered, deliver_due
from armtrace.exchange.envelope import create_key, public_key, public_text
from armtrace.queries import tracing as q
from armtrace.services.door import public, use_case
from armtrace.services.importing.intake import country
from armtrace.services.tracing import _me
from armtrace.store.uow import UnitOfWork


@dataclass(frozen=True)
class InitNode:
    node_id: str
    country: str
    key_path: Path
    contact_name: str
    contact_email: str | None = None
    contact_phone: str | None = None


@use_case("node.manage")
def init_node(cmd: InitNode, uow: UnitOfWork, clock: Clock) -> str:
    """Give this node its identity: an Ed25519 key outside the database, and its point of contact (ITI para 25)."""
    problems = ProblemList()
    code = country(problems, "country", cmd.country)
    if not cmd.contact_name.strip():
        problems.add(
            "contact_name",
            "the national point of contact is required",
            rule="ITI para 25",
            hint=N_("name the person or office other States reach about tracing"),
        )
    problems.raise_if_any(N_("the node was not created"))
    with uow:
        if uow.nodes.this() is not None:
            raise Conflict("this store already has a node identity", hint=N_("see it with 'armtrace node show'"))
        key = create_key(cmd.key_path)
        uow.nodes.create(
            {
                "node_id": cmd.node_id,
                "country": code,
                "key_path": str(cmd.key_path.resolve()),
                "public_key": public_text(key),
                "contact_name": cmd.contact_name.strip(),
                "contact_email": cmd.contact_email,
                "contact_phone": cmd.contact_phone,
                "created_at": clock.now(),
            }
        )
        uow.commit()
        return public_text(key)


@dataclass(frozen=True)
class AddPeer:
    node_id: str
    role: str  # state or hub
    address: str
    public_key: str
    country: str | None = None


@use_case("node.manage")
def add_peer(cmd: AddPeer, uow: UnitOfWork, clock: Clock) -> None:
    """Trust another node: its address, and the only key its messages may be signed with."""
    problems = ProblemList()
    if cmd.role not in ("state", "hub"):
        problems.add("role", "is not state or hub", cmd.role)
    if not cmd.address.startswith(("http://", "https://")):
        problems.add("address", "is not an http(s) address", cmd.address, hint=N_("e.g. https://trace.example.gov"))
    try:
        public_key(cmd.public_key)
    except (ValueError, RuleViolation):
        problems.add("public_key", "is not an Ed25519 public key (32 bytes, base64)", cmd.public_key)
    code = country(problems, "country", cmd.country) if cmd.country else None
    if cmd.role == "state" and not code:
        problems.add("country", "a State's node needs its country")
    problems.raise_if_any(N_("the peer %(node)r was not added", node=cmd.node_id))
    with uow:
        uow.nodes.add_peer(
            {
                "node_id": cmd.node_id,
                "country": code,
                "role": cmd.role,
                "address": cmd.address.rstrip("/"),
                "public_key": cmd.public_key,
                "added_at": clock.now(),
            }
        )
        uow.commit()


@public("what peers need to trust this node is published to them: its id, country, key and contact")
def node_identity(uow: UnitOfWork) -> dict[str, Any]:
    """What peers need to trust this node: its id, country, public key and point of contact."""
    with uow:
        me = _me(uow)
    return {k: me[k] for k in ("node_id", "country", "public_key", "contact_name", "contact_email", "contact_phone")}


@use_case("exchange.deliver")
def deliver(uow: UnitOfWork, clock: Clock, client: httpx.Client) -> Delivered:
    """One pass over the outbox: each message due goes to its peer, signed again as it is sent."""
    return deliver_due(uow, clock, client)


@use_case("tracing.read")
def peers(uow: UnitOfWork) -> list[tuple[str, str | None]]:
    """The nodes this one may ask: (node id, country)."""
    with uow:
        return q.peers(uow.conn)


@use_case("tracing.read")
def outbox(uow: UnitOfWork, limit: int = 500) -> list[q.Waiting]:
    """Messages not delivered yet, oldest first, with their attempts and last error."""
    with uow:
        return q.undelivered(uow.conn, limit)
