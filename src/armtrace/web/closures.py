"""The businesses page: closures pending with their differences, and a form to explain each; the
explanation waits for a second person on the dashboard's approvals (ITI para 13, two-person rule)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from armtrace.services import closures
from armtrace.web.auth import Changing, User, runtime_of
from armtrace.web.params import MAX_ID
from armtrace.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/businesses")
def businesses(request: Request, who: User, name: str = "", asked: int | None = None) -> Response:
    uow = runtime_of(request).uow(who)
    shown = [closures.show_business(name, uow)] if name.strip() else closures.pending(uow)
    return render(request, "closures/businesses.html", shown=shown, name=name, asked=asked)


@router.post("/businesses/explain")
def explain(
    request: Request,
    who: Changing,
    business: Annotated[str, Form(min_length=1, max_length=300)],
    weapon_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    why: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    rt = runtime_of(request)
    handled = closures.explain_difference(closures.ExplainDifference(business, weapon_id, why), rt.uow(who), rt.clock)
    return RedirectResponse(f"/businesses?asked={handled.approval_id}", status_code=303)
