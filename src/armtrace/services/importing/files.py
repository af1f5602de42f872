"""`armtrace import`: national records from other systems' files, every row exactly once.

Rows are validated with the registry's own rules, in batches of one transaction each. A
rejected row goes to a report (line, field, value, reason) and never blocks the good
ones. The file is known by its SHA-256, and each batch commits the count of rows done
with its records, so an import killed part-way resumes where it stopped, and a file
imported twice adds nothing the second time.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from armtrace.domain.actors import Clock
from armtrace.domain.errors import N_, Problem, RuleViolation
from armtrace.domain.retention import RetentionPolicy
from armtrace.interop.mapping import Mapping
from armtrace.services.door import use_case
from armtrace.services.importing.reading import (
    FORMATS,
    ImportFile,
    ImportReport,
    Row,
    _check_required,
    _count_lines,
    _rows,
    detect_format,
    file_sha256,
    prepare_rows,
)
from armtrace.services.importing.records import (
    Prepared,
    Rejected,
    _write_prepared,
)
from armtrace.services.registry import DEFAULT_POLICY
from armtrace.store.uow import Change, UnitOfWork

__all__ = ["FORMATS", "ImportFile", "ImportReport", "import_file"]

Progress = Callable[[int, int | None], None]  # (rows done this run, rows in the file if known)


@use_case("registry.import")
def import_file(
    cmd: ImportFile,
    uow: UnitOfWork,
    clock: Clock,
    policy: RetentionPolicy = DEFAULT_POLICY,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a file; resume it if an earlier run stopped; do nothing if it was imported already."""
    path = cmd.path
    if not path.is_file():
        raise RuleViolation(N_("there is no file %(path)s", path=str(path)), hint=N_("check the path"))
    kind = detect_format(path, cmd.format)
    mapping = Mapping.load(cmd.mapping) if cmd.mapping else Mapping()
    _check_required(kind, path, mapping, cmd)
    report = ImportReport(path, kind, file_sha256(path))
    with uow as u:
        done = u.imports.get(report.sha256)
        if done is None:
            u.imports.start(report.sha256, path.name, kind, clock.now())
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
    workers = cmd.workers if cmd.workers is not None else _auto_workers(path)
    with (
        open(rejects_path, "a" if report.resumed_from else "w", encoding="utf-8", newline="") as out,
        _pool(workers) as pool,
    ):
        rejects = csv.writer(out)
        if not report.resumed_from:
            rejects.writerow(["line", "field", "value", "reason"])
        # Batches are prepared ahead (in worker processes for large files) and written in file order,
        # each in its own transaction with the count of rows done: where a rerun resumes.
        pending: deque[tuple[int, Future[list[Prepared | Rejected]] | list[Prepared | Rejected]]] = deque()
        batches = _batches(rows, cmd.batch_size)
        ahead = 2 * workers if pool else 0
        for batch in batches:
            pending.append(
                (
                    len(batch),
                    pool.submit(prepare_rows, batch, mapping, clock, policy)
                    if pool
                    else prepare_rows(batch, mapping, clock, policy),
                )
            )
            while len(pending) > ahead:
                _write(pending.popleft(), uow, clock, report, rejects)
                out.flush()
                if progress:
                    progress(report.read, total)
        while pending:
            _write(pending.popleft(), uow, clock, report, rejects)
            if progress:
                progress(report.read, total)
        _finish(uow, clock, report)
    report.rejects_file = rejects_path if report.rejected else None
    if not report.rejected:
        rejects_path.unlink(missing_ok=True)
    return report


def _auto_workers(path: Path) -> int:
    """Worker processes for a file: none for small files (starting them costs more than it saves)."""
    cores = os.cpu_count() or 1
    return min(2, cores - 1) if cores > 1 and path.stat().st_size > 20 * 1024 * 1024 else 0


@contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    if workers <= 0:
        yield None
        return
    # spawn, not fork: a forked child would inherit the parent's database connections.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def _batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write(item: tuple[int, Any], uow: UnitOfWork, clock: Clock, report: ImportReport, rejects: Any) -> None:
    size, work = item
    prepared: list[Prepared | Rejected] = work.result() if isinstance(work, Future) else work
    before = report.imported
    with uow as u:
        result = _write_prepared(u, prepared, clock)
        u.imports.advance(report.sha256, size, result.loaded, len(result.duplicates), len(result.rejected))
        u.commit()
    report.read += size
    report.imported += result.loaded
    if any(before < mark <= report.imported for mark in ANALYZE_AT):
        with uow as u:
            u.imports.refresh_statistics()
            u.commit()
    report.events += result.events
    report.duplicates += len(result.duplicates)
    report.rejected += len(result.rejected)
    report.notes.extend(result.notes[: max(0, 200 - len(report.notes))])
    for r in sorted(result.rejected, key=lambda r: r.index):
        for p in r.problems or (Problem("row", r.detail),):
            reason = p.message + (f" ({p.rule})" if p.rule else "") + (f"; {p.hint}" if p.hint else "")
            rejects.writerow([r.index, p.field, "" if p.value is None else p.value, reason])


# Imported-row counts at which PostgreSQL's statistics are refreshed during a long import: a
# plan made for a small table (a scan where an index fits) slows every batch after it, and
# autovacuum, which would refresh them, is not always on.
ANALYZE_AT = (5_000, 50_000, 500_000, 5_000_000, 50_000_000)


def _finish(uow: UnitOfWork, clock: Clock, report: ImportReport) -> None:
    with uow as u:
        u.imports.finish(report.sha256, clock.now())
        u.note(
            Change(
                "registry:import:file",
                "import_file",
                report.sha256,
                None,
                {
                    "name": report.path.name,
                    "format": report.format,
                    "read": report.read,
                    "imported": report.imported,
                    "duplicates": report.duplicates,
                    "rejected": report.rejected,
                },
            )
        )
        u.commit()
