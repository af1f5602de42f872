"""/api/v1 for the registry: weapons, their lifecycle events and corrections, and the integrity check."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from armtrace.api.auth import Caller, runtime_of
from armtrace.api.errors import PROBLEMS, WAITING
from armtrace.api.params import MAX_ID, PageNumber, PerPage, RecordId
from armtrace.domain.records import AddWeapon, EventInput
from armtrace.queries.registry import WeaponFilter
from armtrace.services import anchors, integrity, registry

router = APIRouter(prefix="/api/v1", tags=["registry"], responses=PROBLEMS)
Strict = ConfigDict(extra="forbid")


class MarkIn(BaseModel):
    model_config = Strict
    kind: str = Field(description="manufacture, import, state, assigned, confiscation, deactivation, secondary")
    location: str = Field(description="frame, receiver, barrel, slide, ...")
    text: str = ""
    country: str | None = None
    year: int | None = None
    manufacturer: str | None = None
    serial: str | None = None


class EventIn(BaseModel):
    model_config = Strict
    type: str = Field(description="manufactured, imported, transferred, stock_in, lost, stolen, ...")
    why: str = Field(description="The legal authority or document: licence, order, report number")
    occurred_at: datetime | None = Field(None, description="When it happened, with its time zone (default now)")
    country: str | None = None
    place: str | None = None
    who: str | None = None
    holder: str | None = None
    counterpart_country: str | None = None
    facility: str | None = None
    marks: list[MarkIn] = []
    state_to_civilian: bool = False
    note: str | None = None
    temporary: str | None = Field(
        None,
        description="An import only: why it is temporary (e.g. a competition, with re-export); exempt from marking",
    )

    def command(self) -> EventInput:
        values = self.model_dump(exclude={"marks"})
        return EventInput(**values, marks=tuple(m.model_dump(exclude_none=True) for m in self.marks))


class DescriptionIn(BaseModel):
    model_config = Strict
    category: str
    manufacturer: str | None = None
    model: str | None = None
    serial: str | None = None
    calibre: str | None = None
    year_of_manufacture: int | None = None
    country_of_manufacture: str | None = None
    marking_condition: str | None = None
    origin: str | None = None


class WeaponIn(BaseModel):
    model_config = Strict
    description: DescriptionIn
    first_event: EventIn
    allow_unlisted_manufacturer: bool = False


class RecordedOut(BaseModel):
    weapon_id: int
    seq: int
    status: str
    notes: list[str] = []


def recorded(r: registry.Recorded) -> RecordedOut:
    return RecordedOut(weapon_id=r.weapon_id, seq=r.seq, status=r.state.status.value, notes=list(r.notes))


@router.get("/weapons", summary="Find weapons; holders' names only for roles that may read them")
def weapons(
    request: Request,
    who: Caller,
    serial: Annotated[str | None, Query(description="A prefix of the serial")] = None,
    manufacturer: Annotated[str | None, Query(description="A reference id, e.g. fn-herstal")] = None,
    status: str | None = None,
    category: str | None = None,
    flagged: bool | None = None,
    awaiting_marking: Annotated[
        bool | None, Query(description="Imported weapons awaiting their import mark (ITI para 8(b))")
    ] = None,
    page: PageNumber = 1,
    per_page: PerPage = 50,
) -> dict[str, Any]:
    f = WeaponFilter(serial, manufacturer, status, category, flagged, awaiting_marking=awaiting_marking)
    found = registry.find_weapons(f, runtime_of(request).uow(who), page, per_page)
    items = [dataclasses.asdict(w) for w in found.items]
    return {"items": items, "total": found.total, "page": found.page, "per_page": found.per_page}


@router.get("/weapons/{weapon_id}", summary="A weapon: identity, marks, ITI marking check and timeline")
def weapon(request: Request, weapon_id: RecordId, who: Caller) -> dict[str, Any]:
    return dataclasses.asdict(registry.show_weapon(weapon_id, runtime_of(request).uow(who)))


@router.post("/weapons", status_code=201, summary="Record a weapon and the event that brings it into the registry")
def add(request: Request, body: WeaponIn, who: Caller) -> RecordedOut:
    rt = runtime_of(request)
    description = body.description.model_dump(exclude_none=True)
    cmd = AddWeapon(description, body.first_event.command(), body.allow_unlisted_manufacturer)
    return recorded(registry.add_weapon(cmd, rt.uow(who), rt.clock, rt.policy))


@router.post("/weapons/{weapon_id}/events", status_code=201, summary="Record one event in a weapon's life")
def add_event(request: Request, weapon_id: RecordId, body: EventIn, who: Caller) -> RecordedOut:
    rt = runtime_of(request)
    cmd = registry.RecordEvent(weapon_id, body.command())
    return recorded(registry.record_event(cmd, rt.uow(who), rt.clock, rt.policy))


class CorrectionIn(BaseModel):
    model_config = Strict
    corrects: int = Field(ge=1, le=MAX_ID, description="The number (seq) of the event corrected")
    why: str = Field(description="Why the record was wrong")
    void: bool = False
    changes: dict[str, Any] = Field(default_factory=dict, description="Facts restated, e.g. {'holder': 'Unit 4'}")


@router.post(
    "/weapons/{weapon_id}/corrections",
    status_code=201,
    responses=WAITING,
    summary="Correct an event by a new one that names it; a change of holder waits for a second person",
)
def correct(
    request: Request, weapon_id: RecordId, body: CorrectionIn, who: Caller, response: Response
) -> dict[str, Any]:
    rt = runtime_of(request)
    cmd = registry.CorrectEvent(weapon_id, body.corrects, body.why, body.void, body.changes)
    handled = registry.correct_event(cmd, rt.uow(who), rt.clock, rt.policy)
    if handled.done:
        return {"weapon_id": weapon_id, "status": "corrected"}
    response.status_code = 202
    return {"weapon_id": weapon_id, "status": "waiting", "approval_id": handled.approval_id}


class StateMarkIn(BaseModel):
    model_config = Strict
    country: str = Field(description="The State giving the mark, ISO 3166 alpha-3")
    why: str = Field(description="The decision under which the weapon is marked")
    location: str = "frame"
    text: str | None = Field(None, description="The mark's text; default '<country> <year> A<id>'")


@router.post(
    "/weapons/{weapon_id}/state-mark",
    status_code=201,
    summary="The State marks an unmarked, obliterated or craft-made weapon (ITI, section on marking)",
)
def state_mark(request: Request, weapon_id: RecordId, body: StateMarkIn, who: Caller) -> RecordedOut:
    rt = runtime_of(request)
    cmd = registry.AssignMark(weapon_id, body.country, body.why, body.location, body.text)
    return recorded(registry.assign_mark(cmd, rt.uow(who), rt.clock, rt.policy))


@router.get("/verifications/last", summary="The last run of verify, and of the anchors' check: when, by whom, findings")
def last_verification(request: Request, who: Caller) -> dict[str, Any]:
    uow = runtime_of(request).uow(who)
    return {"store": integrity.last_verification(uow), "anchors": integrity.last_verification(uow, scope="anchors")}


@router.get("/anchors", summary="Who holds which of this node's chain heads, since when; and those kept for peers")
def anchors_overview(request: Request, who: Caller) -> dict[str, Any]:
    lodged, held = anchors.overview(runtime_of(request).uow(who))
    return {"lodged": [dataclasses.asdict(a) for a in lodged], "held": [dataclasses.asdict(a) for a in held]}


@router.post("/anchors", status_code=202, summary="Lodge this node's signed chain heads with every peer now")
def lodge_anchors(request: Request, who: Caller) -> dict[str, Any]:
    rt = runtime_of(request)
    return {"peers": anchors.lodge(rt.uow(who), rt.clock, every=None)}


@router.get("/verify", summary="Recompute the hash chains and every projection; every finding, by kind")
def verify(request: Request, who: Caller) -> dict[str, Any]:
    rt = runtime_of(request)
    report = integrity.verify(rt.uow(who), rt.policy)
    body = {k: v for k, v in dataclasses.asdict(report).items() if k != "counts"}
    chain = report.chain_break
    return {**body, "ok": report.ok, "by_kind": report.by_kind, "bad_events": report.bad_events,
            "chain_break": dataclasses.asdict(chain) if chain else None,
            "projection_errors": report.projection_errors}  # fmt: skip
