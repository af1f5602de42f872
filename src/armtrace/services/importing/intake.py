"""Turning what a person or a file gave into domain values, with every problem at once.

Names are resolved against the reference data: a manufacturer by name, alias or former
name; a country by code or name; a calibre to its canonical spelling. What cannot be
resolved is refused with the closest known names, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import TypeVar

from armtrace.domain.categories import Category
from armtrace.domain.errors import N_, ProblemList
from armtrace.domain.lifecycle import EventFacts, EventType, parse_utc
from armtrace.domain.markings import Location, Mark, MarkKind
from armtrace.domain.records import EventInput
from armtrace.domain.registry import MarkingCondition, Origin, WeaponDescription, check_description
from armtrace.reference import calibres, categories, countries
from armtrace.reference.manufacturers import manufacturers

E = TypeVar("E", bound=StrEnum)


def text(value: object) -> str | None:
    """A stripped string, or None for nothing at all."""
    return None if value is None else (str(value).strip() or None)


@cache
def _members(enum: type[StrEnum]) -> dict[str, StrEnum]:
    return {**{m.name.lower(): m for m in enum}, **{m.value: m for m in enum}}


def _choice(problems: ProblemList, field_: str, value: object, enum: type[E], default: E | None = None) -> E | None:
    if value in (None, ""):
        return default
    if isinstance(value, enum):
        return value
    hit = _members(enum).get(str(value).strip().lower().replace(" ", "_").replace("-", "_"))
    if hit is not None:
        return hit  # type: ignore[return-value]
    problems.add(
        field_,
        "is not a known value",
        value,
        hint=N_("use one of: %(values)s", values=", ".join(m.value for m in enum)),
    )
    return default


def country(problems: ProblemList, field_: str, value: object) -> str | None:
    if value in (None, ""):
        return None
    code = countries.resolve(str(value))
    if code is None:
        problems.add(
            field_,
            "is not a known country",
            value,
            rule="ISO 3166",
            hint=N_("did you mean: %(countries)s?", countries="; ".join(countries.suggest(str(value)))),
        )
    return code


def moment(problems: ProblemList, field_: str, value: object, default: datetime) -> datetime:
    if value in (None, ""):
        return default
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=default.tzinfo)
    try:
        return parse_utc(str(value))
    except ValueError:
        problems.add(field_, "is not a date", value, hint=N_("write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM"))
        return default


@dataclass(frozen=True)
class Described:
    description: WeaponDescription
    notes: tuple[str, ...] = ()


def describe(
    problems: ProblemList,
    raw: Mapping[str, object],
    *,
    this_year: int,
    allow_unlisted_manufacturer: bool = False,
    accept_similar_manufacturer: bool = False,
) -> Described:
    """A weapon description from raw fields; problems go to `problems`."""
    notes: list[str] = []
    category = categories.resolve(str(raw["category"])) if raw.get("category") else None
    if category is None:
        category = _choice(problems, "category", raw.get("category"), Category)
    if category is None and "category" not in [p.field for p in problems.problems]:
        problems.add(
            "category", "is required", hint=N_("use one of: %(values)s", values=", ".join(c.value for c in Category))
        )
    name = str(raw.get("manufacturer") or "").strip() or None
    manufacturer_id = None
    made_in = country(problems, "country_of_manufacture", raw.get("country_of_manufacture"))
    if name:
        match = manufacturers().resolve(name)
        if match is None and accept_similar_manufacturer:
            match = manufacturers().similar(name)
        if match is not None:
            manufacturer_id = match.manufacturer.id
            if match.kind != "name":
                notes.append(match.explain(name))
            made_in = made_in or match.manufacturer.country
        elif not allow_unlisted_manufacturer:
            near = manufacturers().suggest(name)
            problems.add(
                "manufacturer",
                "is not in the manufacturers reference",
                name,
                hint=N_(
                    "closest known: %(names)s. Use one of those, or record it as an unlisted manufacturer",
                    names="; ".join(f"{m.matched} ({m.manufacturer.name}, {m.confidence:.0%})" for m in near),
                ),
            )
        else:
            notes.append(N_("%(name)r is not in the reference: recorded as written and flagged", name=name))
    calibre = str(raw.get("calibre") or "").strip() or None
    if calibre:
        known = calibres.resolve(calibre)
        if known is not None:
            calibre = known.canonical
        else:
            notes.append(N_("calibre %(calibre)r is not in the reference: recorded as written", calibre=calibre))
    year = raw.get("year_of_manufacture")
    if year not in (None, ""):
        try:
            year = int(str(year))
        except ValueError:
            problems.add("year_of_manufacture", "is not a year", year)
            year = None
    else:
        year = None
    condition = _choice(
        problems,
        "marking_condition",
        raw.get("marking_condition"),
        MarkingCondition,
        MarkingCondition.MARKED,
    )
    origin = _choice(problems, "origin", raw.get("origin"), Origin, Origin.INDUSTRIAL)
    serial = str(raw.get("serial") or "").strip() or None
    description = WeaponDescription(
        category=category or Category.RIFLE,
        manufacturer=name,
        manufacturer_id=manufacturer_id,
        country_of_manufacture=made_in,
        serial=serial,
        model=str(raw.get("model") or "").strip() or None,
        calibre=calibre,
        year_of_manufacture=year,
        marking_condition=condition or MarkingCondition.MARKED,
        origin=origin or Origin.INDUSTRIAL,
        reference_id=str(raw.get("reference_id") or "").strip() or None,
    )
    problems.problems.extend(check_description(description, this_year=this_year).problems)
    return Described(description, tuple(notes))


def mark(problems: ProblemList, raw: Mapping[str, object], where: str) -> Mark | None:
    kind = _choice(problems, f"{where}.kind", raw.get("kind"), MarkKind)
    location = _choice(problems, f"{where}.location", raw.get("location"), Location)
    if kind is None or location is None:
        if kind is None and not raw.get("kind"):
            problems.add(f"{where}.kind", "is required", hint=N_("e.g. import, state, assigned, secondary"))
        if location is None and not raw.get("location"):
            problems.add(f"{where}.location", "is required", hint=N_("e.g. frame, receiver, barrel, slide"))
        return None
    year = raw.get("year")
    return Mark(
        kind,
        location,
        text=str(raw.get("text") or ""),
        country=country(problems, f"{where}.country", raw.get("country")),
        year=int(str(year)) if year not in (None, "") else None,
        manufacturer=text(raw.get("manufacturer")),
        serial=text(raw.get("serial")),
    )


def event_facts(
    problems: ProblemList, e: EventInput, now: datetime, description: WeaponDescription | None = None
) -> EventFacts | None:
    etype = _choice(problems, "type", e.type, EventType)
    if etype is None:
        if not e.type:
            problems.add("type", "is required", hint=N_("e.g. %(types)s", types=", ".join(t.value for t in EventType)))
        return None
    occurred = moment(problems, "occurred_at", e.occurred_at, now)
    if occurred > now:
        problems.add("occurred_at", "is in the future", e.occurred_at, hint=N_("record events once they happened"))
    marks = tuple(m for i, raw in enumerate(e.marks) if (m := mark(problems, raw, f"marks[{i}]")) is not None)
    facts = EventFacts(
        type=etype,
        occurred_at=occurred,
        why=(e.why or "").strip(),
        country=country(problems, "country", e.country),
        place=e.place or None,
        who=e.who or None,
        holder=e.holder or None,
        counterpart_country=country(problems, "counterpart_country", e.counterpart_country),
        facility=e.facility or None,
        marks=marks,
        description=description,
        state_to_civilian=e.state_to_civilian,
        note=e.note or None,
        temporary=text(e.temporary),
    )
    problems.problems.extend(
        p for p in facts.problems().problems if p.field not in {q.field for q in problems.problems}
    )
    return facts
