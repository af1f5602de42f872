"""/api/v1/identify: ranked candidates for a recovered weapon's marks as read. Every search is logged."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from armtrace.api.auth import allow, runtime_of
from armtrace.api.errors import PROBLEMS
from armtrace.domain.accounts import Principal
from armtrace.queries.identify import IdentifyQuery, identify
from armtrace.services import accounts

router = APIRouter(prefix="/api/v1", tags=["identify"], responses=PROBLEMS)


class IdentifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    serial: str | None = Field(None, description="As read: '?' for an unreadable character, '*' for a run")
    manufacturer: str | None = Field(None, description="Any name, alias or former name")
    country: str | None = None
    model: str | None = None
    calibre: str | None = None
    category: str | None = None
    limit: int = Field(10, ge=1, le=50)


@router.post("/identify", summary="Identify a weapon from damaged or misread marks")
def identify_weapon(
    request: Request, body: IdentifyIn, who: Annotated[Principal, Depends(allow("identify.search"))]
) -> dict[str, Any]:
    rt = runtime_of(request)
    asked = body.model_dump(exclude_none=True)
    accounts.record_access(who.actor, "identify:search", None, asked, rt.uow(who.actor), rt.clock)
    with rt.engine.connect() as conn:
        found = identify(conn, IdentifyQuery(**asked))
    return dataclasses.asdict(found)
