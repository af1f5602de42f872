"""/api/v1 for import marking: the weapons awaiting their import mark, and recording it (ITI para 8(b))."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from armtrace.api.auth import Caller, runtime_of
from armtrace.api.errors import PROBLEMS
from armtrace.api.params import PageNumber, PerPage, RecordId
from armtrace.api.registry import RecordedOut, recorded
from armtrace.services import marking
from armtrace.services.marking import MarkImport

router = APIRouter(prefix="/api/v1", tags=["marking"], responses=PROBLEMS)


class ImportMarkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    location: str = Field(description="Where the mark sits: frame, receiver, slide, barrel, ... (required)")
    why: str = Field(description="The marking order or document")
    year: int | None = Field(None, description="The year marked; default the year of import")
    serial: str | None = Field(None, description="The unique serial the mark adds; required when the weapon has none")
    text: str | None = Field(None, description="The mark's text; default '<country> <year> [<serial>]'")


@router.get("/marking/tasks", summary="Weapons awaiting their import mark, oldest first, with their age in days")
def tasks(request: Request, who: Caller, page: PageNumber = 1, per_page: PerPage = 50) -> dict[str, Any]:
    rt = runtime_of(request)
    found = marking.tasks(rt.uow(who), rt.clock, page, per_page)
    items = [dataclasses.asdict(x) for x in found.items]
    return {"items": items, "total": found.total, "page": found.page, "per_page": found.per_page}


@router.post(
    "/weapons/{weapon_id}/import-mark",
    status_code=201,
    summary="Record the import mark a weapon awaits, and its place; closes its marking task (ITI para 8(b))",
)
def import_mark(request: Request, weapon_id: RecordId, body: ImportMarkIn, who: Caller) -> RecordedOut:
    rt = runtime_of(request)
    cmd = MarkImport(weapon_id, body.location, body.why, body.year, body.serial, body.text)
    return recorded(marking.mark_import(cmd, rt.uow(who), rt.clock, rt.policy))
