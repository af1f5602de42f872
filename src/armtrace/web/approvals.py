"""The two-person rule on the pages: a second authorized user approves a waiting act (which is then
carried out) or rejects it, saying why; the one who asked reads the decision."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from armtrace.services import approvals
from armtrace.web.auth import Changing, runtime_of
from armtrace.web.params import RecordId
from armtrace.web.render import local

router = APIRouter(include_in_schema=False)


@router.post("/approvals/{approval_id}/{decision}")
def decide(
    request: Request,
    approval_id: RecordId,
    decision: Literal["approve", "reject"],
    who: Changing,
    note: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/",
) -> Response:
    rt = runtime_of(request)
    approvals.decide(approval_id, decision == "approve", note or None, rt.uow(who), rt.clock, rt.policy)
    return RedirectResponse(local(back), status_code=303)
