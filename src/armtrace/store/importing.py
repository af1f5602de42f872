"""Repository of imported files: each known by its SHA-256 with the count of rows done, so an import
killed part-way resumes where it stopped and a file imported twice adds nothing."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from armtrace.store import tables as t

if TYPE_CHECKING:
    from armtrace.store.uow import UnitOfWork


class ImportFiles:
    def __init__(self, conn: sa.Connection, uow: UnitOfWork) -> None:
        self.conn, self.uow = conn, uow

    def get(self, sha256: str) -> sa.Row[Any] | None:
        return self.conn.execute(sa.select(t.import_files).where(t.import_files.c.sha256 == sha256)).one_or_none()

    def start(self, sha256: str, name: str, kind: str, at: datetime) -> None:
        self.conn.execute(
            t.import_files.insert().values(
                sha256=sha256, name=name, format=kind, rows_done=0, imported=0, duplicates=0, rejected=0, started_at=at
            )
        )

    def advance(self, sha256: str, rows: int, imported: int, duplicates: int, rejected: int) -> None:
        """Count a batch done, in the batch's own transaction: where a rerun resumes."""
        c = t.import_files.c
        self.conn.execute(
            t.import_files.update()
            .where(c.sha256 == sha256)
            .values(
                rows_done=c.rows_done + rows,
                imported=c.imported + imported,
                duplicates=c.duplicates + duplicates,
                rejected=c.rejected + rejected,
            )
        )

    def finish(self, sha256: str, at: datetime) -> None:
        self.conn.execute(t.import_files.update().where(t.import_files.c.sha256 == sha256).values(finished_at=at))

    def refresh_statistics(self) -> None:
        """PostgreSQL's planner statistics, refreshed during a long import (a plan made for a small table
        slows every batch after it)."""
        if self.conn.dialect.name == "postgresql":
            for table in ("weapons", "events", "marks"):
                self.conn.exec_driver_sql(f"ANALYZE {table}")
