"""Marks on a weapon and the ITI check of them (ITI paras 7-10; ISACS 05.30).

A mark is its own object: what kind it is, what it says and where on the weapon it
sits. `check_marks` reports every gap at once, each naming the rule, so a clerk sees the
whole picture in one answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from armtrace.domain.categories import FRAME_MARKED
from armtrace.domain.errors import N_
from armtrace.domain.registry import MarkingCondition, Origin, WeaponDescription


class MarkKind(StrEnum):
    MANUFACTURE = "manufacture"  # ITI para 8(a)
    IMPORT = "import"  # ITI para 8(b)
    STATE = "state"  # government stocks to civilian use, ITI para 8(c)
    ASSIGNED = "assigned"  # unique mark the State gives an unmarked weapon
    CONFISCATION = "confiscation"  # ISACS 05.30: permanent confiscation
    DEACTIVATION = "deactivation"  # ISACS 05.30: deactivation
    SECONDARY = "secondary"  # components: barrel, slide, bolt...


class Location(StrEnum):
    FRAME = "frame"
    RECEIVER = "receiver"
    UPPER_RECEIVER = "upper_receiver"
    BARREL = "barrel"
    SLIDE = "slide"
    BOLT = "bolt"
    CYLINDER = "cylinder"
    BREECH_BLOCK = "breech_block"
    LAUNCH_TUBE = "launch_tube"
    STOCK = "stock"
    OTHER = "other"


ESSENTIAL_PARTS = frozenset({Location.FRAME, Location.RECEIVER, Location.LAUNCH_TUBE})


@dataclass(frozen=True)
class Mark:
    kind: MarkKind
    location: Location
    text: str = ""
    country: str | None = None
    year: int | None = None
    manufacturer: str | None = None
    serial: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"kind": self.kind.value, "location": self.location.value}
        for name in ("text", "country", "year", "manufacturer", "serial"):
            v = getattr(self, name)
            if v not in (None, ""):
                out[name] = v
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mark:
        return cls(
            kind=MarkKind(str(data["kind"])),
            location=Location(str(data["location"])),
            text=str(data.get("text") or ""),
            country=data.get("country"),
            year=data.get("year"),
            manufacturer=data.get("manufacturer"),
            serial=data.get("serial"),
        )


def default_location(d: WeaponDescription) -> Location:
    return Location.FRAME if d.category in FRAME_MARKED else Location.RECEIVER


def manufacture_mark_from(d: WeaponDescription) -> Mark | None:
    """The manufacture mark a marked weapon carries, built from its description."""
    if d.marking_condition is not MarkingCondition.MARKED or not d.serial:
        return None
    return Mark(
        MarkKind.MANUFACTURE,
        default_location(d),
        text=" ".join(str(x) for x in (d.manufacturer, d.country_of_manufacture, d.model, d.calibre, d.serial) if x),
        country=d.country_of_manufacture,
        year=d.year_of_manufacture,
        manufacturer=d.manufacturer,
        serial=d.serial,
    )


class Severity(StrEnum):
    REQUIRED = "required"
    ENCOURAGED = "encouraged"


@dataclass(frozen=True)
class MarkingGap:
    code: str
    severity: Severity
    message: str
    rule: str


@dataclass(frozen=True)
class Import:
    """An import the record shows: into which country, when, and, for a temporary lawful import (for a
    competition, repair or exhibition, with re-export), why it is exempt from import marking (Firearms
    Protocol Art. 8)."""

    country: str
    year: int
    at: datetime | None = None
    temporary: str | None = None


# Each gap its own sentence, for the translators.
NEEDS_STATE_MARK = {
    MarkingCondition.UNMARKED: N_("the weapon carries no mark and the State has not assigned it a unique mark"),
    MarkingCondition.OBLITERATED: N_(
        "the weapon has its marks obliterated and the State has not assigned it a unique mark"
    ),
    MarkingCondition.PARTIALLY_OBLITERATED: N_(
        "the weapon has its marks partly obliterated and the State has not assigned it a unique mark"
    ),
}
ORIGIN = {
    Origin.INDUSTRIAL: N_("industrially made"),
    Origin.CRAFT: N_("craft-made"),
    Origin.PRINTED_3D: N_("3D-printed"),
    Origin.CONVERTED: N_("converted"),
    Origin.UNKNOWN: N_("of unknown origin"),
}
LACKS = {
    "manufacturer": N_("manufacture mark lacks the manufacturer"),
    "country": N_("manufacture mark lacks the country"),
    "serial": N_("manufacture mark lacks the serial number"),
}


def check_marks(
    d: WeaponDescription,
    marks: tuple[Mark, ...],
    *,
    imports: tuple[Import, ...] = (),
    left_state_stock_for_civilian: str | None = None,
) -> list[MarkingGap]:
    """All the ways a weapon's marks fall short of the ITI, in one list.

    `imports` are the imports the record shows; `left_state_stock_for_civilian` is the
    country whose government stock the weapon left for civilian use, if it did.
    """
    gaps: list[MarkingGap] = []

    def gap(code: str, severity: Severity, message: str, rule: str) -> None:
        gaps.append(MarkingGap(code, severity, message, rule))

    made = [m for m in marks if m.kind is MarkKind.MANUFACTURE]
    # An import mark that adds a unique serial is the unique mark ITI para 8(b) asks for (ISACS 05.30).
    assigned = [m for m in marks if m.kind is MarkKind.ASSIGNED or (m.kind is MarkKind.IMPORT and m.serial)]
    if d.marking_condition is not MarkingCondition.MARKED or d.origin in (Origin.CRAFT, Origin.PRINTED_3D):
        if not assigned:
            gap(
                "needs_state_mark",
                Severity.REQUIRED,
                NEEDS_STATE_MARK.get(d.marking_condition)
                or N_(
                    "the weapon is %(origin)s and the State has not assigned it a unique mark",
                    origin=ORIGIN[d.origin],
                ),
                "ITI, section on marking: weapons found without proper marks are marked or destroyed",
            )
    elif not made:
        gap("no_manufacture_mark", Severity.REQUIRED, N_("no manufacture mark is recorded"), "ITI para 8(a)")
    for m in made:
        for attr, lacks in LACKS.items():
            if not getattr(m, attr):
                gap(f"manufacture_mark_lacks_{attr}", Severity.REQUIRED, lacks, "ITI para 8(a)")
        if m.location not in ESSENTIAL_PARTS:
            gap(
                "manufacture_mark_not_on_essential_part",
                Severity.REQUIRED,
                N_(
                    "manufacture mark is on the %(location)s, not on the frame or receiver",
                    location=m.location.value.replace("_", " "),
                ),
                "ITI, section on marking: the mark goes on an essential or structural part",
            )
        if m.year is None:
            gap(
                "manufacture_mark_lacks_year",
                Severity.ENCOURAGED,
                N_("manufacture mark lacks the year"),
                "ITI para 8(a), encouraged",
            )
    import_marks = [m for m in marks if m.kind is MarkKind.IMPORT]
    for imp in imports:
        if imp.temporary:
            continue  # a temporary lawful import is exempt (Firearms Protocol Art. 8)
        matching = [m for m in import_marks if m.country == imp.country]
        if not matching:
            gap(
                "no_import_mark",
                Severity.REQUIRED,
                N_(
                    "no import mark although imported into %(country)s in %(year)s",
                    country=imp.country,
                    year=imp.year,
                ),
                "ITI para 8(b)",
            )
        elif not any(m.year for m in matching):
            gap(
                "import_mark_lacks_year",
                Severity.ENCOURAGED,
                N_("import mark for %(country)s lacks the year of import", country=imp.country),
                "ITI para 8(b), where possible",
            )
    if left_state_stock_for_civilian and not any(
        m.kind is MarkKind.STATE and m.country == left_state_stock_for_civilian for m in marks
    ):
        gap(
            "no_state_mark",
            Severity.REQUIRED,
            N_(
                "left %(country)s government stock for civilian use without a mark identifying the transferring State",
                country=left_state_stock_for_civilian,
            ),
            "ITI, section on marking: transfer from government stocks to civilian use",
        )
    return gaps
