"""Signing in and out of the pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from armtrace.domain.accounts import NOBODY
from armtrace.domain.errors import NotPermitted
from armtrace.services import accounts
from armtrace.web import sessions
from armtrace.web.auth import Changing, runtime_of
from armtrace.web.render import local, render

router = APIRouter(include_in_schema=False)


@router.get("/signin")
def signin_form(request: Request, next: str = "/") -> Response:
    return render(request, "accounts/signin.html", next=local(next), username="", error=None)


@router.post("/signin")
def signin(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    rt = runtime_of(request)
    try:
        principal = accounts.sign_in(username, password, rt.uow(NOBODY), rt.clock)
    except NotPermitted as exc:  # wrong password or locked: either way the browser is not signed in (401)
        return render(request, "accounts/signin.html", status_code=401, next=local(next), username=username, error=exc)
    cookie, _ = sessions.issue(principal.actor.id, rt.clock.now(), rt.settings.session_hours, rt.settings.secret_key)
    response = RedirectResponse(local(next), status_code=303)
    response.set_cookie(
        sessions.COOKIE,
        cookie,
        max_age=rt.settings.session_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=rt.settings.environment != "development",
    )
    return response


@router.post("/signout")
def signout(request: Request, who: Changing) -> Response:
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(sessions.COOKIE)
    return response
