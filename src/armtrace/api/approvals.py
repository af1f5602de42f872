"""/api/v1/approvals: acts waiting for a second authorized user, approved (and carried out) or rejected."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from armtrace.api.auth import Caller, runtime_of
from armtrace.api.errors import PROBLEMS
from armtrace.api.params import RecordId
from armtrace.services import approvals

router = APIRouter(prefix="/api/v1/approvals", tags=["approvals"], responses=PROBLEMS)


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(description="Why: the one who asked reads it")


@router.get("", summary="Acts waiting for a second person's approval")
def waiting(request: Request, who: Caller) -> list[dict[str, Any]]:
    return [dataclasses.asdict(a) for a in approvals.waiting(runtime_of(request).uow(who))]


@router.post("/{approval_id}/approve", summary="Approve a waiting act, which is then carried out")
def approve(request: Request, approval_id: RecordId, who: Caller) -> dict[str, Any]:
    rt = runtime_of(request)
    status = approvals.decide(approval_id, True, None, rt.uow(who), rt.clock, rt.policy)
    return {"id": approval_id, "status": status}


@router.post("/{approval_id}/reject", summary="Reject a waiting act, saying why")
def reject(request: Request, approval_id: RecordId, body: RejectIn, who: Caller) -> dict[str, Any]:
    rt = runtime_of(request)
    status = approvals.decide(approval_id, False, body.note, rt.uow(who), rt.clock, rt.policy)
    return {"id": approval_id, "status": status}
