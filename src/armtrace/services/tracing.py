"""Tracing use cases: requests drafted, sent, received, acknowledged, answered, followed; and the reads
of them (the case, the lists, the statistics).

Each act is one transaction that changes the request, records the timed act, and puts
the message for the other node in the outbox, together (DESIGN.md, "Nodes and
exchange"). Received messages are checked (signature, sender, recipient, freshness,
replay) and kept in the inbox by id before they are applied, so a message delivered
twice is applied once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from armtrace.domain.actors import Clock
from armtrace.domain.approvals import Act, discloses
from armtrace.domain.errors import N_, NotFound, ProblemList, RuleViolation
from armtrace.domain.lifecycle import utc_text
from armtrace.domain.tracing import (
    Answer,
    Deadlines,
    FailureReason,
    IllicitBasis,
    Markings,
    Outcome,
    Priority,
    RequestContent,
    Restriction,
    Status,
    check_answer,
    check_content,
    overdue,
    photograph_ref,
    state_to_ask,
    transition,
)
from armtrace.exchange.envelope import load_key, new_envelope
from armtrace.queries import disclosure
from armtrace.queries import tracing as q
from armtrace.queries.approvals import ApprovalRow, approvals
from armtrace.reference.manufacturers import manufacturers
from armtrace.services.deadlines import calendar
from armtrace.services.door import Gate, Handled, use_case
from armtrace.services.importing.intake import country
from armtrace.store.uow import UnitOfWork

DEFAULT_DEADLINES = Deadlines()
REMIND_EVERY = timedelta(days=7)


@dataclass(frozen=True)
class DraftRequest:
    bases: tuple[str, ...]
    legal_justification: str
    circumstances: str
    markings: Markings
    category: str | None
    calibre: str | None
    intended_use: str
    priority: str = "routine"
    urgency_reason: str | None = None
    photographs: tuple[str, ...] = ()
    requested: str | None = None  # a peer node; by default the State the marks point to
    weapon_id: int | None = None
    parent_id: str | None = None
    intended_use_detail: str = ""

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> DraftRequest:
        """The request from plain values, as an API body, a form, command-line options or a stored request
        give them (`markings` a mapping, lists for the tuples); an empty value is a value not given."""
        marks = values.get("markings") or {}
        return cls(
            bases=tuple(str(b) for b in values.get("bases") or ()),
            legal_justification=str(values.get("legal_justification") or ""),
            circumstances=str(values.get("circumstances") or ""),
            markings=Markings(
                _given(marks, "manufacturer"),
                _given(marks, "serial"),
                _given(marks, "country_of_manufacture"),
                _given(marks, "model"),
                _given(marks, "last_import_country"),
                bool(marks.get("serial_obliterated")),
                tuple(str(e).strip() for e in marks.get("unreadable") or () if str(e).strip()),
                bool(marks.get("craft_made")),
            ),
            category=_given(values, "category"),
            calibre=_given(values, "calibre"),
            intended_use=str(values.get("intended_use") or ""),
            intended_use_detail=str(values.get("intended_use_detail") or ""),
            priority=str(values.get("priority") or Priority.ROUTINE.value),
            urgency_reason=_given(values, "urgency_reason"),
            photographs=tuple(str(p).strip() for p in values.get("photographs") or () if str(p).strip()),
            requested=_given(values, "requested"),
            weapon_id=values.get("weapon_id") or None,
            parent_id=_given(values, "parent_id"),
        )


def _use(given: object, detail: object) -> tuple[str, str]:
    """The intended use as its code, and its words: 'other: civil forfeiture' is the code 'other' with its
    words; a code is read whatever its case or spacing ('Criminal investigation')."""
    text, words = str(given or "").strip(), str(detail or "").strip()
    code, sep, rest = text.partition(":")
    if sep and rest.strip():
        words = " ".join(filter(None, (rest.strip(), words)))
    return "_".join(code.lower().replace("-", " ").split()), words


def _given(values: Mapping[str, Any], key: str) -> Any:
    value = values.get(key)
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _content(cmd: DraftRequest) -> RequestContent:
    problems = ProblemList()
    bases = []
    for b in cmd.bases:
        try:
            bases.append(IllicitBasis(b.strip().lower()))
        except ValueError:
            problems.add("bases", "is not a ground of ITI para 6", b, hint=N_("use a, b, c, d or e"))
    try:
        priority = Priority(cmd.priority)
    except ValueError:
        problems.add("priority", "is not routine or urgent", cmd.priority)
        priority = Priority.ROUTINE
    marks = cmd.markings
    use, use_detail = _use(cmd.intended_use, cmd.intended_use_detail)
    content = RequestContent(
        tuple(bases),
        cmd.legal_justification,
        cmd.circumstances,
        marks,
        cmd.category,
        cmd.calibre,
        use,
        priority,
        cmd.urgency_reason,
        cmd.photographs,
        use_detail,
    )
    problems.problems.extend(check_content(content).problems)
    problems.raise_if_any(
        N_("the tracing request is incomplete"),
        hint=N_("complete the elements listed: the requested State needs them to trace"),
    )
    standing_in = marks.standing_in()  # the request says which elements photographs stand in for
    return replace(content, markings=replace(marks, unreadable=standing_in, serial_obliterated="serial" in standing_in))


def content_json(c: RequestContent) -> dict[str, Any]:
    data = asdict(c)
    data["bases"] = [b.value for b in c.bases]
    data["priority"] = c.priority.value
    data["markings"]["unreadable"] = list(c.markings.unreadable)
    return data


@use_case("tracing.act")
def draft_request(cmd: DraftRequest, uow: UnitOfWork, clock: Clock) -> str:
    """A request checked against the ITI's content rules, addressed to the State the marks point to."""
    content = _content(cmd)
    now = clock.now()
    with uow:
        me = _me(uow)
        wanted = [ref.removeprefix("sha256:") for ref in content.photographs]
        missing = sorted(set(wanted) - uow.attachments.held(wanted))
        if missing:
            raise NotFound(
                N_("photograph %(photograph)s is not held on this node", photograph=photograph_ref(missing[0])),
                hint=N_("attach the file first: the requested State fetches it from here by its hash"),
            )
        requested = cmd.requested or _peer_for(uow, state_to_ask(content.markings) or _maker_country(content.markings))
        if uow.nodes.peer(requested) is None:
            raise NotFound(
                N_("%(node)r is not a known peer", node=requested), hint=N_("add it with 'armtrace peer add'")
            )
        reference = uow.requests.next_reference(me["node_id"], now.year)
        uow.requests.add(
            {
                "id": reference,
                "direction": "outgoing",
                "requester": me["node_id"],
                "requested": requested,
                "status": Status.DRAFTED.value,
                "priority": content.priority.value,
                "content": json.dumps(content_json(content)),
                "weapon_id": cmd.weapon_id,
                "parent_id": cmd.parent_id,
                "created_at": now,
            },
            "drafted",
            now,
        )
        uow.commit()
        return reference


@use_case("tracing.act")
def send_request(request_id: str, uow: UnitOfWork, clock: Clock, deadlines: Deadlines = DEFAULT_DEADLINES) -> None:
    """Send a drafted request: its deadlines start, and the message waits in the outbox for delivery."""
    now = clock.now()
    with uow:
        me, r = _me(uow), _request(uow, request_id)
        status = transition(Status(r["status"]), "send")
        priority = Priority(r["priority"])
        peer = uow.nodes.peer(r["requested"])  # what we expect of it, in its working days
        expect = calendar(deadlines, peer["country"] if peer else None, now)
        ack_by, answer_by = expect.acknowledge_by(now, priority), expect.answer_by(now, priority)
        body = {
            "request_id": r["id"],
            "content": json.loads(r["content"]),
            "parent_id": r["parent_id"],
            "acknowledge_by": utc_text(ack_by),
            "answer_by": utc_text(answer_by),
        }
        _send(uow, me, r["requested"], "trace.request", body, now)
        uow.requests.update(
            r["id"],
            {"status": status.value, "sent_at": now, "acknowledge_by": ack_by, "answer_by": answer_by},
            "sent",
            now,
        )
        uow.commit()


@use_case("tracing.act")
def acknowledge(request_id: str, uow: UnitOfWork, clock: Clock) -> None:
    """The requested State's officer acknowledges the request (beyond the automatic receipt)."""
    now = clock.now()
    with uow:
        me, r = _me(uow), _request(uow, request_id, direction="incoming")
        status = transition(Status(r["status"]), "acknowledge")
        _send(uow, me, r["requester"], "trace.acknowledgement", {"request_id": r["id"]}, now)
        uow.requests.update(r["id"], {"status": status.value, "acknowledged_at": now}, "acknowledged", now)
        uow.commit()


@dataclass(frozen=True)
class AnswerRequest:
    request_id: str
    outcome: str
    restriction: str | None = None
    failure: str | None = None
    facts: tuple[str, ...] = ()
    next_country: str | None = None
    weapon_id: int | None = None  # the record the answer was drawn from

    @classmethod
    def as_drafted(cls, request_id: str, draft: disclosure.Disclosure) -> AnswerRequest:
        """The answer exactly as drafted from the registry and shown, from the record it was drawn from."""
        a = draft.answer
        return cls(
            request_id,
            a.outcome.value,
            a.restriction.value if a.restriction else None,
            a.failure.value if a.failure else None,
            a.facts,
            a.next_country,
            draft.weapon_id,
        )


def _checked_answer(cmd: AnswerRequest) -> Answer:
    """The answer as the ITI wants it, or every problem with it at once."""
    problems = ProblemList()
    try:
        a = Answer(
            Outcome(cmd.outcome),
            Restriction(cmd.restriction) if cmd.restriction else None,
            FailureReason(cmd.failure) if cmd.failure else None,
            tuple(cmd.facts),
            country(problems, "next_country", cmd.next_country) if cmd.next_country else None,
        )
    except ValueError as exc:
        raise RuleViolation(
            N_("the answer has a value armtrace does not know: %(error)s", error=str(exc)),
            hint=N_("outcomes: %(outcomes)s", outcomes=", ".join(o.value for o in Outcome)),
        ) from None
    problems.problems.extend(check_answer(a).problems)
    problems.raise_if_any(N_("request %(request)s was not answered", request=cmd.request_id))
    return a


def _check_answerable(cmd: AnswerRequest, uow: UnitOfWork, clock: Clock) -> None:
    """Refuse an answer that could not be sent (bad content, unknown request, wrong state), changing nothing."""
    a = _checked_answer(cmd)
    with uow:
        r = _request(uow, cmd.request_id, direction="incoming")
        transition(Status(r["status"]), "answer", a.outcome)


def _discloses(cmd: AnswerRequest, uow: UnitOfWork) -> bool:
    """Whether the answer sends registry data abroad (facts, or where the weapon went): that needs two people.
    An answer with an unknown outcome is not held: answering refuses it at once."""
    if cmd.outcome not in set(Outcome):
        return False
    return discloses(Answer(Outcome(cmd.outcome), None, None, tuple(cmd.facts), cmd.next_country))


DISCLOSE = Gate(
    Act.DISCLOSE,
    needs=_discloses,
    prepare=_check_answerable,
    payload=lambda c: {**asdict(c), "facts": list(c.facts)},
    summary=lambda c: f"answer request {c.request_id} as {c.outcome}, disclosing:\n" + "\n".join(c.facts),
    subject=lambda c: c.request_id,
)


@use_case("tracing.act", gate=DISCLOSE)
def answer(cmd: AnswerRequest, uow: UnitOfWork, clock: Clock, approval: int | None = None) -> Handled:
    """Answer a request: what the registry shows, or the ITI reason for a delay or refusal, or the coded
    reason the trace failed. An answer that sends registry data abroad is sent only under a second
    officer's approval (the two-person rule)."""
    a = _checked_answer(cmd)
    now = clock.now()
    with uow:
        me, r = _me(uow), _request(uow, cmd.request_id, direction="incoming")
        status = transition(Status(r["status"]), "answer", a.outcome)
        body = {
            "request_id": r["id"],
            "outcome": a.outcome.value,
            "restriction": a.restriction.value if a.restriction else None,
            "failure": a.failure.value if a.failure else None,
            "facts": list(a.facts),
            "next_country": a.next_country,
        }
        _send(uow, me, r["requester"], "trace.answer", body, now)
        uow.requests.update(
            r["id"],
            {
                "status": status.value,
                "answered_at": now if status is Status.ANSWERED else None,
                "outcome": a.outcome.value,
                "restriction": body["restriction"],
                "failure": body["failure"],
                "answer": json.dumps(body),
                **({"weapon_id": cmd.weapon_id} if cmd.weapon_id is not None else {}),
            },
            f"answered:{a.outcome.value}",
            now,
        )
        uow.commit()
    return Handled(True)


@use_case("tracing.remind")
def send_reminders(uow: UnitOfWork, clock: Clock, every: timedelta = REMIND_EVERY) -> list[str]:
    """Remind each counterpart of the requests it owes past their deadlines, at most once per `every`."""
    now = clock.now()
    sent = []
    with uow:
        me = _me(uow)
        for r in uow.requests.open_outgoing():
            late = overdue(Status(r["status"]), r["acknowledge_by"], r["answer_by"], now)
            if late is None:
                continue
            last = uow.requests.last_act(r["id"], "reminder_sent")
            if last is not None and now - last < every:
                continue
            due = r["acknowledge_by"] if late == "acknowledgement" else r["answer_by"]
            body = {"request_id": r["id"], "awaiting": late, "due": utc_text(due)}
            _send(uow, me, r["requested"], "trace.reminder", body, now)
            uow.requests.act(r["id"], "reminder_sent", now, {"awaiting": late})
            sent.append(r["id"])
        uow.commit()
    return sent


@use_case("tracing.act")
def follow(request_id: str, uow: UnitOfWork, clock: Clock) -> str:
    """Follow the chain: a new request, linked to this one, to the State the answer says the weapon went to."""
    with uow:
        r = _request(uow, request_id, direction="outgoing")
        if r["status"] != Status.ANSWERED.value or not r["answer"]:
            raise RuleViolation(
                N_("request %(request)s has no answer to follow yet", request=request_id),
                rule="tracing request lifecycle",
            )
        next_country = json.loads(r["answer"]).get("next_country")
        if not next_country:
            raise RuleViolation(
                N_("the answer to %(request)s names no further State", request=request_id),
                hint=N_("the chain ends here: this is where the weapon left licit control, or the trace failed"),
            )
        requested = _peer_for(uow, next_country)
        content = json.loads(r["content"])
    cmd = DraftRequest.of({**content, "requested": requested, "weapon_id": r["weapon_id"], "parent_id": request_id})
    return draft_request(cmd, uow, clock)


@use_case("tracing.act")
def withdraw(request_id: str, why: str, uow: UnitOfWork, clock: Clock) -> None:
    """The requesting State withdraws its request (the weapon was identified otherwise, say): the requested
    State is told, and the request's clocks stop on both sides."""
    if not why.strip():
        raise RuleViolation("a withdrawal says why", hint=N_("the requested State reads the reason"))
    now = clock.now()
    with uow:
        me, r = _me(uow), _request(uow, request_id, direction="outgoing")
        status = transition(Status(r["status"]), "withdraw")
        if r["status"] != Status.DRAFTED.value:  # a draft was never sent: nobody else knows of it
            _send(uow, me, r["requested"], "trace.withdrawal", {"request_id": r["id"], "reason": why.strip()}, now)
        uow.requests.update(r["id"], {"status": status.value}, "withdrawn", now, detail={"reason": why.strip()})
        uow.commit()


def _send(uow: UnitOfWork, me: dict[str, Any], to: str, kind: str, body: dict[str, Any], now: Any) -> None:
    key = load_key(Path(me["key_path"]))
    uow.outbox.put(new_envelope(kind, me["node_id"], to, body, now, key).to_json(), now)


def _me(uow: UnitOfWork) -> dict[str, Any]:
    me = uow.nodes.this()
    if me is None:
        raise RuleViolation("this store has no node identity", hint=N_("create it with 'armtrace node init'"))
    return me


def _peer_for(uow: UnitOfWork, country_code: str | None) -> str:
    if not country_code:
        raise RuleViolation("the marks name no country to ask", hint=N_("name the requested peer explicitly"))
    for p in uow.nodes.peers():
        if p["country"] == country_code and p["role"] == "state":
            return str(p["node_id"])
    raise NotFound(
        N_("no peer node is known for %(country)s", country=country_code),
        hint=N_("add that State's node with 'armtrace peer add', or name another peer"),
    )


def _maker_country(m: Markings) -> str | None:
    """The country of a manufacturer the reference knows, when the marks name no country."""
    match = manufacturers().resolve(m.manufacturer) if m.manufacturer else None
    return match.manufacturer.country if match else None


# Each direction its own sentence, for the translators.
NO_REQUEST = {
    None: N_("there is no request %(request)s"),
    "incoming": N_("there is no incoming request %(request)s"),
    "outgoing": N_("there is no outgoing request %(request)s"),
}


def _request(uow: UnitOfWork, request_id: str, direction: str | None = None) -> dict[str, Any]:
    r = uow.requests.get(request_id)
    if r is None or (direction and r["direction"] != direction):
        raise NotFound(
            N_(NO_REQUEST[direction], request=request_id),
            hint=N_("see them with 'armtrace trace list'"),
        )
    return r


# The reads: the lists and the case name no holder; the draft of an answer shows the registry's record.


@use_case("tracing.read")
def list_requests(
    uow: UnitOfWork, clock: Clock, only_overdue: bool = False, limit: int = 200, offset: int = 0
) -> q.RequestPage:
    """Requests sent and received (or only the overdue), newest first, each flagged with what is overdue;
    a page of them, with how many there are."""
    with uow:
        return q.list_requests(uow.conn, clock.now(), only_overdue, limit, offset)


@dataclass(frozen=True)
class Case:
    """A request as its officer reads it: the request with its chain and acts, and what waits for approval."""

    request: dict[str, Any]
    waiting: list[ApprovalRow]


@use_case("tracing.read")
def show_request(request_id: str, uow: UnitOfWork, clock: Clock) -> Case:
    with uow:
        return Case(q.request_detail(uow.conn, request_id, clock.now()), approvals(uow.conn, subject=request_id))


@use_case("tracing.act", access="tracing:answer:draft")
def draft_answer(request_id: str, uow: UnitOfWork, weapon_id: int | None = None) -> disclosure.Disclosure:
    """The answer drafted from the registry, exactly as it would be disclosed (holders included): the
    officer's reading of the record goes to the access log."""
    with uow:
        draft = disclosure.draft_answer(uow.conn, request_id, weapon_id)
        uow.accessed(request_id, {"weapon_id": weapon_id} if weapon_id is not None else None)
        uow.commit()
    return draft


def answerable(case: Case) -> bool:
    """Whether a received request still waits for its answer, and no answer waits for approval."""
    r = case.request
    return r["direction"] == "incoming" and r["status"] in (Status.SENT, Status.ACKNOWLEDGED) and not case.waiting


@use_case("tracing.statistics")
def statistics(uow: UnitOfWork) -> q.Statistics:
    """Tracing statistics per counterpart: days to acknowledge and answer, outcomes, reasons of failure."""
    with uow:
        return q.statistics_of(uow.conn)


@use_case("tracing.read")
def counts(uow: UnitOfWork) -> q.Exchanged:
    """How many requests this node holds, and the messages it delivered, has waiting and received."""
    with uow:
        return q.Exchanged(q.count_requests(uow.conn), *q.exchanged(uow.conn))
