"""Repositories of the registry: weapons (a projection of events) and businesses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa

from armtrace.domain.identify import fold, fold_key
from armtrace.domain.lifecycle import WeaponState
from armtrace.domain.marking import import_marking_due
from armtrace.domain.markings import Mark
from armtrace.domain.registry import WeaponDescription, model_key, name_key, serial_key
from armtrace.store import bulk
from armtrace.store import tables as t
from armtrace.store.uow import Change

if TYPE_CHECKING:
    from armtrace.store.uow import UnitOfWork


def projection_row(state: WeaponState, *, first_seq: int, last_seq: int, retain_until: date) -> dict[str, object]:
    """The weapons row that a weapon's state projects to (also what `verify` expects)."""
    d = state.description
    key = serial_key(d.serial)
    folded = fold_key(key) if key else None
    due = import_marking_due(state)
    return {
        "category": d.category.value,
        "manufacturer": d.manufacturer,
        "manufacturer_id": d.manufacturer_id,
        "manufacturer_key": d.manufacturer_key,
        "country_of_manufacture": d.country_of_manufacture,
        "serial": d.serial,
        "serial_key": key,
        "serial_fold": folded,
        "serial_rev": folded[::-1] if folded else None,
        "model": d.model,
        "model_key": model_key(d.model),
        "calibre": d.calibre,
        "year_of_manufacture": d.year_of_manufacture,
        "marking_condition": d.marking_condition.value,
        "origin": d.origin.value,
        "reference_id": d.reference_id,
        "flagged": d.flagged,
        "status": state.status.value,
        "holder": state.holder,
        "holder_key": name_key(state.holder) if state.holder else None,
        "country": state.country,
        "place": state.place,
        "facility": state.facility,
        "first_seq": first_seq,
        "last_seq": last_seq,
        "retain_until": retain_until,
        "marking_due": due.code if due else None,
        "marking_due_since": due.since if due else None,
    }


def mark_rows(weapon_id: int, marks: Sequence[Mark]) -> list[dict[str, object]]:
    return [
        {
            "weapon_id": weapon_id,
            "position": i,
            "kind": m.kind.value,
            "location": m.location.value,
            "text": m.text,
            "country": m.country,
            "year": m.year,
            "manufacturer": m.manufacturer,
            "serial": m.serial,
        }
        for i, m in enumerate(marks)
    ]


@dataclass(frozen=True)
class NewWeapon:
    """A weapon ready to insert: its projection row and mark rows, as plain values."""

    row: dict[str, object]  # projection_row(); first_seq and last_seq are set here
    marks: tuple[dict[str, object], ...]  # mark_rows() without the weapon id
    first_seq: int
    last_seq: int
    business_id: int | None = None

    @classmethod
    def of(
        cls, state: WeaponState, first_seq: int, last_seq: int, retain_until: date, business_id: int | None = None
    ) -> NewWeapon:
        row = projection_row(state, first_seq=first_seq, last_seq=last_seq, retain_until=retain_until)
        marks = tuple({k: v for k, v in m.items() if k != "weapon_id"} for m in mark_rows(0, state.marks))
        return cls(row, marks, first_seq, last_seq, business_id)


class Weapons:
    def __init__(self, conn: sa.Connection, uow: UnitOfWork) -> None:
        self.conn = conn
        self.uow = uow

    def find_identity(self, d: WeaponDescription) -> int | None:
        """The id of a weapon with the same manufacturer, model and serial, if any."""
        key = serial_key(d.serial)
        if key is None:
            return None
        c = t.weapons.c
        return self.conn.execute(
            sa.select(c.id).where(
                c.manufacturer_key == d.manufacturer_key, c.model_key == model_key(d.model), c.serial_key == key
            )
        ).scalar()

    def add(self, items: Sequence[NewWeapon], *, log_each: bool = True) -> list[int]:
        """Insert new weapons with their marks; returns ids in the order given."""
        ids = bulk.new_weapon_ids(self.conn, len(items))
        rows = [
            {"id": wid, **w.row, "first_seq": w.first_seq, "last_seq": w.last_seq, "business_id": w.business_id}
            for wid, w in zip(ids, items, strict=True)
        ]
        if not rows:
            return []
        columns = list(rows[0])
        bulk.insert(self.conn, t.weapons, columns, [tuple(r[c] for c in columns) for r in rows])
        bulk.index_serials(self.conn, ids)
        marks = [{"weapon_id": wid, **m} for wid, w in zip(ids, items, strict=True) for m in w.marks]
        if marks:
            mark_columns = list(marks[0])
            bulk.insert(self.conn, t.marks, mark_columns, [tuple(m[c] for c in mark_columns) for m in marks])
        if log_each:
            for row in rows:
                self.uow.note(Change("registry:weapon:add", "weapon", str(row["id"]), None, _loggable(row)))
        return ids

    def row(self, weapon_id: int) -> dict[str, object] | None:
        row = self.conn.execute(sa.select(t.weapons).where(t.weapons.c.id == weapon_id)).one_or_none()
        return None if row is None else dict(row._mapping)

    def save(
        self,
        weapon_id: int,
        state: WeaponState,
        *,
        last_seq: int,
        retain_until: date,
        action: str,
        reason: str | None = None,
    ) -> None:
        """Rewrite a weapon's projection after new events, noting before and after."""
        before = self.row(weapon_id)
        assert before is not None
        after = projection_row(
            state,
            first_seq=int(str(before["first_seq"])),
            last_seq=last_seq,
            retain_until=retain_until,
        )
        self.conn.execute(t.weapons.update().where(t.weapons.c.id == weapon_id).values(**after))
        self.conn.execute(t.marks.delete().where(t.marks.c.weapon_id == weapon_id))
        if state.marks:
            self.conn.execute(t.marks.insert(), mark_rows(weapon_id, state.marks))
        self.uow.note(
            Change(action, "weapon", str(weapon_id), _loggable(before), _loggable({**before, **after}), reason)
        )

    def existing_identities(self, keys: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], int]:
        """Which of these identities (maker, model, serial keys) the registry holds already, looked up by
        the folded serial's index."""
        c = t.weapons.c
        wanted = set(keys)
        folds = sorted({fold(k[2]) for k in keys})
        found: dict[tuple[str, str, str], int] = {}
        for start in range(0, len(folds), 500):
            rows = self.conn.execute(
                sa.select(c.manufacturer_key, c.model_key, c.serial_key, c.id).where(
                    c.serial_fold.in_(folds[start : start + 500])
                )
            )
            found.update({key: r[3] for r in rows if (key := (r[0], r[1], r[2])) in wanted})
        return found

    def delete(self, weapon_id: int) -> None:
        self.conn.execute(t.marks.delete().where(t.marks.c.weapon_id == weapon_id))
        self.conn.execute(t.events.delete().where(t.events.c.weapon_id == weapon_id))
        self.conn.execute(t.weapons.delete().where(t.weapons.c.id == weapon_id))


class Businesses:
    def __init__(self, conn: sa.Connection, uow: UnitOfWork) -> None:
        self.conn = conn
        self.uow = uow

    def by_name(self, name: str) -> dict[str, object] | None:
        row = self.conn.execute(sa.select(t.businesses).where(t.businesses.c.name_key == name_key(name))).one_or_none()
        return None if row is None else dict(row._mapping)

    def add(self, values: dict[str, object]) -> int:
        values = {**values, "name_key": name_key(str(values["name"]))}
        wid = self.conn.execute(t.businesses.insert().returning(t.businesses.c.id), values).scalar_one()
        self.uow.note(Change("registry:business:add", "business", str(wid), None, _loggable(values)))
        return int(wid)

    def update(self, business_id: int, values: dict[str, object], action: str, reason: str | None = None) -> None:
        before = self.conn.execute(sa.select(t.businesses).where(t.businesses.c.id == business_id)).one()._mapping
        self.conn.execute(t.businesses.update().where(t.businesses.c.id == business_id).values(**values))
        self.uow.note(
            Change(
                action, "business", str(business_id), _loggable(dict(before)), _loggable({**before, **values}), reason
            )
        )


def _loggable(row: dict[str, object]) -> dict[str, object]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}
