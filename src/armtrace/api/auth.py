"""Who is calling the API: the principal behind a bearer token, and the unit of work acting for them.

A route authenticates its caller and nothing more: it hands `rt.uow(who)` to one service,
and the service checks the permission, writes the access log and applies the
two-person rule (services/door.py), so the change log and the access log name the caller.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from armtrace.domain.accounts import NOBODY, Principal
from armtrace.domain.errors import N_, NotSignedIn
from armtrace.runtime import Runtime
from armtrace.services import accounts


def runtime_of(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def caller(request: Request) -> Principal:
    """The principal behind the request's bearer token. The API takes no cookies, so a page elsewhere
    cannot make a signed-in browser call it (CSRF)."""
    rt = runtime_of(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return accounts.principal_for_token(header[7:].strip(), rt.uow(NOBODY), rt.clock)
    raise NotSignedIn(
        "this needs an API token",
        hint=N_("send 'Authorization: Bearer <token>' (create one with 'armtrace token create')"),
    )


Caller = Annotated[Principal, Depends(caller)]
