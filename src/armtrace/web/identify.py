"""Identify a recovered weapon: type the marks as read, get ranked candidates with the explanation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from armtrace.domain.errors import ArmtraceError, response_for
from armtrace.queries.identify import IdentifyQuery
from armtrace.services import identify
from armtrace.web.auth import Changing, User, runtime_of
from armtrace.web.render import render

router = APIRouter(include_in_schema=False)
FIELDS = ("serial", "manufacturer", "model", "calibre", "category", "country")


@router.get("/identify")
def identify_form(request: Request, who: User) -> Response:
    return render(request, "identify/identify.html", asked=dict.fromkeys(FIELDS, ""), found=None, error=None)


@router.post("/identify")
def identify_marks(
    request: Request,
    who: Changing,
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
    given = {k: v.strip() or None for k, v in asked.items()}
    q = IdentifyQuery(given["serial"], given["manufacturer"], given["country"], given["model"], given["calibre"],
                      given["category"])  # fmt: skip
    try:
        found = identify.identify(q, rt.uow(who))
    except ArmtraceError as exc:  # the marks as typed stay in the form, with what would help
        return render(request, "identify/identify.html", status_code=response_for(exc)[0], asked=asked, found=None,
                      error=exc)  # fmt: skip
    return render(request, "identify/identify.html", asked=asked, found=found, error=None)
