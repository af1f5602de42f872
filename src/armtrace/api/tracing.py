"""/api/v1/trace: tracing requests sent and received, their answers drafted from the registry, statistics."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from armtrace.api.auth import allow, runtime_of
from armtrace.api.errors import PROBLEMS, WAITING
from armtrace.api.params import MAX_ID, OptionalId, PageNumber, PerPage
from armtrace.domain.accounts import Principal
from armtrace.domain.tracing import Markings
from armtrace.queries.disclosure import draft_answer
from armtrace.queries.tracing import (
    count_requests,
    list_requests,
    peers,
    request_detail,
    statistics_of,
    undelivered,
)
from armtrace.services import accounts, tracing
from armtrace.services import approvals as two_person

router = APIRouter(prefix="/api/v1/trace", tags=["tracing"], responses=PROBLEMS)
Strict = ConfigDict(extra="forbid")
Reader = Annotated[Principal, Depends(allow("tracing.read"))]
Officer = Annotated[Principal, Depends(allow("tracing.act"))]


class MarkingsIn(BaseModel):
    model_config = Strict
    manufacturer: str | None = None
    serial: str | None = None
    country_of_manufacture: str | None = None
    model: str | None = None
    last_import_country: str | None = None
    serial_obliterated: bool = False


class RequestIn(BaseModel):
    model_config = Strict
    bases: list[str] = Field(description="Grounds of illicitness, ITI para 6: a, b, c, d, e")
    legal_justification: str
    circumstances: str
    markings: MarkingsIn
    category: str | None = None
    calibre: str | None = None
    intended_use: str
    priority: str = "routine"
    urgency_reason: str | None = None
    photographs: list[str] = []
    requested: str | None = Field(None, description="The peer to ask (default: the State the marks point to)")
    weapon_id: int | None = Field(None, ge=1, le=MAX_ID)


class AnswerIn(BaseModel):
    model_config = Strict
    outcome: str = Field(description="traced, partially_traced, not_traced, delayed, refused")
    restriction: str | None = Field(None, description="criminal_investigation, confidentiality_law, national_security")
    failure: str | None = Field(None, description="The coded reason a trace failed (FACTS 4.3)")
    facts: list[str] = []
    next_country: str | None = None
    weapon_id: int | None = Field(None, ge=1, le=MAX_ID)


@router.get("/requests", summary="Requests sent and received, newest first, overdue ones flagged")
def requests(
    request: Request,
    who: Reader,
    overdue: bool = False,
    page: PageNumber = 1,
    per_page: PerPage = 50,
) -> dict[str, Any]:
    rt = runtime_of(request)
    with rt.engine.connect() as conn:
        if overdue:  # the overdue ones are found in Python (deadlines are per request): count them there
            late = list_requests(conn, rt.clock.now(), True, limit=10**9)
            rows, total = late[(page - 1) * per_page : page * per_page], len(late)
        else:
            rows = list_requests(conn, rt.clock.now(), False, per_page, (page - 1) * per_page)
            total = count_requests(conn)
    return {"items": [dataclasses.asdict(r) for r in rows], "total": total, "page": page, "per_page": per_page}


@router.get("/requests/{request_id}", summary="A request, its chain State by State, its answer and timed acts")
def one(request: Request, request_id: str, who: Reader) -> dict[str, Any]:
    rt = runtime_of(request)
    with rt.engine.connect() as conn:
        return request_detail(conn, request_id, rt.clock.now())


@router.post("/requests", status_code=201, summary="Draft a request; every missing ITI element is listed at once")
def draft(request: Request, body: RequestIn, who: Officer) -> dict[str, str]:
    rt = runtime_of(request)
    values = body.model_dump()
    values["markings"] = Markings(**values["markings"])
    values["bases"], values["photographs"] = tuple(values["bases"]), tuple(values["photographs"])
    return {"id": tracing.draft_request(tracing.DraftRequest(**values), rt.uow(who.actor), rt.clock)}


@router.post("/requests/{request_id}/send", summary="Send a drafted request; its deadlines start")
def send(request: Request, request_id: str, who: Officer) -> dict[str, str]:
    rt = runtime_of(request)
    tracing.send_request(request_id, rt.uow(who.actor), rt.clock, rt.deadlines)
    return {"id": request_id, "status": "sent"}


@router.post("/requests/{request_id}/acknowledge", summary="Acknowledge a request received")
def acknowledge(request: Request, request_id: str, who: Officer) -> dict[str, str]:
    rt = runtime_of(request)
    tracing.acknowledge(request_id, rt.uow(who.actor), rt.clock)
    return {"id": request_id, "status": "acknowledged"}


@router.get("/requests/{request_id}/draft-answer", summary="The answer the registry supports: exactly what is sent")
def drafted(request: Request, request_id: str, who: Officer, weapon_id: OptionalId = None) -> dict[str, Any]:
    rt = runtime_of(request)
    with rt.engine.connect() as conn:
        d = draft_answer(conn, request_id, weapon_id)
    accounts.record_access(who.actor, "tracing:answer:draft", request_id, None, rt.uow(who.actor), rt.clock)
    a = d.answer
    return {
        "answer": {
            "outcome": a.outcome.value,
            "restriction": a.restriction.value if a.restriction else None,
            "failure": a.failure.value if a.failure else None,
            "facts": list(a.facts),
            "next_country": a.next_country,
            "weapon_id": d.weapon_id,
        },
        "notes": list(d.notes),
    }


@router.post(
    "/requests/{request_id}/answer",
    responses=WAITING,
    summary="Answer a request received from another State; one that discloses registry data waits for approval",
)
def answer(request: Request, request_id: str, body: AnswerIn, who: Officer, response: Response) -> dict[str, Any]:
    rt = runtime_of(request)
    cmd = tracing.AnswerRequest(request_id, **{**body.model_dump(), "facts": tuple(body.facts)})
    handled = two_person.answer_or_ask(cmd, rt.uow(who.actor), rt.clock)
    if handled.done:
        return {"id": request_id, "outcome": body.outcome, "status": "sent"}
    response.status_code = 202
    return {"id": request_id, "outcome": body.outcome, "status": "waiting", "approval_id": handled.approval_id}


@router.post("/requests/{request_id}/follow", status_code=201, summary="Follow an answer to the next State")
def follow(request: Request, request_id: str, who: Officer) -> dict[str, str]:
    rt = runtime_of(request)
    return {"id": tracing.follow(request_id, rt.uow(who.actor), rt.clock)}


@router.get("/statistics", summary="Per counterpart and overall: requests, response times, why traces fail")
def stats(request: Request, who: Annotated[Principal, Depends(allow("tracing.statistics"))]) -> dict[str, Any]:
    rt = runtime_of(request)
    with rt.engine.connect() as conn:
        s = statistics_of(conn)

    def figures(c: Any) -> dict[str, Any]:
        ack, ans = c.median_and_p90(c.days_to_acknowledge), c.median_and_p90(c.days_to_answer)
        plain = {k: v for k, v in dataclasses.asdict(c).items() if not k.startswith("days_")}
        return {**plain, "days_to_acknowledge": {"median": ack[0], "p90": ack[1]},
                "days_to_answer": {"median": ans[0], "p90": ans[1]}}  # fmt: skip

    return {
        "overall": figures(s.overall),
        "by_counterpart": [figures(c) for c in s.by_counterpart],
        "failure_reasons": [{"reason": r, "count": n} for r, n in s.failure_reasons],
        "restrictions": [{"reason": r, "count": n} for r, n in s.restrictions],
    }


class PeerIn(BaseModel):
    model_config = Strict
    node_id: str = Field(min_length=1, max_length=40)
    role: str = Field("state", description="state, or hub for an international body")
    address: str = Field(description="The peer's base URL, e.g. https://trace.example.gov")
    public_key: str = Field(description="The peer's Ed25519 public key, base64 (from its GET /exchange/v1/node)")
    country: str | None = None


@router.get("/node", summary="This node's identity and national point of contact (ITI para 25)")
def this_node(request: Request, who: Reader) -> dict[str, Any]:
    rt = runtime_of(request)
    return tracing.node_identity(rt.uow(who.actor))


@router.get("/peers", summary="The nodes this one trusts, with the only key each may sign with")
def peer_list(request: Request, who: Reader) -> list[dict[str, Any]]:
    with runtime_of(request).engine.connect() as conn:
        return [{"node_id": node, "country": country} for node, country in peers(conn)]


@router.post("/peers", status_code=201, summary="Trust another node (or update its address and key)")
def peer_add(
    request: Request, body: PeerIn, who: Annotated[Principal, Depends(allow("node.manage"))]
) -> dict[str, str]:
    rt = runtime_of(request)
    cmd = tracing.AddPeer(body.node_id, body.role, body.address, body.public_key, body.country)
    tracing.add_peer(cmd, rt.uow(who.actor), rt.clock)
    return {"node_id": body.node_id}


@router.get("/outbox", summary="Messages waiting for delivery, with their attempts and last error")
def outbox(request: Request, who: Reader) -> dict[str, Any]:
    with runtime_of(request).engine.connect() as conn:
        waiting = undelivered(conn)
    return {"waiting": [dataclasses.asdict(m) for m in waiting], "count": len(waiting)}
