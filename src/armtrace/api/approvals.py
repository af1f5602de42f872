"""/api/v1/approvals: acts waiting for a second authorized user, approved (and carried out) or rejected."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from armtrace.api.auth import allow, runtime_of
from armtrace.api.errors import PROBLEMS
from armtrace.api.params import RecordId
from armtrace.domain.accounts import Principal
from armtrace.queries.approvals import approvals
from armtrace.services import approvals as two_person

router = APIRouter(prefix="/api/v1/approvals", tags=["approvals"], responses=PROBLEMS)
Decider = Annotated[Principal, Depends(allow("approvals.decide"))]


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(description="Why: the one who asked reads it")


@router.get("", summary="Acts waiting for a second person's approval")
def waiting(request: Request, who: Decider) -> list[dict[str, Any]]:
    with runtime_of(request).engine.connect() as conn:
        return [dataclasses.asdict(a) for a in approvals(conn)]


@router.post("/{approval_id}/approve", summary="Approve a waiting act, which is then carried out")
def approve(request: Request, approval_id: RecordId, who: Decider) -> dict[str, Any]:
    rt = runtime_of(request)
    status = two_person.decide(approval_id, True, None, who, rt.uow, rt.clock, rt.policy)
    return {"id": approval_id, "status": status}


@router.post("/{approval_id}/reject", summary="Reject a waiting act, saying why")
def reject(request: Request, approval_id: RecordId, body: RejectIn, who: Decider) -> dict[str, Any]:
    rt = runtime_of(request)
    status = two_person.decide(approval_id, False, body.note, who, rt.uow, rt.clock, rt.policy)
    return {"id": approval_id, "status": status}
