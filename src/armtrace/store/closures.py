"""Repository of business closures: what the registry holds for a business, and the differences its
books leave, each explained once a second person approves (domain/closures.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from armtrace.domain.closures import Difference, OnRecord
from armtrace.domain.registry import name_key
from armtrace.store import tables as t
from armtrace.store.uow import Change

if TYPE_CHECKING:
    from armtrace.store.uow import UnitOfWork

CHUNK = 500  # ids per IN (...) list


class Closures:
    def __init__(self, conn: sa.Connection, uow: UnitOfWork) -> None:
        self.conn, self.uow = conn, uow

    def held_by(self, holder_key: str) -> list[OnRecord]:
        """The weapons the registry holds as this holder's today, read through ix_weapons_holder_key."""
        w = t.weapons.c
        query = sa.select(w.id, w.manufacturer_key, w.model_key, w.serial_key, w.holder, w.status)
        return [_on_record(r) for r in self.conn.execute(query.where(w.holder_key == holder_key).order_by(w.id))]

    def on_record(self, weapon_ids: Iterable[int]) -> list[OnRecord]:
        w = t.weapons.c
        query = sa.select(w.id, w.manufacturer_key, w.model_key, w.serial_key, w.holder, w.status)
        return [_on_record(r) for ids in _chunks(weapon_ids) for r in self.conn.execute(query.where(w.id.in_(ids)))]

    def transactions(self, weapon_ids: Iterable[int], holder_key: str) -> int:
        """Events of these weapons that name the holder: the business's transactions on record."""
        e = t.events.c
        return sum(
            1
            for ids in _chunks(weapon_ids)
            for (payload,) in self.conn.execute(sa.select(e.payload).where(e.weapon_id.in_(ids)))
            if name_key(json.loads(payload).get("holder")) == holder_key
        )

    def add(self, business_id: int, differences: Sequence[Difference], at: datetime) -> None:
        rows: list[dict[str, object]] = [
            {"business_id": business_id, "weapon_id": d.weapon_id, "kind": d.kind.value, "detail": str(d.detail),
             "found_at": at}
            for d in differences
        ]  # fmt: skip
        if rows:
            self.conn.execute(t.closure_differences.insert(), rows)
        for row in rows:
            subject = f"{business_id}:{row['weapon_id']}"
            after = {k: v for k, v in row.items() if k != "found_at"}
            self.uow.note(Change("registry:closure:difference", "closure_difference", subject, None, after))

    def difference(self, business_id: int, weapon_id: int) -> dict[str, Any] | None:
        d = t.closure_differences.c
        row = self.conn.execute(
            sa.select(t.closure_differences).where(d.business_id == business_id, d.weapon_id == weapon_id)
        ).one_or_none()
        return None if row is None else dict(row._mapping)

    def explain(
        self, business_id: int, weapon_id: int, why: str, explained_by: str, at: datetime, approval_id: int
    ) -> None:
        """Write an approved explanation; the approver is the unit of work's actor."""
        d = t.closure_differences.c
        values = {"explanation": why, "explained_by": explained_by, "approved_by": self.uow.actor.id,
                  "explained_at": at, "approval_id": approval_id}  # fmt: skip
        self.conn.execute(
            t.closure_differences.update().where(d.business_id == business_id, d.weapon_id == weapon_id).values(values)
        )
        after = {**values, "explained_at": at.isoformat()}
        subject = f"{business_id}:{weapon_id}"
        self.uow.note(Change("registry:closure:explain", "closure_difference", subject, None, after, why))

    def unexplained(self, business_id: int) -> int:
        d = t.closure_differences.c
        query = sa.select(sa.func.count()).where(d.business_id == business_id, d.explained_at.is_(None))
        return int(self.conn.execute(query).scalar_one())


def _on_record(r: Any) -> OnRecord:
    identity = None if r.serial_key is None else (r.manufacturer_key, r.model_key, r.serial_key)
    return OnRecord(int(r.id), identity, r.holder, r.status)


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    items = list(ids)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
