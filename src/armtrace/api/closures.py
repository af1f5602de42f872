"""/api/v1/businesses: a manufacturer or dealer closes and its books pass to the State (ITI para 13); the
differences between its books and the registry, each explained by one person and approved by a second."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from armtrace.api.auth import Caller, runtime_of
from armtrace.api.errors import PROBLEMS, WAITING
from armtrace.api.params import RecordId
from armtrace.domain.errors import N_, RuleViolation
from armtrace.services import closures
from armtrace.services.importing import records

router = APIRouter(prefix="/api/v1/businesses", tags=["closures"], responses=PROBLEMS)
Name = Annotated[str, Path(min_length=1, max_length=300, description="The business's name, as recorded")]


class ExplanationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    why: str = Field(description="What became of the weapon, e.g. 'sold to X under permit P, permit on file'")


@router.post(
    "/closures",
    status_code=201,
    summary="A manufacturer or dealer closes: its books (JSON Lines) are taken in and reconciled with the registry",
)
def close_business(
    request: Request,
    records_file: Annotated[UploadFile, File(alias="records", description="The books, as JSON Lines")],
    who: Caller,
    name: Annotated[str, Form()],
    kind: Annotated[str, Form(description="manufacturer or dealer")],
    closed_on: Annotated[date, Form()],
    why: Annotated[str, Form(description="The decision or law under which its records pass to the State")],
    country: Annotated[str | None, Form()] = None,
    licence: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    rt = runtime_of(request)
    try:
        text = records_file.file.read().decode("utf-8")
    except UnicodeDecodeError:
        raise RuleViolation("the records file is not UTF-8 text", hint=N_("send JSON Lines in UTF-8")) from None
    books = records.read_records(text, records_file.filename or "records")
    cmd = closures.CloseBusiness(name, kind, closed_on, why, country, licence)
    done = closures.close_business(cmd, books, rt.uow(who), rt.clock, rt.policy)
    return {"business_id": done.business_id, "status": done.status.value, "records": done.load.loaded,
            "events": done.load.events, "already_registered": len(done.load.duplicates), "books": done.books,
            "differences": [dataclasses.asdict(d) for d in done.differences]}  # fmt: skip


@router.get("/{business}", summary="A business with its closure: the books' reconciliation and each difference")
def show(request: Request, business: Name, who: Caller) -> dict[str, Any]:
    detail = closures.show_business(business, runtime_of(request).uow(who))
    return {**dataclasses.asdict(detail), "unexplained": detail.unexplained}


@router.post(
    "/{business}/differences/{weapon_id}/explanation",
    status_code=202,
    responses=WAITING,
    summary="Explain a difference of a closing business; it waits for a second person's approval",
)
def explain(request: Request, business: Name, weapon_id: RecordId, body: ExplanationIn, who: Caller) -> dict[str, Any]:
    rt = runtime_of(request)
    handled = closures.explain_difference(
        closures.ExplainDifference(business, weapon_id, body.why), rt.uow(who), rt.clock
    )
    return {"status": "waiting", "approval_id": handled.approval_id}
