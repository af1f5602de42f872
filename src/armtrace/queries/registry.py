"""Reading the registry: weapon lists, one weapon with its timeline, and a summary."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from armtrace.domain.errors import N_, NotFound
from armtrace.domain.identify import fold
from armtrace.domain.lifecycle import EventType, from_payload, replay
from armtrace.domain.marking import ImportMarkingDue, import_marking_due, temporary_imports
from armtrace.domain.markings import Import, MarkingGap, check_marks
from armtrace.domain.registry import name_key
from armtrace.reference.manufacturers import manufacturers
from armtrace.store import tables as t


@dataclass(frozen=True)
class WeaponRow:
    id: int
    category: str
    manufacturer: str | None
    model: str | None
    serial: str | None
    calibre: str | None
    year_of_manufacture: int | None
    status: str
    holder: str | None
    country: str | None
    flagged: bool


@dataclass(frozen=True)
class WeaponFilter:
    serial: str | None = None  # a prefix of the serial, compared as a serial key
    manufacturer: str | None = None  # a reference id
    status: str | None = None
    category: str | None = None
    flagged: bool | None = None
    business: str | None = None  # records taken over from this closed business
    awaiting_marking: bool | None = None  # imported weapons awaiting their import mark (ITI para 8(b))


@dataclass(frozen=True)
class Page:
    items: list[WeaponRow]
    total: int
    page: int
    per_page: int
    holders: bool = True  # whether holders' names are in it, or withheld


def list_weapons(conn: sa.Connection, f: WeaponFilter, page: int = 1, per_page: int = 50, holders: bool = True) -> Page:
    """A page of weapons that match `f`; `holders=False` leaves holders' names out."""
    c = t.weapons.c
    conditions: list[sa.ColumnElement[bool]] = []
    if f.serial and (key := fold(f.serial)):  # look-alikes folded, like identify
        conditions.append(sa.and_(c.serial_fold >= key, c.serial_fold < key + "\U0010ffff"))
    if f.manufacturer:
        conditions.append(c.manufacturer_id == f.manufacturer)
    if f.status:
        conditions.append(c.status == f.status)
    if f.category:
        conditions.append(c.category == f.category)
    if f.flagged is not None:
        conditions.append(c.flagged == f.flagged)
    if f.awaiting_marking is not None:
        conditions.append(c.marking_due.is_not(None) if f.awaiting_marking else c.marking_due.is_(None))
    if f.business:
        business = conn.execute(
            sa.select(t.businesses.c.id).where(t.businesses.c.name_key == name_key(f.business))
        ).scalar()
        if business is None:
            raise NotFound(
                N_("no business named %(business)r is recorded", business=f.business),
                hint=N_("closed businesses are recorded with 'armtrace business close'"),
            )
        conditions.append(c.business_id == business)
    where = sa.and_(sa.true(), *conditions)
    total = conn.execute(sa.select(sa.func.count()).select_from(t.weapons).where(where)).scalar_one()
    rows = conn.execute(
        sa.select(
            c.id,
            c.category,
            c.manufacturer,
            c.model,
            c.serial,
            c.calibre,
            c.year_of_manufacture,
            c.status,
            c.holder,
            c.country,
            c.flagged,
        )
        .where(where)
        .order_by(c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = [WeaponRow(**{**r._mapping, **({} if holders else {"holder": None})}) for r in rows]
    return Page(items, total, page, per_page, holders)


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: str
    summary: str
    why: str
    corrects: int | None
    corrected_by: list[int]
    hash: str


@dataclass(frozen=True)
class WeaponDetail:
    weapon: dict[str, object]
    marks: list[dict[str, object]]
    timeline: list[TimelineEntry]
    gaps: list[MarkingGap]
    business: str | None = None
    holders: bool = True  # whether holders' names are in it, or withheld
    import_marking: ImportMarkingDue | None = None  # the import mark it awaits (ITI para 8(b))
    temporary_imports: list[Import] = field(default_factory=list)  # exempt, each with its reason


def _summary(p: dict[str, Any], holders: bool = True) -> str:
    kind = p["type"]
    parts = []
    if kind == "exported":
        parts.append(f"from {p.get('country', '?')} to {p.get('counterpart_country', '?')}")
    elif p.get("country"):
        parts.append(f"in {p['country']}")
    if p.get("place"):
        parts.append(f"at {p['place']}")
    if p.get("facility"):
        parts.append(f"facility {p['facility']}")
    if p.get("holder"):
        parts.append(f"holder {p['holder']}" if holders else "holder (withheld)")
    if p.get("who"):
        parts.append(f"by {p['who']}")
    if p.get("temporary"):
        parts.append(f"temporary import: {p['temporary']}")
    for m in p.get("marks", []):
        parts.append(f"{m['kind']} mark '{m.get('text', '')}' on {m['location']}")
    if kind == "correction":
        parts.append(("voids" if p.get("void") else "restates") + f" event #{p['corrects']}")
        changes = {k: (v if holders or k != "holder" else "(withheld)") for k, v in (p.get("changes") or {}).items()}
        if changes:
            parts.append(json.dumps(changes, ensure_ascii=False, sort_keys=True))
    return "; ".join(parts)


def weapon_detail(conn: sa.Connection, weapon_id: int, holders: bool = True) -> WeaponDetail:
    """A weapon, its marks, its timeline and its ITI marking check; holders' names withheld if not `holders`."""
    row = conn.execute(sa.select(t.weapons).where(t.weapons.c.id == weapon_id)).one_or_none()
    if row is None:
        raise NotFound(
            N_("there is no weapon #%(weapon)s", weapon=weapon_id), hint=N_("find it with 'armtrace weapon list'")
        )
    marks = [
        dict(r._mapping)
        for r in conn.execute(sa.select(t.marks).where(t.marks.c.weapon_id == weapon_id).order_by(t.marks.c.position))
    ]
    events = list(conn.execute(sa.select(t.events).where(t.events.c.weapon_id == weapon_id).order_by(t.events.c.seq)))
    payloads = [json.loads(e.payload) for e in events]
    corrected_by: dict[int, list[int]] = {}
    for e in events:
        if e.corrects is not None:
            corrected_by.setdefault(e.corrects, []).append(e.seq)
    timeline = [
        TimelineEntry(
            e.seq,
            e.type,
            e.occurred_at,
            e.recorded_at,
            e.recorded_by,
            _summary(p, holders),
            str(p.get("why", "")),
            e.corrects,
            corrected_by.get(e.seq, []),
            e.hash,
        )
        for e, p in zip(events, payloads, strict=True)
    ]
    state = replay([(e.seq, from_payload(p)) for e, p in zip(events, payloads, strict=True)])
    gaps = check_marks(
        state.description,
        state.marks,
        imports=state.imports,
        left_state_stock_for_civilian=state.left_state_stock_for_civilian,
    )
    business = None
    if row.business_id is not None:
        business = conn.execute(sa.select(t.businesses.c.name).where(t.businesses.c.id == row.business_id)).scalar()
    weapon = dict(row._mapping)
    if not holders:
        weapon["holder"] = None
    return WeaponDetail(
        weapon, marks, timeline, gaps, business, holders, import_marking_due(state), temporary_imports(state)
    )


@dataclass
class Summary:
    weapons: int = 0
    events: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_manufacturer: list[tuple[str, int]] = field(default_factory=list)
    manufacturers: int = 0
    flagged: int = 0
    first_event: date | None = None
    last_event: date | None = None
    events_by_type: dict[str, int] = field(default_factory=dict)


def registry_summary(conn: sa.Connection, top: int = 10) -> Summary:
    c = t.weapons.c
    s = Summary()
    s.by_status = dict(conn.execute(sa.select(c.status, sa.func.count()).group_by(c.status)).all())
    s.by_category = dict(conn.execute(sa.select(c.category, sa.func.count()).group_by(c.category)).all())
    # By the company, not by how records wrote it: Izhmash and Kalashnikov Concern are one maker.
    makers = conn.execute(
        sa.select(c.manufacturer_key, sa.func.min(c.manufacturer), sa.func.count())
        .where(c.manufacturer_key != "")
        .group_by(c.manufacturer_key)
        .order_by(sa.func.count().desc())
        .limit(top)
    ).all()
    index = manufacturers()
    s.by_manufacturer = [
        (index.by_id[key].name if key in index.by_id else str(name), int(n)) for key, name, n in makers
    ]
    s.manufacturers = conn.execute(
        sa.select(sa.func.count(sa.distinct(c.manufacturer_key))).where(c.manufacturer_key != "")
    ).scalar_one()
    s.weapons = sum(s.by_status.values())
    s.flagged = conn.execute(sa.select(sa.func.count()).where(c.flagged)).scalar_one()
    e = t.events.c
    s.events_by_type = dict(conn.execute(sa.select(e.type, sa.func.count()).group_by(e.type)).all())
    s.events = sum(s.events_by_type.values())
    first, last = conn.execute(sa.select(sa.func.min(e.occurred_at), sa.func.max(e.occurred_at))).one()
    s.first_event = first.date() if first else None
    s.last_event = last.date() if last else None
    return s


EVENT_TYPES = [e.value for e in EventType]
