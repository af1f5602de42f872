"""/api/v1 for the registry: weapons, their lifecycle events, imports, and the integrity check."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from armtrace.api.auth import allow, runtime_of
from armtrace.api.errors import PROBLEMS, WAITING
from armtrace.api.params import MAX_ID, PageNumber, PerPage, RecordId
from armtrace.domain.accounts import Principal
from armtrace.domain.errors import N_, RuleViolation
from armtrace.queries.registry import WeaponFilter, list_weapons, weapon_detail
from armtrace.services import accounts
from armtrace.services import approvals as two_person
from armtrace.services.importing import ImportFile, import_file
from armtrace.services.intake import EventInput
from armtrace.services.integrity import verify
from armtrace.services.records import CloseBusiness, close_business, read_records
from armtrace.services.registry import (
    AddWeapon,
    AssignMark,
    CorrectEvent,
    Recorded,
    RecordEvent,
    add_weapon,
    assign_mark,
    record_event,
)

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


def _recorded(r: Recorded) -> RecordedOut:
    return RecordedOut(weapon_id=r.weapon_id, seq=r.seq, status=r.state.status.value, notes=list(r.notes))


@router.get("/weapons", summary="Find weapons; holders' names only for roles that may read them")
def weapons(
    request: Request,
    who: Annotated[Principal, Depends(allow("registry.read"))],
    serial: Annotated[str | None, Query(description="A prefix of the serial")] = None,
    manufacturer: Annotated[str | None, Query(description="A reference id, e.g. fn-herstal")] = None,
    status: str | None = None,
    category: str | None = None,
    flagged: bool | None = None,
    page: PageNumber = 1,
    per_page: PerPage = 50,
) -> dict[str, Any]:
    rt = runtime_of(request)
    f = WeaponFilter(serial, manufacturer, status, category, flagged)
    with rt.engine.connect() as conn:
        found = list_weapons(conn, f, page, per_page)
    holders = who.may("registry.read_holders")
    query = {**{k: v for k, v in dataclasses.asdict(f).items() if v is not None}, "page": page}
    accounts.weapons_listed(who, query, holders, rt.uow(who.actor), rt.clock)
    items = [{**dataclasses.asdict(w), **({} if holders else {"holder": None})} for w in found.items]
    return {"items": items, "total": found.total, "page": found.page, "per_page": found.per_page}


@router.get("/weapons/{weapon_id}", summary="A weapon: identity, marks, ITI marking check and timeline")
def weapon(
    request: Request, weapon_id: RecordId, who: Annotated[Principal, Depends(allow("registry.read"))]
) -> dict[str, Any]:
    rt = runtime_of(request)
    holders = who.may("registry.read_holders")
    with rt.engine.connect() as conn:
        d = weapon_detail(conn, weapon_id, holders=holders)
    accounts.weapon_read(who, weapon_id, holders, rt.uow(who.actor), rt.clock)
    return dataclasses.asdict(d)


@router.post("/weapons", status_code=201, summary="Record a weapon and the event that brings it into the registry")
def add(request: Request, body: WeaponIn, who: Annotated[Principal, Depends(allow("registry.record"))]) -> RecordedOut:
    rt = runtime_of(request)
    description = body.description.model_dump(exclude_none=True)
    cmd = AddWeapon(description, body.first_event.command(), body.allow_unlisted_manufacturer)
    return _recorded(add_weapon(cmd, rt.uow(who.actor), rt.clock, rt.policy))


@router.post("/weapons/{weapon_id}/events", status_code=201, summary="Record one event in a weapon's life")
def add_event(
    request: Request, weapon_id: RecordId, body: EventIn, who: Annotated[Principal, Depends(allow("registry.record"))]
) -> RecordedOut:
    rt = runtime_of(request)
    return _recorded(record_event(RecordEvent(weapon_id, body.command()), rt.uow(who.actor), rt.clock, rt.policy))


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
    request: Request,
    weapon_id: RecordId,
    body: CorrectionIn,
    who: Annotated[Principal, Depends(allow("registry.record"))],
    response: Response,
) -> dict[str, Any]:
    rt = runtime_of(request)
    cmd = CorrectEvent(weapon_id, body.corrects, body.why, body.void, body.changes)
    handled = two_person.correct_or_ask(cmd, rt.uow(who.actor), rt.clock, rt.policy)
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
def state_mark(
    request: Request,
    weapon_id: RecordId,
    body: StateMarkIn,
    who: Annotated[Principal, Depends(allow("registry.record"))],
) -> RecordedOut:
    rt = runtime_of(request)
    cmd = AssignMark(weapon_id, body.country, body.why, body.location, body.text)
    return _recorded(assign_mark(cmd, rt.uow(who.actor), rt.clock, rt.policy))


@router.post(
    "/businesses/closures",
    status_code=201,
    summary="A manufacturer or dealer closes: its records (JSON Lines) pass into the State register",
)
def close(
    request: Request,
    records: UploadFile,
    who: Annotated[Principal, Depends(allow("registry.record"))],
    name: Annotated[str, Form()],
    kind: Annotated[str, Form(description="manufacturer or dealer")],
    closed_on: Annotated[date, Form()],
    why: Annotated[str, Form(description="The decision or law under which its records pass to the State")],
    country: Annotated[str | None, Form()] = None,
    licence: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    rt = runtime_of(request)
    try:
        text = records.file.read().decode("utf-8")
    except UnicodeDecodeError:
        raise RuleViolation("the records file is not UTF-8 text", hint=N_("send JSON Lines in UTF-8")) from None
    loaded = read_records(text, records.filename or "records")
    cmd = CloseBusiness(name, kind, closed_on, why, country, licence)
    business_id, result = close_business(cmd, loaded, rt.uow(who.actor), rt.clock, rt.policy)
    return {"business_id": business_id, "records": result.loaded, "events": result.events,
            "already_registered": len(result.duplicates)}  # fmt: skip


@router.post("/imports", summary="Import a CSV, JSON Lines or EPCIS 2.0 file; rejected rows are listed")
def import_records(
    request: Request, file: UploadFile, who: Annotated[Principal, Depends(allow("registry.import"))]
) -> dict[str, Any]:
    rt = runtime_of(request)
    suffix = Path(file.filename or "upload.csv").suffix or ".csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(file.file.read())
        report = import_file(ImportFile(path, workers=1), lambda: rt.uow(who.actor), rt.clock, rt.policy)
        rejects = path.with_name(path.name + ".rejects.csv")
        rejected_rows = rejects.read_text(encoding="utf-8").splitlines()[1:201] if rejects.exists() else []
    return {
        "read": report.read,
        "imported": report.imported,
        "duplicates": report.duplicates,
        "rejected": report.rejected,
        "rejected_rows": rejected_rows,
        "sha256": report.sha256,
    }


@router.get("/verify", summary="Recompute the hash chain and every weapon's projection")
def verify_store(request: Request, who: Annotated[Principal, Depends(allow("registry.verify"))]) -> dict[str, Any]:
    rt = runtime_of(request)
    report = verify(rt.engine, rt.policy)
    return {"ok": report.ok, **{k: v for k, v in dataclasses.asdict(report).items() if k != "ok"}}
