"""Identify a recovered weapon: type the marks as read, get ranked candidates with the explanation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from armtrace.domain.accounts import Principal
from armtrace.domain.errors import RuleViolation
from armtrace.queries.identify import IdentifyQuery, identify
from armtrace.services import accounts
from armtrace.web.auth import allowed, csrf_checked, runtime_of
from armtrace.web.render import render

router = APIRouter(include_in_schema=False)
FIELDS = ("serial", "manufacturer", "model", "calibre", "category", "country")


@router.get("/identify")
def identify_form(request: Request, who: Annotated[Principal, Depends(allowed("identify.search"))]) -> Response:
    return render(request, "identify/identify.html", asked=dict.fromkeys(FIELDS, ""), found=None, error=None)


@router.post("/identify")
def identify_marks(
    request: Request,
    who: Annotated[Principal, Depends(allowed("identify.search"))],
    checked: Annotated[Principal, Depends(csrf_checked)],
    serial: Annotated[str, Form()] = "",
    manufacturer: Annotated[str, Form()] = "",
    model: Annotated[str, Form()] = "",
    calibre: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    country: Annotated[str, Form()] = "",
) -> Response:
    rt = runtime_of(request)
    asked = {"serial": serial, "manufacturer": manufacturer, "model": model, "calibre": calibre,
             "category": category, "country": country}  # fmt: skip
    given = {k: v.strip() for k, v in asked.items() if v.strip()}
    found, error = None, None
    try:
        with rt.engine.connect() as conn:
            found = identify(conn, IdentifyQuery(**given))  # type: ignore[arg-type]
    except RuleViolation as exc:
        error = exc
    accounts.record_access(who.actor, "identify:search", None, given, rt.uow(who.actor), rt.clock)
    return render(request, "identify/identify.html", status_code=422 if error else 200, asked=asked, found=found,
                  error=error)  # fmt: skip
