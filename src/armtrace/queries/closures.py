"""Reading business closures: a business with its books' reconciliation and differences, and the
closures still pending (domain/closures.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from armtrace.domain.approvals import Act
from armtrace.domain.errors import N_, NotFound
from armtrace.domain.registry import name_key
from armtrace.store import tables as t


@dataclass(frozen=True)
class DifferenceRow:
    weapon_id: int
    kind: str  # missing or mismatch
    detail: str
    manufacturer: str | None
    model: str | None
    serial: str | None
    explanation: str | None = None
    explained_by: str | None = None
    approved_by: str | None = None
    explained_at: datetime | None = None
    waiting: int | None = None  # the approval an explanation waits for

    @property
    def explained(self) -> bool:
        return self.explained_at is not None


@dataclass(frozen=True)
class BusinessDetail:
    id: int
    name: str
    kind: str
    country: str | None
    licence: str | None
    status: str | None  # closing or closed
    closing_on: date | None
    closed_on: date | None
    records_received_at: datetime | None
    books: dict[str, int] = field(default_factory=dict)  # the reconciliation's counts
    differences: list[DifferenceRow] = field(default_factory=list)

    @property
    def unexplained(self) -> int:
        return sum(1 for d in self.differences if not d.explained)


def business_detail(conn: sa.Connection, name: str) -> BusinessDetail:
    """A business by name (compared as name_key), with its closure's differences."""
    row = conn.execute(sa.select(t.businesses).where(t.businesses.c.name_key == name_key(name))).one_or_none()
    if row is None:
        raise NotFound(
            N_("no business named %(business)r is recorded", business=name),
            hint=N_("closures pending are listed with 'armtrace business show' without a name, or on /businesses"),
        )
    return _detail(conn, row._mapping)


def pending_closures(conn: sa.Connection) -> list[BusinessDetail]:
    """Businesses whose records were received and whose closure waits for explanations, oldest first."""
    rows = conn.execute(
        sa.select(t.businesses).where(t.businesses.c.status == "closing").order_by(t.businesses.c.id).limit(200)
    )
    return [_detail(conn, r._mapping) for r in rows]


def _detail(conn: sa.Connection, b: Any) -> BusinessDetail:
    d, w, a = t.closure_differences.c, t.weapons.c, t.approvals.c
    rows = conn.execute(
        sa.select(d.weapon_id, d.kind, d.detail, w.manufacturer, w.model, w.serial, d.explanation, d.explained_by,
                  d.approved_by, d.explained_at)
        .join(t.weapons, w.id == d.weapon_id)
        .where(d.business_id == b["id"])
        .order_by(d.weapon_id)
    ).all()  # fmt: skip
    waiting = dict(
        conn.execute(
            sa.select(a.subject, sa.func.max(a.id))
            .where(
                a.act == Act.EXPLAIN_DIFFERENCE.value,
                a.status == "pending",
                a.subject.in_([f"weapon:{r.weapon_id}" for r in rows if r.explained_at is None]),
            )
            .group_by(a.subject)
        ).all()
    )
    differences = [DifferenceRow(**r._mapping, waiting=waiting.get(f"weapon:{r.weapon_id}")) for r in rows]
    return BusinessDetail(
        int(b["id"]), b["name"], b["kind"], b["country"], b["licence"], b["status"], b["closing_on"],
        b["closed_on"], b["records_received_at"], json.loads(b["books"]) if b["books"] else {}, differences,
    )  # fmt: skip
