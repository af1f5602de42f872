"""The dashboard: what needs me today — requests to acknowledge or answer, overdue items, the registry."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from armtrace.queries.approvals import approvals
from armtrace.queries.registry import registry_summary
from armtrace.queries.tracing import list_requests
from armtrace.web.auth import User, runtime_of
from armtrace.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard(request: Request, who: User) -> Response:
    rt = runtime_of(request)
    now = rt.clock.now()
    with rt.engine.connect() as conn:
        tracing = list_requests(conn, now, limit=500) if who.may("tracing.read") else []
        overdue = list_requests(conn, now, only_overdue=True) if who.may("tracing.read") else []
        summary = registry_summary(conn, top=5) if who.may("registry.read") else None
        waiting = approvals(conn) if who.may("approvals.decide") else []
    incoming = [r for r in tracing if r.direction == "incoming"]
    return render(
        request,
        "dashboard.html",
        to_acknowledge=[r for r in incoming if r.status == "sent"],
        to_answer=[r for r in incoming if r.status == "acknowledged"],
        overdue=overdue,
        summary=summary,
        waiting=waiting,
    )
