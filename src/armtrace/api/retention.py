"""/api/v1/retention: records past their retention period, and asking to destroy them (two people)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from armtrace.api.auth import Caller, runtime_of
from armtrace.api.errors import PROBLEMS
from armtrace.api.params import MAX_ID
from armtrace.services import retention

router = APIRouter(prefix="/api/v1/retention", tags=["retention"], responses=PROBLEMS)


@router.get("/due", summary="Weapons past their retention date that have left the territory")
def due(request: Request, who: Caller) -> dict[str, Any]:
    rt = runtime_of(request)
    ids = retention.due(rt.uow(who), rt.clock)
    return {"weapon_ids": ids, "count": len(ids)}


class PurgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weapon_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=10_000)
    why: str = Field(description="The decision that orders the destruction of these records")


@router.post(
    "/purge",
    status_code=202,
    summary="Ask to archive and remove records past retention; a second person's approval carries it out",
)
def purge(request: Request, body: PurgeIn, who: Caller) -> dict[str, Any]:
    rt = runtime_of(request)
    cmd = retention.PurgeRecords(tuple(body.weapon_ids), body.why, Path(rt.settings.archive_dir).resolve())
    handled = retention.purge(cmd, rt.uow(who), rt.clock)
    return {"status": "waiting", "approval_id": handled.approval_id}
