"""The exchange endpoints: where peers deliver signed envelopes, and learn this node's identity."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Request

from armtrace.api.errors import PROBLEMS
from armtrace.runtime import Runtime
from armtrace.services import tracing

router = APIRouter(prefix="/exchange/v1", tags=["exchange"], responses=PROBLEMS)


@router.post("/envelopes", status_code=202, summary="Deliver a signed envelope to this node")
def deliver(request: Request, envelope: dict[str, Any] = Body(...)) -> dict[str, str]:  # noqa: B008
    rt: Runtime = request.app.state.runtime
    return {"result": tracing.receive(envelope, rt.uow(), rt.clock)}


@router.get("/node", summary="This node's public identity and point of contact")
def node(request: Request) -> dict[str, Any]:
    rt: Runtime = request.app.state.runtime
    return tracing.node_identity(rt.uow())
