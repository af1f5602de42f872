"""/api/v1 for records that arrive many at once: files from other systems. A closing business's books arrive
through api/closures.py."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, UploadFile

from armtrace.api.auth import Caller, runtime_of
from armtrace.api.errors import PROBLEMS
from armtrace.services.importing import files as importing

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
