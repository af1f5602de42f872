"""The dashboard: what needs me today — requests to acknowledge or answer, overdue items, weapons awaiting
their import mark, the registry.

Each card is what its service gives the user; a card whose service refuses them is left out.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from armtrace.services import approvals, exchange, marking, registry, tracing
from armtrace.web.auth import User, runtime_of, unless_refused
from armtrace.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard(request: Request, who: User) -> Response:
    rt = runtime_of(request)
    uow = rt.uow(who)
    recent = unless_refused(lambda: tracing.list_requests(uow, rt.clock, limit=500).items)
    overdue = unless_refused(lambda: tracing.list_requests(uow, rt.clock, only_overdue=True).items)
    incoming = [r for r in recent or [] if r.direction == "incoming"]
    return render(
        request,
        "dashboard.html",
        tracing=recent is not None,
        to_acknowledge=[r for r in incoming if r.status == "sent"],
        to_answer=[r for r in incoming if r.status == "acknowledged"],
        overdue=overdue or [],
        past_acknowledgement=[r for r in overdue or [] if r.direction == "incoming" and r.overdue == "acknowledgement"],
        summary=unless_refused(lambda: registry.summary(uow, top=5)),
        marking=unless_refused(lambda: marking.tasks(uow, rt.clock, per_page=5)),
        waiting=unless_refused(lambda: approvals.waiting(uow)),
        refused=[m for m in unless_refused(lambda: exchange.outbox(uow)) or [] if m.refused_reason],
    )
