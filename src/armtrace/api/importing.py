"""/api/v1 for records that arrive many at once: files from other systems, and a closed business's books."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile

from armtrace.api.auth import Caller, runtime_of
from armtrace.api.errors import PROBLEMS
from armtrace.domain.errors import N_, RuleViolation
from armtrace.services.importing import files as importing
from armtrace.services.importing import records

router = APIRouter(prefix="/api/v1", tags=["importing"], responses=PROBLEMS)


@router.post("/imports", summary="Import a CSV, JSON Lines or EPCIS 2.0 file; rejected rows are listed")
def import_file(request: Request, file: UploadFile, who: Caller) -> dict[str, Any]:
    rt = runtime_of(request)
    suffix = Path(file.filename or "upload.csv").suffix or ".csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(file.file.read())
        report = importing.import_file(importing.ImportFile(path, workers=1), rt.uow(who), rt.clock, rt.policy)
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


@router.post(
    "/businesses/closures",
    status_code=201,
    summary="A manufacturer or dealer closes: its records (JSON Lines) pass into the State register",
)
def close_business(
    request: Request,
    records_file: Annotated[UploadFile, File(alias="records", description="The books, as JSON Lines")],
    who: Caller,
    name: Annotated[str, Form()],
    kind: Annotated[str, Form(description="manufacturer or dealer")],
    closed_on: Annotated[date, Form()],
    why: Annotated[str, Form(description="The decision or law under which its records pass to the State")],
    country: Annotated[str | None, Form()] = None,
    licence: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    rt = runtime_of(request)
    try:
        text = records_file.file.read().decode("utf-8")
    except UnicodeDecodeError:
        raise RuleViolation("the records file is not UTF-8 text", hint=N_("send JSON Lines in UTF-8")) from None
    books = records.read_records(text, records_file.filename or "records")
    cmd = records.CloseBusiness(name, kind, closed_on, why, country, licence)
    business_id, result = records.close_business(cmd, books, rt.uow(who), rt.clock, rt.policy)
    return {"business_id": business_id, "records": result.loaded, "events": result.events,
            "already_registered": len(result.duplicates)}  # fmt: skip
