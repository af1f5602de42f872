"""/api/v1/identify: ranked candidates for a recovered weapon's marks as read. Every search is logged."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from armtrace.api.auth import Caller, runtime_of
from armtrace.api.errors import PROBLEMS
from armtrace.queries.identify import IdentifyQuery
from armtrace.services import identify

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
def identify_weapon(request: Request, body: IdentifyIn, who: Caller) -> dict[str, Any]:
    found = identify.identify(IdentifyQuery(**body.model_dump()), runtime_of(request).uow(who))
    return dataclasses.asdict(found)
