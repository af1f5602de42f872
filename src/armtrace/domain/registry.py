"""What a weapon is: its identity as recorded (ITI paras 7-8; ISACS 05.30).

The identity is manufacturer, country of manufacture and serial number, with model,
calibre, category and year. Two records with the same manufacturer, model and serial
are the same weapon: the registry refuses the second. A weapon with no usable marks
(unmarked, obliterated, craft-made, 3D-printed) is still recorded, and flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from enum import StrEnum

from armtrace.domain.categories import ANTIQUE_LAST_YEAR, Category
from armtrace.domain.errors import N_, ProblemList


class MarkingCondition(StrEnum):
    MARKED = "marked"
    PARTIALLY_OBLITERATED = "partially_obliterated"
    OBLITERATED = "obliterated"
    UNMARKED = "unmarked"


class Origin(StrEnum):
    INDUSTRIAL = "industrial"
    CRAFT = "craft"
    PRINTED_3D = "3d_printed"
    CONVERTED = "converted"
    UNKNOWN = "unknown"


_SERIAL_NOISE = re.compile(r"[\s\-./_]+")
_MODEL_NOISE = re.compile(r"[^0-9A-Z]+")
_ALPHA3 = re.compile(r"^[A-Z]{3}$")


def serial_key(serial: str | None) -> str | None:
    """The serial as compared: upper case, without spaces, dashes, dots, slashes."""
    if not serial:
        return None
    key = _SERIAL_NOISE.sub("", serial.upper())
    return key or None


def model_key(model: str | None) -> str:
    """The model as compared: 'AK-47', 'ak 47' and 'AK47' are one model."""
    return _MODEL_NOISE.sub("", (model or "").upper())


def name_key(name: str | None) -> str:
    """A company or holder name as compared: case and punctuation folded, '&' read as 'and'."""
    return " ".join(re.sub(r"[^\w]+", " ", (name or "").casefold().replace("&", " and ")).split())


@dataclass(frozen=True)
class WeaponDescription:
    """A weapon's identity and description, as the first event records it.

    `manufacturer_id` is the reference id when the name is known; `manufacturer` is the
    name as recorded (kept even when known, because it is what the source said).
    """

    category: Category
    manufacturer: str | None = None
    manufacturer_id: str | None = None
    country_of_manufacture: str | None = None
    serial: str | None = None
    model: str | None = None
    calibre: str | None = None
    year_of_manufacture: int | None = None
    marking_condition: MarkingCondition = MarkingCondition.MARKED
    origin: Origin = Origin.INDUSTRIAL
    reference_id: str | None = None  # IFRT/FRT reference where known (FACTS 4.2)

    @property
    def flagged(self) -> bool:
        """Needs the State's attention: unmarked, obliterated or non-industrial items (ITI para 9), or a
        manufacturer no reference knows (FACTS 4.3: an unidentified manufacturer fails a trace)."""
        if self.manufacturer and not self.manufacturer_id:
            return True
        return self.marking_condition is not MarkingCondition.MARKED or self.origin in (
            Origin.CRAFT,
            Origin.PRINTED_3D,
            Origin.CONVERTED,
        )

    @property
    def manufacturer_key(self) -> str:
        if self.manufacturer_id:
            return self.manufacturer_id
        return "name:" + name_key(self.manufacturer) if self.manufacturer else ""

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for name in _DESCRIPTION_FIELDS:  # not dataclasses.asdict: it deep-copies, and bulk loads call this a lot
            v = getattr(self, name)
            if v is not None:
                out[name] = v.value if isinstance(v, StrEnum) else v
        return out

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> WeaponDescription:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["category"] = Category(str(values["category"]))
        if "marking_condition" in values:
            values["marking_condition"] = MarkingCondition(str(values["marking_condition"]))
        if "origin" in values:
            values["origin"] = Origin(str(values["origin"]))
        return cls(**values)  # type: ignore[arg-type]

    def amended(self, changes: dict[str, object]) -> WeaponDescription:
        return WeaponDescription.from_dict({**self.to_dict(), **changes})


_DESCRIPTION_FIELDS = tuple(f.name for f in fields(WeaponDescription))


def check_description(d: WeaponDescription, *, this_year: int) -> ProblemList:
    """Every problem with a description at once (ITI para 8(a), para 4)."""
    problems = ProblemList()
    if d.country_of_manufacture is not None and not _ALPHA3.match(d.country_of_manufacture):
        problems.add(
            "country_of_manufacture",
            "is not an ISO 3166 alpha-3 code",
            d.country_of_manufacture,
            hint=N_("give a code such as RUS, BEL or CHN"),
        )
    if d.year_of_manufacture is not None:
        if d.year_of_manufacture > this_year:
            problems.add("year_of_manufacture", "is in the future", d.year_of_manufacture)
        elif d.year_of_manufacture <= ANTIQUE_LAST_YEAR:
            problems.add(
                "year_of_manufacture",
                "makes this an antique, outside the ITI's scope",
                d.year_of_manufacture,
                rule="ITI para 4",
                hint=N_("antiques (made before 1900) are not recorded here"),
            )
    if d.marking_condition is MarkingCondition.MARKED and d.origin is Origin.INDUSTRIAL:
        if not d.serial:
            problems.add(
                "serial",
                "is missing on a weapon recorded as marked",
                rule="ITI para 8(a)",
                hint=N_("give the serial, or record the weapon as unmarked or obliterated"),
            )
        if not d.manufacturer:
            problems.add(
                "manufacturer",
                "is missing on a weapon recorded as marked",
                rule="ITI para 8(a)",
                hint=N_("give the manufacturer as marked, or record the weapon as unmarked"),
            )
    if d.serial is not None and serial_key(d.serial) is None:
        problems.add("serial", "has no letters or digits", d.serial)
    return problems


def without_serial(d: WeaponDescription) -> WeaponDescription:
    return replace(d, serial=None)
