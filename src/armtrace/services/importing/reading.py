"""Reading an import file into rows: its format told by name or content, CSV and JSON Lines rows as
fields, EPCIS documents as records, and each row prepared by the registry's own rules (in worker
processes for large files)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from armtrace.domain.actors import Clock
from armtrace.domain.errors import N_, ArmtraceError, Problem, RuleViolation
from armtrace.domain.retention import RetentionPolicy
from armtrace.interop import epcis
from armtrace.interop.mapping import DESCRIPTION_FIELDS, FIELDS, SYNONYMS, Mapping
from armtrace.interop.tabular import open_tabular
from armtrace.services.importing.intake import EventInput
from armtrace.services.importing.records import (
    Prepared,
    Rejected,
    WeaponRecord,
    prepare,
    record_from_json,
)
from armtrace.services.registry import AddWeapon

FORMATS = ("csv", "jsonl", "epcis")


@dataclass(frozen=True)
class ImportFile:
    path: Path
    format: str | None = None  # csv, jsonl or epcis; told by the file name or content otherwise
    mapping: Path | None = None
    encoding: str | None = None
    delimiter: str | None = None
    rejects: Path | None = None  # default: FILE.rejects.csv beside the file
    batch_size: int = 2000
    workers: int | None = None  # processes preparing batches; None: by the file's size and the cores


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


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def detect_format(path: Path, stated: str | None) -> str:
    if stated:
        if stated not in FORMATS:
            raise RuleViolation(
                N_("unknown format %(format)r", format=stated),
                hint=N_("use one of: %(formats)s", formats=", ".join(FORMATS)),
            )
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
        temporary=f.get("temporary"),
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


Row = tuple[int, "WeaponRecord | Rejected | dict[str, str | None]"]  # a flat row is a dict of fields


def prepare_rows(rows: list[Row], mapping: Mapping, clock: Clock, policy: RetentionPolicy) -> list[Prepared | Rejected]:
    """Validate a batch of rows into plain rows to write; numbered by their line in the file.

    Pure work with no store: it runs in worker processes for large files."""
    out: list[Prepared | Rejected] = []
    for line, item in rows:
        if isinstance(item, Rejected):
            out.append(item)
            continue
        record = item if isinstance(item, WeaponRecord) else record_from_fields(_dated(dict(item), mapping))
        out.append(prepare(line, record, clock, policy))
    return out


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
                yield line, fields  # turned into a record where it is prepared (maybe another process)
        if table.notes:
            report.skipped.append(N_("%(lines)s footnote line(s) at the end of the file", lines=table.notes))
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
                            else _flat_json(obj, mapping)
                        ),
                    )
                except (ValueError, ArmtraceError) as exc:
                    yield line, Rejected(line, (Problem("line", str(exc)),), "not a record")
    else:
        records, skipped = epcis.read_document(path, mapping)  # validated already: cheap to read again
        report.skipped.extend(N_("%(where)s: %(reason)s", where=s.where, reason=s.reason) for s in skipped)
        yield from enumerate(records, start=1)


# What a file lacks, each case its own sentence for the translators.
NO_COLUMN_FOR = {
    ("event",): N_("%(file)s has no column for the event (imported, manufactured, transferred...)"),
    ("why",): N_("%(file)s has no column for the legal authority or document"),
    ("event", "why"): N_(
        "%(file)s has no column for the event (imported, manufactured, transferred...) nor the legal authority or "
        "document"
    ),
}


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
        defaults = ", ".join(f"[defaults] {m} = ..." for m in missing)
        raise RuleViolation(
            N_(NO_COLUMN_FOR[tuple(missing)], file=path.name),
            rule="DESIGN.md: every event says what happened and under which authority",
            hint=N_(
                "add a mapping with %(defaults)s or [columns] naming the column; usual names for the authority: "
                "%(names)s",
                defaults=defaults,
                names=", ".join(SYNONYMS["why"][:5]),
            )
            if "why" in missing
            else N_("add a mapping with %(defaults)s or [columns] naming the column", defaults=defaults),
        )


def _count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
