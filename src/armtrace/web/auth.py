"""Who is at the browser: the session cookie, read into a principal on every page request; CSRF checks."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from armtrace.domain.accounts import Principal
from armtrace.domain.errors import N_, NotPermitted, NotSignedIn
from armtrace.runtime import Runtime
from armtrace.services import accounts
from armtrace.web import sessions


def runtime_of(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def signed_in(request: Request) -> Principal:
    """The signed-in user, with the roles their account holds now; else to the sign-in page."""
    rt = runtime_of(request)
    session = sessions.read(request.cookies.get(sessions.COOKIE), rt.clock.now(), rt.settings.secret_key)
    if session is None:
        raise NotSignedIn("please sign in", hint=N_("your session may have expired"))
    principal = accounts.principal_of(session.username, rt.uow())
    request.state.session, request.state.principal = session, principal
    return principal


User = Annotated[Principal, Depends(signed_in)]


def allowed(permission: str):  # type: ignore[no-untyped-def]
    def check(who: User) -> Principal:
        who.require(permission)
        return who

    return check


async def csrf_checked(request: Request, who: User) -> Principal:
    """A change from the pages must carry the session's form token (header for HTMX, field for forms)."""
    sent = request.headers.get("x-csrf-token") or str((await request.form()).get("csrf") or "")
    if not hmac.compare_digest(sent.encode(), request.state.session.csrf.encode()):
        raise NotPermitted(
            "the form's security token is missing or stale", hint=N_("reload the page and submit the form again")
        )
    return who


Changing = Annotated[Principal, Depends(csrf_checked)]
