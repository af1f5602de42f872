"""`armtrace import`: national records from other systems' files, every row exactly once.

Rows are validated with the registry's own rules, in batches of one transaction each. A
rejected row goes to a report (line, field, value, reason) and never blocks the good
ones. The file is known by its SHA-256, and each batch commits the count of rows done
with its records, so an import killed part-way resumes where it stopped, and a file
imported twice adds nothing the second time.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from armtrace.domain.actors import Clock
from armtrace.domain.errors import ArmtraceError, Problem, RuleViolation
from armtrace.domain.retention import RetentionPolicy
from armtrace.interop import epcis
from armtrace.interop.mapping import FIELDS, SYNONYMS, Mapping
from armtrace.interop.tabular import open_tabular
from armtrace.services.intake import EventInput
from armtrace.services.records import Rejected, WeaponRecord, load_into, record_from_json
from armtrace.services.registry import DEFAULT_POLICY, AddWeapon
from armtrace.store import tables as t
from armtrace.store.uow import Change, UnitOfWork

FORMATS = ("csv", "jsonl", "epcis")
DESCRIPTION_FIELDS = (
    "category",
    "manufacturer",
    "country_of_manufacture",
    "serial",
    "model",
    "calibre",
    "year_of_manufacture",
    "marking_condition",
    "origin",
    "reference_id",
)


@dataclass(frozen=True)
class ImportFile:
    path: Path
    format: str | None = None  # csv, jsonl or epcis; told by the file name or content otherwise
    mapping: Path | None = None
    encoding: str | None = None
    delimiter: str | None = None
    rejects: Path | None = None  # default: FILE.rejects.csv beside the file
    batch_size: int = 2000


@dataclass
class ImportReport:
    path: Path
    format: str
    sha256: str
    read: int = 0
    imported: int = 0
    events: int = 0
    duplicates: int = 0
    rejected: int = 0
    resumed_from: int = 0
    already_done: bool = False
    rejects_file: Path | None = None
    notes: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    detail: dict[str, str] = field(default_factory=dict)  # encoding, delimiter, header line...


Progress = Callable[[int, int | None], None]  # (rows done this run, rows in the file if known)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def detect_format(path: Path, stated: str | None) -> str:
    if stated:
        if stated not in FORMATS:
            raise RuleViolation(f"unknown format {stated!r}", hint="use one of: " + ", ".join(FORMATS))
        return stated
    name = path.name.lower()
    if name.endswith((".jsonld", ".epcis.json")):
        return "epcis"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".json"):
        with open(path, encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
        return "epcis" if "EPCISDocument" in head or "epcisBody" in head else "jsonl"
    return "csv"


def record_from_fields(f: dict[str, str | None]) -> WeaponRecord:
    """One flat row (a spreadsheet line) as a weapon and its first event."""
    description = {k: f.get(k) for k in DESCRIPTION_FIELDS if f.get(k)}
    marks: tuple[dict[str, object], ...] = ()
    if f.get("import_mark"):
        marks = (
            {
                "kind": "import",
                "location": "frame" if "pistol" in str(f.get("category") or "") else "receiver",
                "text": f["import_mark"],
                "country": f.get("country"),
                "year": f.get("import_year") or str(f.get("occurred_at") or "")[:4] or None,
            },
        )
    event = EventInput(
        type=f.get("event") or "",
        why=f.get("why") or "",
        occurred_at=f.get("occurred_at"),
        country=f.get("country"),
        place=f.get("place"),
        who=f.get("who"),
        holder=f.get("holder"),
        counterpart_country=f.get("counterpart_country"),
        facility=f.get("facility"),
        marks=marks,
        note=f.get("note"),
    )
    return WeaponRecord(
        AddWeapon(description, event, allow_unlisted_manufacturer=True, accept_similar_manufacturer=True)
    )


def _flat_json(obj: dict[str, object], mapping: Mapping) -> dict[str, str | None]:
    """A flat JSON object's keys matched to fields like a header's columns."""
    header = list(obj)
    positions = mapping.resolve_columns(header)
    values = list(obj.values())
    return {
        name: mapping.value(
            name, None if (pos := positions.get(name)) is None or values[pos] is None else str(values[pos])
        )
        for name in FIELDS
    }


Row = tuple[int, WeaponRecord | Rejected]


def _dated(fields: dict[str, str | None], mapping: Mapping) -> dict[str, str | None]:
    """Dates written the source's way (options.date_format) turned into ISO dates."""
    fmt = mapping.options.get("date_format")
    value = fields.get("occurred_at")
    if fmt and value:
        with suppress(ValueError):  # left as written if it does not parse: validation names it
            fields["occurred_at"] = datetime.strptime(value, fmt).date().isoformat()
    return fields


def _rows(kind: str, path: Path, mapping: Mapping, cmd: ImportFile, report: ImportReport) -> Iterator[Row]:
    if kind == "csv":
        table = open_tabular(path, mapping, encoding=cmd.encoding, delimiter=cmd.delimiter)
        report.detail = {
            "encoding": table.encoding,
            "delimiter": repr(table.delimiter),
            "header": f"line {table.header_line}",
        }
        for line, fields in table.rows():
            if fields is None:
                yield (
                    line,
                    Rejected(
                        line, (Problem("row", "has too few columns: a footnote or a broken line"),), "malformed row"
                    ),
                )
            else:
                yield line, record_from_fields(_dated(fields, mapping))
        if table.notes:
            report.skipped.append(f"{table.notes} footnote line(s) at the end of the file")
    elif kind == "jsonl":
        with open(path, encoding=cmd.encoding or "utf-8") as f:
            for line, text in enumerate(f, start=1):
                if not text.strip():
                    continue
                try:
                    obj = json.loads(text)
                    if not isinstance(obj, dict):
                        raise ValueError("a line must be a JSON object")
                    yield (
                        line,
                        (
                            record_from_json(obj, allow_unlisted_manufacturer=True)
                            if "weapon" in obj
                            else record_from_fields(_dated(_flat_json(obj, mapping), mapping))
                        ),
                    )
                except (ValueError, ArmtraceError) as exc:
                    yield line, Rejected(line, (Problem("line", str(exc)),), "not a record")
    else:
        records, skipped = epcis.read_document(path, mapping)  # validated already: cheap to read again
        report.skipped.extend(f"{s.where}: {s.reason}" for s in skipped)
        yield from enumerate(records, start=1)


def _check_required(kind: str, path: Path, mapping: Mapping, cmd: ImportFile) -> None:
    """Fail at once, before anything is recorded, on a file that cannot be imported as a whole."""
    if kind == "epcis":
        epcis.read_document(path, mapping)  # schema validation: an invalid document leaves nothing behind
        return
    if kind != "csv":
        return
    table = open_tabular(path, mapping, encoding=cmd.encoding, delimiter=cmd.delimiter)
    missing = [name for name in ("event", "why") if name not in table.positions and name not in mapping.defaults]
    if missing:
        names = {
            "event": "the event (imported, manufactured, transferred...)",
            "why": "the legal authority or document",
        }
        raise RuleViolation(
            f"{path.name} has no column for " + " nor ".join(names[m] for m in missing),
            rule="DESIGN.md: every event says what happened and under which authority",
            hint="add a mapping with "
            + ", ".join(f"[defaults] {m} = ..." for m in missing)
            + " or [columns] naming the column"
            + ("; usual names: " + ", ".join(SYNONYMS["why"][:5])),
        )


def import_file(
    cmd: ImportFile,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    policy: RetentionPolicy = DEFAULT_POLICY,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a file; resume it if an earlier run stopped; do nothing if it was imported already."""
    path = cmd.path
    if not path.is_file():
        raise RuleViolation(f"there is no file {path}", hint="check the path")
    kind = detect_format(path, cmd.format)
    mapping = Mapping.load(cmd.mapping) if cmd.mapping else Mapping()
    _check_required(kind, path, mapping, cmd)
    report = ImportReport(path, kind, file_sha256(path))
    with uow() as u:
        done = u.conn.execute(sa.select(t.import_files).where(t.import_files.c.sha256 == report.sha256)).one_or_none()
        if done is None:
            u.conn.execute(
                t.import_files.insert().values(
                    sha256=report.sha256,
                    name=path.name,
                    format=kind,
                    rows_done=0,
                    imported=0,
                    duplicates=0,
                    rejected=0,
                    started_at=clock.now(),
                )
            )
            u.commit()
        elif done.finished_at is not None:
            report.already_done = True
            report.read, report.imported, report.duplicates, report.rejected = (
                done.rows_done,
                done.imported,
                done.duplicates,
                done.rejected,
            )
            return report
        else:
            report.resumed_from = done.rows_done
    rejects_path = cmd.rejects or path.with_name(path.name + ".rejects.csv")
    rows = _rows(kind, path, mapping, cmd, report)
    for _ in range(report.resumed_from):
        next(rows, None)
    total = _count_lines(path) if kind != "epcis" else None
    with open(rejects_path, "a" if report.resumed_from else "w", encoding="utf-8", newline="") as out:
        rejects = csv.writer(out)
        if not report.resumed_from:
            rejects.writerow(["line", "field", "value", "reason"])
        batch: list[Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= cmd.batch_size:
                _commit_batch(batch, uow, clock, policy, report, rejects)
                out.flush()
                batch = []
                if progress:
                    progress(report.read, total)
        _commit_batch(batch, uow, clock, policy, report, rejects, final=True)
        if progress:
            progress(report.read, total)
    report.rejects_file = rejects_path if report.rejected else None
    if not report.rejected:
        rejects_path.unlink(missing_ok=True)
    return report


def _commit_batch(
    batch: list[Row],
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    policy: RetentionPolicy,
    report: ImportReport,
    rejects: Any,
    final: bool = False,
) -> None:
    records = [(line, r) for line, r in batch if isinstance(r, WeaponRecord)]
    early = [r for _, r in batch if isinstance(r, Rejected)]
    with uow() as u:
        result = load_into(u, [r for _, r in records], clock, policy) if records else None
        lines = [line for line, _ in records]
        late = [Rejected(lines[r.index], r.problems, r.detail) for r in result.rejected] if result else []
        duplicates = len(result.duplicates) if result else 0
        imported = result.loaded if result else 0
        values: dict[str, object] = {
            "rows_done": t.import_files.c.rows_done + len(batch),
            "imported": t.import_files.c.imported + imported,
            "duplicates": t.import_files.c.duplicates + duplicates,
            "rejected": t.import_files.c.rejected + len(early) + len(late),
        }
        if final:
            values["finished_at"] = clock.now()
        u.conn.execute(t.import_files.update().where(t.import_files.c.sha256 == report.sha256).values(**values))
        if final:
            u.note(
                Change(
                    "registry:import:file",
                    "import_file",
                    report.sha256,
                    None,
                    {"name": report.path.name, "format": report.format},
                )
            )
        u.commit()
    report.read += len(batch)
    report.imported += imported
    report.events += result.events if result else 0
    report.duplicates += duplicates
    report.rejected += len(early) + len(late)
    if result:
        report.notes.extend((lines[i], note) for i, note in result.notes[: max(0, 200 - len(report.notes))])
    for r in sorted(early + late, key=lambda r: r.index):
        for p in r.problems or (Problem("row", r.detail),):
            rejects.writerow(
                [
                    r.index,
                    p.field,
                    "" if p.value is None else p.value,
                    p.message + (f" ({p.rule})" if p.rule else "") + (f"; {p.hint}" if p.hint else ""),
                ]
            )


def _count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
