"""The exchange between nodes: this node's identity, the peers it trusts, receiving their messages, and
delivering its outbox.

A node trusts only the keys it was given for its peers (DESIGN.md, "Nodes and exchange");
adding one is an administrator's act. A message received is checked (signature, sender,
recipient, freshness, replay), then held to what its sender may do (domain/messages.py)
and to the same rules as local input; a signed message that breaks one is kept in the
inbox as refused with its coded reason and never applied, and refused the same way if it
comes again. The outbox is delivered by the node's scheduler (or an officer, at the
command line), each message signed again when it is finally sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from armtrace.domain.actors import Clock
from armtrace.domain.errors import N_, Conflict, ProblemList, RuleViolation
from armtrace.domain.lifecycle import parse_utc
from armtrace.domain.messages import KINDS, NOT_YOURS, Refusal, body_problems, in_namespace, may_send
from armtrace.domain.tracing import (
    Answer,
    Deadlines,
    FailureReason,
    Outcome,
    Restriction,
    Status,
    check_answer,
    transition,
)
from armtrace.exchange.delivery import Delivered, deliver_due
from armtrace.exchange.envelope import Envelope, EnvelopeRefused, check, create_key, public_key, public_text
from armtrace.queries import tracing as q
from armtrace.services.deadlines import calendar
from armtrace.services.door import public, use_case
from armtrace.services.importing.intake import country
from armtrace.services.tracing import DEFAULT_DEADLINES, DraftRequest, _content, _me, _send, content_json
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


@use_case("exchange.receive")
def receive(data: object, uow: UnitOfWork, clock: Clock, deadlines: Deadlines = DEFAULT_DEADLINES) -> str:
    """Check a message from a peer and apply it once; returns what was done with it. A signed message
    that breaks a rule is refused with its coded reason, kept as refused, and nothing of it applied. A
    request received runs on this node's own clocks (`deadlines`, with its State's public holidays)."""
    envelope = Envelope.from_json(data)
    now = clock.now()
    with uow:
        me = _me(uow)
        keys = {p["node_id"]: p["public_key"] for p in uow.nodes.peers()}
        check(envelope, me=me["node_id"], keys=keys, now=now, seen=lambda _: False)
        earlier = uow.inbox.earlier(envelope.id)
        if earlier is not None:
            if earlier[0] is None:
                raise EnvelopeRefused("replay", N_("envelope %(envelope)s was received already", envelope=envelope.id))
            raise EnvelopeRefused(earlier[0], N_("envelope %(envelope)s was refused already", envelope=envelope.id))
        try:
            outcome = _apply(uow, me, envelope, now, deadlines)
        except EnvelopeRefused as refused:
            refusal = refused
        except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a body no rule foresaw: never a 500
            refusal = _refused(
                Refusal.MALFORMED_BODY,
                N_("message %(envelope)s could not be read: %(error)s", envelope=envelope.id, error=type(exc).__name__),
            )
        else:
            uow.inbox.keep(envelope.to_json(), now)
            uow.commit()
            return outcome
    with uow:  # the refusal is kept in a transaction of its own, since nothing of the message was applied
        if uow.inbox.earlier(envelope.id) is None:
            uow.inbox.keep(envelope.to_json(), now, refused=refusal.reason)
            uow.commit()
    raise refusal


def _refused(reason: Refusal, detail: str, problems: object = (), hint: str | None = None) -> EnvelopeRefused:
    return EnvelopeRefused(reason.value, detail, hint=hint, problems=list(problems))  # type: ignore[call-overload]


def _apply(uow: UnitOfWork, me: dict[str, Any], e: Envelope, now: datetime, deadlines: Deadlines) -> str:
    if e.type not in KINDS:
        raise _refused(Refusal.UNKNOWN_TYPE, N_("message type %(type)r is not known to this node", type=e.type))
    problems = body_problems(e.type, e.body)
    if problems:
        raise _refused(
            Refusal.MALFORMED_BODY,
            N_("the body of %(kind)s %(envelope)s is not as the exchange defines it", kind=e.type, envelope=e.id),
            problems.problems,
        )
    if e.type == "trace.request":
        return _take_request(uow, me, e, now, deadlines)
    if e.type == "chain.anchor":
        return _keep_anchor(uow, me, e, now)
    if e.type == "chain.anchor_receipt":
        return _take_receipt(uow, e, now)
    r = uow.requests.get(e.body["request_id"])
    if r is None:
        raise _refused(
            Refusal.UNKNOWN_REQUEST,
            N_(
                "message %(envelope)s names an unknown request %(request)r", envelope=e.id, request=e.body["request_id"]
            ),
        )
    if not may_send(e.type, e.sender, r["requester"], r["requested"]):
        party = KINDS[e.type].sent_by
        assert party is not None
        raise _refused(Refusal.NOT_YOURS, N_(NOT_YOURS[party], request=r["id"], kind=e.type))
    try:
        return APPLY[e.type](uow, r, e, now)
    except EnvelopeRefused:
        raise
    except RuleViolation as exc:  # the request's state does not allow it (answered already, say)
        raise _refused(Refusal.WRONG_STATE, exc.detail, exc.problems) from None


def _take_request(uow: UnitOfWork, me: dict[str, Any], e: Envelope, now: datetime, deadlines: Deadlines) -> str:
    """A request from a peer: an id of its own, never used before, and content that meets the same rules as
    a request drafted here. Its deadlines are this State's own, counted from its receipt in this State's
    working days; the requester's expectations are kept beside them, as the requester's."""
    body = e.body
    request_id, parent_id = body["request_id"], body.get("parent_id")
    for given in (request_id, parent_id):
        if given is not None and not in_namespace(given, e.sender):
            raise _refused(
                Refusal.FOREIGN_ID,
                N_("%(request)r is not an id %(sender)s may give: its ids are its own", request=given, sender=e.sender),
                hint=N_("a request id is the sender's node id, a year and a number, e.g. %(example)s",
                        example=f"{e.sender}-2026-000001"),
            )  # fmt: skip
    if uow.requests.get(request_id) is not None:
        raise _refused(Refusal.DUPLICATE_ID, N_("request %(request)s was received already", request=request_id))
    try:
        content = _content(DraftRequest.of(body["content"]))
        expected_acknowledge_by, expected_answer_by = (_time(body.get(k)) for k in ("acknowledge_by", "answer_by"))
    except RuleViolation as exc:
        raise _refused(Refusal.INVALID_CONTENT, exc.detail, exc.problems, exc.hint) from None
    own = calendar(deadlines, me["country"], now)
    uow.requests.add(
        {
            "id": request_id,
            "direction": "incoming",
            "requester": e.sender,
            "requested": me["node_id"],
            "status": Status.SENT.value,
            "priority": content.priority.value,
            "content": json.dumps(content_json(content)),
            "parent_id": parent_id,
            "created_at": now,
            "sent_at": e.created_at,
            "acknowledge_by": own.acknowledge_by(now, content.priority),
            "answer_by": own.answer_by(now, content.priority),
            "expected_acknowledge_by": expected_acknowledge_by,
            "expected_answer_by": expected_answer_by,
        },
        "received",
        now,
        by=e.sender,
    )
    _send(uow, me, e.sender, "trace.receipt", {"request_id": request_id}, now)
    return "request received; receipt sent"


ANCHORED = ("seq", "hash", "change_seq", "change_hash")


def _keep_anchor(uow: UnitOfWork, me: dict[str, Any], e: Envelope, now: datetime) -> str:
    """A peer lodges its own chain heads here: they are kept, and a receipt signed by this node goes back."""
    try:
        at = parse_utc(str(e.body["at"]))
    except ValueError:
        raise _refused(Refusal.MALFORMED_BODY, N_("%(value)r is not a time", value=e.body["at"])) from None
    held = {"direction": "held", "node": e.sender, "envelope_id": e.id, **{k: e.body[k] for k in ANCHORED},
            "anchored_at": at}  # fmt: skip
    uow.anchors.add(held)
    _send(uow, me, e.sender, "chain.anchor_receipt", {"anchor": e.id, **{k: e.body[k] for k in ANCHORED}}, now)
    return "anchor kept; receipt sent"


def _take_receipt(uow: UnitOfWork, e: Envelope, now: datetime) -> str:
    """A peer's receipt for an anchor this node lodged with it: kept as signed, the proof of what it holds."""
    lodged = uow.anchors.lodged(str(e.body["anchor"]), e.sender)
    if lodged is None:
        raise _refused(Refusal.UNKNOWN_ANCHOR, N_("this node lodged no anchor %(anchor)s with %(node)s",
                                                  anchor=e.body["anchor"], node=e.sender))  # fmt: skip
    if any(lodged[k] != e.body[k] for k in ANCHORED):
        raise _refused(Refusal.INVALID_CONTENT, N_("the receipt does not repeat the anchor %(anchor)s as lodged",
                                                   anchor=e.body["anchor"]))  # fmt: skip
    uow.anchors.receipted(lodged["id"], json.dumps(e.to_json(), sort_keys=True), now)
    return "receipt kept"


def _time(text: object) -> datetime | None:
    try:
        return parse_utc(str(text)) if text else None
    except ValueError:
        raise RuleViolation(N_("%(value)r is not a time", value=text)) from None


def _receipt(uow: UnitOfWork, r: dict[str, Any], e: Envelope, now: datetime) -> str:
    uow.requests.act(r["id"], "receipt", now, by=e.sender)
    return "receipt recorded"


def _acknowledgement(uow: UnitOfWork, r: dict[str, Any], e: Envelope, now: datetime) -> str:
    if r["status"] != Status.SENT.value:  # the answer came first: the acknowledgement is only noted
        uow.requests.act(r["id"], "acknowledged", now, {"late": True}, by=e.sender)
        return "acknowledgement noted"
    status = transition(Status(r["status"]), "acknowledge")
    uow.requests.update(
        r["id"], {"status": status.value, "acknowledged_at": e.created_at}, "acknowledged", now, by=e.sender
    )
    return "acknowledgement recorded"


def _reminder(uow: UnitOfWork, r: dict[str, Any], e: Envelope, now: datetime) -> str:
    uow.requests.act(r["id"], "reminder_received", now, {"awaiting": e.body["awaiting"]}, by=e.sender)
    return f"reminder recorded: {e.body['awaiting']} overdue"


def _answer(uow: UnitOfWork, r: dict[str, Any], e: Envelope, now: datetime) -> str:
    body = e.body
    try:
        answer = Answer(
            Outcome(body["outcome"]),
            Restriction(body["restriction"]) if body.get("restriction") else None,
            FailureReason(body["failure"]) if body.get("failure") else None,
            tuple(body["facts"]),
            body.get("next_country"),
        )
    except ValueError as exc:
        raise _refused(
            Refusal.MALFORMED_BODY, N_("the answer has a value armtrace does not know: %(error)s", error=str(exc))
        ) from None
    problems = check_answer(answer)
    if problems:
        raise _refused(Refusal.INVALID_CONTENT, N_("the answer to %(request)s breaks the ITI", request=r["id"]),
                       problems.problems)  # fmt: skip
    status = transition(Status(r["status"]), "answer", answer.outcome)
    uow.requests.update(
        r["id"],
        {
            "status": status.value,
            "outcome": answer.outcome.value,
            "restriction": body.get("restriction"),
            "failure": body.get("failure"),
            "answered_at": e.created_at if status is Status.ANSWERED else None,
            "answer": json.dumps(body),
        },
        f"answered:{answer.outcome.value}",
        now,
        by=e.sender,
    )
    return f"answer recorded: {answer.outcome.value}"


def _withdrawal(uow: UnitOfWork, r: dict[str, Any], e: Envelope, now: datetime) -> str:
    status = transition(Status(r["status"]), "withdraw")
    uow.requests.update(
        r["id"], {"status": status.value}, "withdrawn", now, by=e.sender, detail={"reason": e.body["reason"]}
    )
    return "withdrawal recorded"


APPLY: dict[str, Callable[[UnitOfWork, dict[str, Any], Envelope, datetime], str]] = {
    "trace.receipt": _receipt,
    "trace.acknowledgement": _acknowledgement,
    "trace.reminder": _reminder,
    "trace.answer": _answer,
    "trace.withdrawal": _withdrawal,
}
