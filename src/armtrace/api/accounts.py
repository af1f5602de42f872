"""/api/v1 for accounts: who am I, users and tokens (administrators), the access log (auditors)."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from armtrace.api.auth import Caller, runtime_of
from armtrace.api.errors import PROBLEMS
from armtrace.api.params import PageNumber, PerPage, RecordId
from armtrace.services import accounts

router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=PROBLEMS)


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str
    name: str
    password: str = Field(description="At least 12 characters, not containing the user name")
    roles: list[str]


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str
    name: str = Field(description="The system that will use the token")
    days: int = Field(90, ge=1, le=366)


@router.get("/me", summary="Who the credentials speak for, and their roles")
def me(who: Caller) -> dict[str, Any]:
    return {"username": who.actor.id, "name": who.actor.name, "roles": sorted(r.value for r in who.roles)}


@router.get("/users", summary="Users and their roles")
def users(request: Request, who: Caller) -> list[dict[str, Any]]:
    return [dataclasses.asdict(u) for u in accounts.users(runtime_of(request).uow(who))]


@router.post("/users", status_code=201, summary="Create a user with roles")
def add_user(request: Request, body: UserIn, who: Caller) -> dict[str, Any]:
    rt = runtime_of(request)
    cmd = accounts.AddUser(body.username, body.name, body.password, tuple(body.roles))
    return {"id": accounts.add_user(cmd, rt.uow(who), rt.clock), "username": body.username.strip().lower()}


@router.post("/tokens", status_code=201, summary="Create an API token; its secret is in this answer only")
def create_token(request: Request, body: TokenIn, who: Caller) -> dict[str, Any]:
    rt = runtime_of(request)
    token_id, secret = accounts.create_token(
        accounts.CreateToken(body.username, body.name, body.days), rt.uow(who), rt.clock
    )
    return {"id": token_id, "secret": secret}


@router.delete("/tokens/{token_id}", status_code=204, summary="Revoke a token at once")
def revoke_token(request: Request, token_id: RecordId, who: Caller) -> None:
    rt = runtime_of(request)
    accounts.revoke_token(token_id, rt.uow(who), rt.clock)


@router.get("/access-log", summary="Who read or searched what, when: newest first")
def access(
    request: Request,
    who: Caller,
    page: PageNumber = 1,
    per_page: PerPage = 100,
) -> dict[str, Any]:
    rows, total = accounts.access(runtime_of(request).uow(who), page, per_page)
    return {"items": [dataclasses.asdict(r) for r in rows], "total": total, "page": page, "per_page": per_page}
