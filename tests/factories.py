"""Builders of valid commands and facts, so each test states only what it is about."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from armtrace.domain.categories import Category
from armtrace.domain.lifecycle import EventFacts, EventType
from armtrace.domain.markings import Location, Mark, MarkKind
from armtrace.domain.registry import WeaponDescription
from armtrace.services.importing.intake import EventInput
from armtrace.services.importing.records import WeaponRecord
from armtrace.services.registry import AddWeapon


def when(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, 12, 0, tzinfo=UTC)


def description(**overrides: object) -> WeaponDescription:
    values: dict[str, object] = {
        "category": Category.ASSAULT_RIFLE,
        "manufacturer": "Kalashnikov Concern",
        "manufacturer_id": "kalashnikov-concern",
        "country_of_manufacture": "RUS",
        "serial": "AK123456",
        "model": "AK-103",
        "calibre": "7.62x39mm",
        "year_of_manufacture": 2008,
    }
    values.update(overrides)
    return WeaponDescription(**values)  # type: ignore[arg-type]


def manufacture_mark(d: WeaponDescription) -> Mark:
    return Mark(
        MarkKind.MANUFACTURE,
        Location.RECEIVER,
        text=f"{d.manufacturer} {d.serial}",
        country=d.country_of_manufacture,
        year=d.year_of_manufacture,
        manufacturer=d.manufacturer,
        serial=d.serial,
    )


def manufactured(d: WeaponDescription | None = None, at: datetime | None = None) -> EventFacts:
    d = d or description()
    return EventFacts(
        EventType.MANUFACTURED,
        at or when(2008),
        why="production licence 77/2008",
        country="RUS",
        holder="Kalashnikov Concern",
        description=d,
        marks=(manufacture_mark(d),),
    )


def event(type_: EventType, at: datetime, **kw: object) -> EventFacts:
    return EventFacts(type_, at, why=str(kw.pop("why", "document 1")), **kw)  # type: ignore[arg-type]


def add_weapon(
    serial: str = "AK123456",
    *,
    manufacturer: str = "Kalashnikov Concern",
    model: str = "AK-103",
    first: str = "imported",
    year: int = 2010,
    **desc: object,
) -> AddWeapon:
    raw: dict[str, object] = {
        "category": "assault_rifle",
        "manufacturer": manufacturer,
        "serial": serial,
        "model": model,
        "calibre": "7.62x39",
        "year_of_manufacture": 2008,
        **desc,
    }
    return AddWeapon(
        raw,
        EventInput(
            type=first,
            why="import licence IL-2010-0042",
            occurred_at=when(year),
            country="KEN",
            holder="Kenya Police Service",
            marks=({"kind": "import", "location": "receiver", "text": "KEN 10", "country": "KEN", "year": year},),
        ),
    )


def fal(serial: str, *exported_to: str) -> WeaponRecord:
    """An FN FAL made and marked in Belgium in 2009, then exported to each State named, in turn."""
    made = EventInput(
        "manufactured",
        why="Manufacturing licence BE/WAL/2009/1",
        occurred_at=when(2009, 3, 2),
        country="BEL",
        place="Herstal",
        who="FN Herstal",
        holder="FN Herstal",
        marks=(
            {
                "kind": "manufacture",
                "location": "receiver",
                "text": f"FN {serial}",
                "country": "BEL",
                "year": 2009,
                "manufacturer": "FN Herstal",
                "serial": serial,
            },
        ),
    )
    events = tuple(
        EventInput(
            "exported",
            why=f"Export licence EXP/{i}",
            occurred_at=when(2011, 5, 1 + i),
            country="BEL",
            counterpart_country=to,
        )
        for i, to in enumerate(exported_to)
    )
    description = {
        "category": "rifle",
        "manufacturer": "FN Herstal",
        "model": "FAL",
        "calibre": "7.62x51 NATO",
        "serial": serial,
        "country_of_manufacture": "BEL",
    }
    return WeaponRecord(AddWeapon(description, made), events)


def imported_unmarked(
    serial: str | None = "AK777001", *, on: datetime | None = None, temporary: str | None = None, **desc: object
) -> AddWeapon:
    """A weapon imported into Kenya without Kenya's import mark (ITI para 8(b)): it awaits its mark, unless the
    import is temporary."""
    cmd = add_weapon(serial or "", **desc)
    description = {k: v for k, v in cmd.description.items() if v not in (None, "")}
    first = replace(cmd.first_event, marks=(), occurred_at=on or when(2019, 5, 2), temporary=temporary)
    return AddWeapon(description, first)
