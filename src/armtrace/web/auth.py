"""Who is at the browser: the session cookie, read into a principal on every page request; CSRF checks.

A page authenticates its user and nothing more: what the user may see or do is checked by
the service the page calls with `rt.uow(who)` (services/door.py).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from armtrace.domain.accounts import NOBODY, Principal
from armtrace.domain.errors import N_, NotPermitted, NotSignedIn
from armtrace.runtime import Runtime
from armtrace.services import accounts
from armtrace.web import sessions

T = TypeVar("T")


def runtime_of(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def signed_in(request: Request) -> Principal:
    """The signed-in user, with the roles their account holds now; else to the sign-in page."""
    rt = runtime_of(request)
    session = sessions.read(request.cookies.get(sessions.COOKIE), rt.clock.now(), rt.settings.secret_key)
    if session is None:
        raise NotSignedIn("please sign in", hint=N_("your session may have expired"))
    principal = accounts.principal_of(session.username, rt.uow(NOBODY))
    request.state.session, request.state.principal = session, principal
    return principal


User = Annotated[Principal, Depends(signed_in)]


async def csrf_checked(request: Request, who: User) -> Principal:
    """A change from the pages must carry the session's form token (header for HTMX, field for forms)."""
    sent = request.headers.get("x-csrf-token") or str((await request.form()).get("csrf") or "")
    if not hmac.compare_digest(sent.encode(), request.state.session.csrf.encode()):
        raise NotPermitted(
            "the form's security token is missing or stale", hint=N_("reload the page and submit the form again")
        )
    return who


Changing = Annotated[Principal, Depends(csrf_checked)]


def unless_refused(read: Callable[[], T]) -> T | None:
    """A part of a page that not every user sees (a dashboard's card, an answer's draft): what its service
    gives this user, or nothing when the service refuses them. The service decides, the page only omits."""
    try:
        return read()
    except NotSignedIn:
        raise
    except NotPermitted:
        return None
