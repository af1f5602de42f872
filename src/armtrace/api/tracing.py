"""/api/v1/trace: tracing requests sent and received, their answers drafted from the registry, statistics.
This node's identity, its peers and its outbox are the exchange's (api/exchange.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
from fastapi import APIRouter, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from armtrace.api.auth import Caller, runtime_of
from armtrace.api.errors import PROBLEMS, WAITING
from armtrace.api.params import MAX_ID, OptionalId, PageNumber, PerPage
from armtrace.queries.tracing import Counterpart
from armtrace.services import photographs, tracing

router = APIRouter(prefix="/api/v1/trace", tags=["tracing"], responses=PROBLEMS)
Strict = ConfigDict(extra="forbid")


class MarkingsIn(BaseModel):
    model_config = Strict
    manufacturer: str | None = None
    serial: str | None = None
    country_of_manufacture: str | None = None
    model: str | None = None
    last_import_country: str | None = None
    serial_obliterated: bool = False
    unreadable: list[str] = Field(
        [], description="Elements the marks cannot show (manufacturer, model, serial, country): photographs stand in"
    )
    craft_made: bool = Field(False, description="Never marked: photographs stand in for what the marks would show")


class RequestIn(BaseModel):
    model_config = Strict
    bases: list[str] = Field(description="Grounds of illicitness, ITI para 6: a, b, c, d, e")
    legal_justification: str
    circumstances: str
    markings: MarkingsIn
    category: str | None = None
    calibre: str | None = None
    intended_use: str = Field(
        description="ITI para 17(c): criminal_investigation, prosecution, intelligence_analysis, "
        "stockpile_or_loss_investigation, administrative_or_licensing_inquiry, other"
    )
    intended_use_detail: str = Field("", description="The use in words; required for 'other'")
    priority: str = "routine"
    urgency_reason: str | None = None
    photographs: list[str] = []
    requested: str | None = Field(None, description="The peer to ask (default: the State the marks point to)")
    weapon_id: int | None = Field(None, ge=1, le=MAX_ID)

    def command(self) -> tracing.DraftRequest:
        return tracing.DraftRequest.of(self.model_dump())


class AnswerIn(BaseModel):
    model_config = Strict
    outcome: str = Field(description="traced, partially_traced, not_traced, delayed, refused")
    restriction: str | None = Field(None, description="criminal_investigation, confidentiality_law, national_security")
    failure: str | None = Field(None, description="The coded reason a trace failed (FACTS 4.3)")
    facts: list[str] = []
    next_country: str | None = None
    weapon_id: int | None = Field(None, ge=1, le=MAX_ID)

    def command(self, request_id: str) -> tracing.AnswerRequest:
        return tracing.AnswerRequest(request_id, **self.model_dump(exclude={"facts"}), facts=tuple(self.facts))


@router.get("/requests", summary="Requests sent and received, newest first, overdue ones flagged")
def requests(
    request: Request,
    who: Caller,
    overdue: bool = False,
    page: PageNumber = 1,
    per_page: PerPage = 50,
) -> dict[str, Any]:
    rt = runtime_of(request)
    found = tracing.list_requests(rt.uow(who), rt.clock, overdue, per_page, (page - 1) * per_page)
    items = [dataclasses.asdict(r) for r in found.items]
    return {"items": items, "total": found.total, "page": page, "per_page": per_page}


@router.get("/requests/{request_id}", summary="A request, its chain State by State, its answer and timed acts")
def one(request: Request, request_id: str, who: Caller) -> dict[str, Any]:
    rt = runtime_of(request)
    return tracing.show_request(request_id, rt.uow(who), rt.clock).request


@router.post("/requests", status_code=201, summary="Draft a request; every missing ITI element is listed at once")
def draft(request: Request, body: RequestIn, who: Caller) -> dict[str, str]:
    rt = runtime_of(request)
    return {"id": tracing.draft_request(body.command(), rt.uow(who), rt.clock)}


@router.post("/requests/{request_id}/send", summary="Send a drafted request; its deadlines start")
def send(request: Request, request_id: str, who: Caller) -> dict[str, str]:
    rt = runtime_of(request)
    tracing.send_request(request_id, rt.uow(who), rt.clock, rt.deadlines)
    return {"id": request_id, "status": "sent"}


@router.post("/requests/{request_id}/acknowledge", summary="Acknowledge a request received")
def acknowledge(request: Request, request_id: str, who: Caller) -> dict[str, str]:
    rt = runtime_of(request)
    tracing.acknowledge(request_id, rt.uow(who), rt.clock)
    return {"id": request_id, "status": "acknowledged"}


@router.get("/requests/{request_id}/draft-answer", summary="The answer the registry supports: exactly what is sent")
def drafted(request: Request, request_id: str, who: Caller, weapon_id: OptionalId = None) -> dict[str, Any]:
    d = tracing.draft_answer(request_id, runtime_of(request).uow(who), weapon_id)
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
def answer(request: Request, request_id: str, body: AnswerIn, who: Caller, response: Response) -> dict[str, Any]:
    rt = runtime_of(request)
    handled = tracing.answer(body.command(request_id), rt.uow(who), rt.clock)
    if handled.done:
        return {"id": request_id, "outcome": body.outcome, "status": "sent"}
    response.status_code = 202
    return {"id": request_id, "outcome": body.outcome, "status": "waiting", "approval_id": handled.approval_id}


@router.post("/photographs", status_code=201, summary="Attach a photograph or scan; a request carries its reference")
def attach(request: Request, file: UploadFile, who: Caller) -> dict[str, str]:
    rt = runtime_of(request)
    data = file.file.read(photographs.MAX_PHOTOGRAPH + 1)
    ref = photographs.attach(file.filename or "photograph", file.content_type or "", data, rt.uow(who), rt.clock)
    return {"reference": ref}


@router.get(
    "/requests/{request_id}/photographs/{sha256}",
    summary="A photograph of a request: held here, or fetched from the requesting State and checked by its hash",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "application/pdf": {}}}},
)
def photograph(request: Request, request_id: str, sha256: str, who: Caller) -> Response:
    rt = runtime_of(request)
    with httpx.Client() as client:
        p = photographs.photograph(request_id, sha256, rt.uow(who), rt.clock, client)
    return Response(p.data, media_type=p.media_type)


class WithdrawIn(BaseModel):
    model_config = Strict
    why: str = Field(description="Why the request is withdrawn: the requested State reads it")


@router.post(
    "/requests/{request_id}/withdraw", summary="Withdraw a request this node sent; the requested State is told"
)
def withdraw(request: Request, request_id: str, body: WithdrawIn, who: Caller) -> dict[str, str]:
    rt = runtime_of(request)
    tracing.withdraw(request_id, body.why, rt.uow(who), rt.clock)
    return {"id": request_id, "status": "withdrawn"}


@router.post("/requests/{request_id}/follow", status_code=201, summary="Follow an answer to the next State")
def follow(request: Request, request_id: str, who: Caller) -> dict[str, str]:
    rt = runtime_of(request)
    return {"id": tracing.follow(request_id, rt.uow(who), rt.clock)}


@router.get("/statistics", summary="Per counterpart and overall: requests, response times, why traces fail")
def statistics(request: Request, who: Caller) -> dict[str, Any]:
    s = tracing.statistics(runtime_of(request).uow(who))
    return {
        "overall": _figures(s.overall),
        "by_counterpart": [_figures(c) for c in s.by_counterpart],
        "failure_reasons": [{"reason": r, "count": n} for r, n in s.failure_reasons],
        "restrictions": [{"reason": r, "count": n} for r, n in s.restrictions],
    }


def _figures(c: Counterpart) -> dict[str, Any]:
    ack, ans = c.median_and_p90(c.days_to_acknowledge), c.median_and_p90(c.days_to_answer)
    plain = {k: v for k, v in dataclasses.asdict(c).items() if not k.startswith("days_")}
    return {**plain, "days_to_acknowledge": {"median": ack[0], "p90": ack[1]},
            "days_to_answer": {"median": ans[0], "p90": ans[1]}}  # fmt: skip
