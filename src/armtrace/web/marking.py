"""The marking bench's page: weapons awaiting their import mark, oldest first with their age, each with a
small form to record the mark and its place (ITI para 8(b)). A refused mark is shown on the same page,
with what was typed kept."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from armtrace.domain.errors import ArmtraceError, response_for
from armtrace.domain.markings import Location
from armtrace.services import marking
from armtrace.services.marking import MarkImport
from armtrace.web.auth import Changing, User, runtime_of
from armtrace.web.params import PageNumber, RecordId
from armtrace.web.render import render

router = APIRouter(include_in_schema=False)
LOCATIONS = tuple(x.value for x in Location)


def _page(request: Request, who: User, page: int, status: int = 200, **typed: object) -> Response:
    rt = runtime_of(request)
    found = marking.tasks(rt.uow(who), rt.clock, page, 50)
    return render(request, "marking/tasks.html", status_code=status, found=found, locations=LOCATIONS, **typed)


@router.get("/marking")
def tasks(request: Request, who: User, page: PageNumber = 1) -> Response:
    return _page(request, who, page, error=None, failed=None, typed={})


@router.post("/marking/{weapon_id}/mark")
def mark(
    request: Request,
    weapon_id: RecordId,
    who: Changing,
    location: Annotated[str, Form()] = "",
    why: Annotated[str, Form()] = "",
    year: Annotated[str, Form()] = "",
    serial: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> Response:
    rt = runtime_of(request)
    typed = {"location": location, "why": why, "year": year, "serial": serial, "text": text}
    try:
        given_year = int(year) if year.strip() else None
    except ValueError:
        given_year = -1  # refused by the service, in the reader's language, with the rest
    cmd = MarkImport(weapon_id, location, why, given_year, serial or None, text or None)
    try:
        marking.mark_import(cmd, rt.uow(who), rt.clock, rt.policy)
    except ArmtraceError as exc:
        return _page(request, who, 1, response_for(exc)[0], error=exc, failed=weapon_id, typed=typed)
    return RedirectResponse(f"/marking?marked={weapon_id}", status_code=303)
