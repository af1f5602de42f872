"""The messages nodes exchange about a tracing request: what each body must hold, and who may send it.

A trusted peer is still a stranger for what is not its own (DESIGN.md, "Nodes and exchange"):
an acknowledgement, a delay, a refusal or an answer comes only from the State the request was
sent to; a reminder or a withdrawal only from the State that asked; and a request id only in
its sender's own namespace, `<sender's node id>-<year>-<number>`, so no peer can take another's
ids. A message that breaks one of these rules is refused with the code below and never applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from armtrace.domain.errors import N_, ProblemList

RULE = "DESIGN.md: nodes and exchange"


class Party(StrEnum):
    REQUESTER = "requester"  # the State that asked
    REQUESTED = "requested"  # the State the request was sent to


class Refusal(StrEnum):
    """Why a signed message from a known peer was refused (the envelope's own refusals are in exchange/)."""

    UNKNOWN_TYPE = "unknown_type"
    MALFORMED_BODY = "malformed_body"  # a required field is missing or of the wrong kind
    INVALID_CONTENT = "invalid_content"  # a request that fails the content rules a local one must meet
    FOREIGN_ID = "foreign_id"  # a request id outside its sender's namespace
    DUPLICATE_ID = "duplicate_id"  # a request id its sender used already
    UNKNOWN_REQUEST = "unknown_request"
    NOT_YOURS = "not_yours"  # an act on a request by a State that may not do it
    WRONG_STATE = "wrong_state"  # an act the request's state does not allow (answered twice, say)
    UNKNOWN_ATTACHMENT = "unknown_attachment"  # a photograph the request does not refer to, or not held
    UNKNOWN_ANCHOR = "unknown_anchor"  # a receipt for an anchor this node never lodged with its sender


FETCH = "attachment.fetch"  # a signed read: the requested State fetches a request's photograph by its hash


@dataclass(frozen=True)
class Kind:
    fields: dict[str, type | tuple[type, ...]]  # required fields of the body and their JSON kinds
    sent_by: Party | None  # who may send it about a request; None for the request itself


TEXT, LIST, OBJECT = str, list, dict
KINDS: dict[str, Kind] = {
    "trace.request": Kind({"request_id": TEXT, "content": OBJECT}, None),
    "trace.receipt": Kind({"request_id": TEXT}, Party.REQUESTED),
    "trace.acknowledgement": Kind({"request_id": TEXT}, Party.REQUESTED),
    "trace.answer": Kind({"request_id": TEXT, "outcome": TEXT, "facts": LIST}, Party.REQUESTED),
    "trace.reminder": Kind({"request_id": TEXT, "awaiting": TEXT}, Party.REQUESTER),
    "trace.withdrawal": Kind({"request_id": TEXT, "reason": TEXT}, Party.REQUESTER),
    # a node's own chain heads, lodged with a peer, and the peer's receipt for them (about no request)
    "chain.anchor": Kind({"seq": int, "hash": TEXT, "change_seq": int, "change_hash": TEXT, "at": TEXT}, None),
    "chain.anchor_receipt": Kind(
        {"anchor": TEXT, "seq": int, "hash": TEXT, "change_seq": int, "change_hash": TEXT}, None
    ),
}
ANCHORS = ("chain.anchor", "chain.anchor_receipt")
ANCHORS_QUERY = "chain.anchors_query"  # a signed read: what a peer holds of this node's anchors
OPTIONAL: dict[str, dict[str, type | tuple[type, ...]]] = {
    "trace.request": {"parent_id": TEXT, "acknowledge_by": TEXT, "answer_by": TEXT},
    "trace.answer": {"restriction": TEXT, "failure": TEXT, "next_country": TEXT},
    "trace.reminder": {"due": TEXT},
}
CONTENT_FIELDS: dict[str, type | tuple[type, ...]] = {
    "bases": LIST,
    "legal_justification": TEXT,
    "circumstances": TEXT,
    "markings": OBJECT,
    "intended_use": TEXT,
    "intended_use_detail": TEXT,
}


def body_problems(kind: str, body: dict[str, object]) -> ProblemList:
    """Every field of a body that is missing or of the wrong kind, all at once."""
    problems = ProblemList()
    for name, expected in KINDS[kind].fields.items():
        value = body.get(name)
        if value is None or value == "":
            problems.add(name, "is required in this message", rule=RULE)
        elif not isinstance(value, expected):
            problems.add(name, "has the wrong kind of value", type(value).__name__, rule=RULE)
    for name, expected in OPTIONAL.get(kind, {}).items():
        value = body.get(name)
        if value is not None and not isinstance(value, expected):
            problems.add(name, "has the wrong kind of value", type(value).__name__, rule=RULE)
    facts = body.get("facts")
    if kind == "trace.answer" and isinstance(facts, list) and not all(isinstance(f, str) for f in facts):
        problems.add("facts", "each fact is a line of text", rule=RULE)
    content = body.get("content")
    if kind == "trace.request" and isinstance(content, dict):
        for name, expected in CONTENT_FIELDS.items():
            if name in content and content[name] is not None and not isinstance(content[name], expected):
                problems.add(f"content.{name}", "has the wrong kind of value", type(content[name]).__name__)
    return problems


def in_namespace(request_id: str, node_id: str) -> bool:
    """Whether a request id is one its sender may have made: its own node id, a year and a number."""
    return re.fullmatch(re.escape(node_id) + r"-\d{4}-\d{6}", request_id) is not None


def may_send(kind: str, sender: str, requester: str, requested: str) -> bool:
    """Whether `sender` may send a message of this kind about a request between these two nodes."""
    party = KINDS[kind].sent_by
    return (party is Party.REQUESTED and sender == requested) or (party is Party.REQUESTER and sender == requester)


NOT_YOURS = {
    Party.REQUESTED: N_("only the State request %(request)s was sent to may send a %(kind)s about it"),
    Party.REQUESTER: N_("only the State that sent request %(request)s may send a %(kind)s about it"),
}
