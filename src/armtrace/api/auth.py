"""Who is calling the API: a bearer token; and what they may do.

Each route names one permission of the table in domain/accounts.py with `allow(...)`; the
route then runs with the caller as the actor of its unit of work, so the change log and the
access log name them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from armtrace.domain.accounts import Principal
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
        return accounts.principal_for_token(header[7:].strip(), rt.uow(), rt.clock)
    raise NotSignedIn(
        "this needs an API token",
        hint=N_("send 'Authorization: Bearer <token>' (create one with 'armtrace token create')"),
    )


def allow(permission: str) -> Callable[..., Principal]:
    """A dependency that lets the request through only if the caller holds `permission`."""

    def check(who: Annotated[Principal, Depends(caller)]) -> Principal:
        who.require(permission)
        return who

    check.permission = permission  # type: ignore[attr-defined]  # read by the permission-table test
    return check
