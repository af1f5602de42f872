"""Reading the import-marking tasks: weapons awaiting their import mark, oldest first, with their age.

The tasks are the weapons whose projection says an import mark is due (domain/marking.py); the
index on the date it is due since lists them oldest first. No holder is named: the list is a
worklist for the marking bench, not a read of who holds what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from armtrace.domain.marking import ImportMarkingDue
from armtrace.store import tables as t


@dataclass(frozen=True)
class MarkingTask:
    weapon_id: int
    category: str
    manufacturer: str | None
    model: str | None
    serial: str | None
    status: str
    country: str  # of import: the mark names it
    year: int  # of import
    serial_needed: bool  # no unique mark: the import mark adds a serial
    since: datetime  # the import's date
    age_days: int


@dataclass(frozen=True)
class MarkingTasks:
    items: list[MarkingTask]
    total: int
    page: int
    per_page: int


def marking_tasks(conn: sa.Connection, now: datetime, page: int = 1, per_page: int = 50) -> MarkingTasks:
    """A page of the weapons awaiting their import mark, oldest first; ages in whole days at `now`."""
    c = t.weapons.c
    waiting = c.marking_due_since.is_not(None)
    total = conn.execute(sa.select(sa.func.count()).select_from(t.weapons).where(waiting)).scalar_one()
    rows = conn.execute(
        sa.select(c.id, c.category, c.manufacturer, c.model, c.serial, c.status, c.marking_due, c.marking_due_since)
        .where(waiting)
        .order_by(c.marking_due_since, c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = []
    for r in rows:
        due = ImportMarkingDue.from_code(r.marking_due, r.marking_due_since)
        age = max(0, (now - due.since).days)
        weapon = (r.id, r.category, r.manufacturer, r.model, r.serial, r.status)
        items.append(MarkingTask(*weapon, due.country, due.year, due.serial_needed, due.since, age))
    return MarkingTasks(items, total, page, per_page)
