"""The demo's other two States, beside Kenya's registry: who made the weapons, and who found them.

Belgium (BEL) is the State of manufacture: its registry holds every FN Herstal weapon that
Kenya's imported, made and marked in Herstal and exported to Kenya some weeks before
Kenya's import date, and others exported elsewhere or sold at home. Uganda (UGA) is where
weapons are recovered: its registry holds three seized weapons, and its tracing officer
asks where they came from. All records are synthetic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from armtrace.domain.records import AddWeapon, EventInput, WeaponRecord
from armtrace.queries.registry import WeaponRow

MAKER = "FN Herstal"
MAKER_ID = "fn-herstal"


@dataclass(frozen=True)
class Exported:
    """A weapon Kenya imported from Belgium: what Belgium's records must show of it."""

    serial: str
    model: str
    category: str
    calibre: str
    year: int
    imported_at: datetime


def _made(rng: random.Random, w: Exported, counter: int) -> tuple[AddWeapon, datetime]:
    made = datetime(w.year, rng.randint(1, 12), rng.randint(1, 28), 10, tzinfo=UTC)
    made = min(made, w.imported_at - timedelta(days=90 + rng.randint(0, 60)))
    description = {
        "category": w.category,
        "manufacturer": MAKER,
        "model": w.model,
        "calibre": w.calibre,
        "serial": w.serial,
        "year_of_manufacture": made.year,
        "country_of_manufacture": "BEL",
    }
    mark = {
        "kind": "manufacture",
        "location": "receiver",
        "text": f"FN HERSTAL BELGIUM {w.serial}",
        "country": "BEL",
        "year": made.year,
        "manufacturer": MAKER,
        "serial": w.serial,
    }
    first = EventInput(
        "manufactured",
        why=f"Manufacturing licence BE/WAL/{1990 + counter % 30}/{counter:05d}",
        occurred_at=made,
        country="BEL",
        place="Herstal",
        who=MAKER,
        holder=MAKER,
        marks=(mark,),
    )
    return AddWeapon(description, first), made


def belgian_registry(to_kenya: list[Exported], seed: int) -> list[WeaponRecord]:
    """Belgium's records of the weapons Kenya imported from it, and some exported elsewhere."""
    rng = random.Random(seed)
    records = []
    for i, w in enumerate(to_kenya, 1):
        add, _ = _made(rng, w, i)
        exported = EventInput(
            "exported",
            why=f"Export licence BE/WAL/EXP/{w.imported_at.year}/{i:04d}; end-user certificate KEN-MOD",
            occurred_at=w.imported_at - timedelta(days=rng.randint(10, 40)),
            country="BEL",
            place="Port of Antwerp",
            counterpart_country="KEN",
        )
        records.append(WeaponRecord(add, (exported,)))
    for i in range(len(to_kenya) + 1, len(to_kenya) + 1 + 3 * len(to_kenya)):
        year = rng.randint(2000, 2024)
        w = Exported(
            "".join(rng.choices("0123456789", k=7)),
            "FAL" if rng.random() < 0.7 else "MAG",
            "rifle",
            "7.62x51 NATO",
            year,
            datetime(year, 12, 28, tzinfo=UTC) + timedelta(days=200),
        )
        add, made = _made(rng, w, i)
        if w.model == "MAG":
            add = AddWeapon({**add.description, "category": "light_machine_gun"}, add.first_event)
        onward = rng.choice(("NGA", "IND", "PER", "SAU", None))
        later = made + timedelta(days=rng.randint(30, 300))
        event = (
            EventInput(
                "exported",
                why=f"Export licence BE/WAL/EXP/{later.year}/{i:04d}",
                occurred_at=later,
                country="BEL",
                counterpart_country=onward,
            )
            if onward
            else EventInput(
                "transferred",
                why=f"Sale under firearm licence {rng.randint(10000, 99999)}",
                occurred_at=later,
                country="BEL",
                place="Liège",
                holder="Armurerie Liégeoise SPRL",
            )
        )
        records.append(WeaponRecord(add, (event,)))
    return records


@dataclass(frozen=True)
class Seized:
    """A weapon recovered in Uganda, as its police recorded it."""

    label: str
    record: WeaponRecord


def ugandan_seizures(diverted: WeaponRow, state_rifle: WeaponRow, found: datetime) -> list[Seized]:
    """Three weapons seized in Uganda: one of Kenya's stolen FN rifles, one from Kenya's State stocks,
    and an FN rifle whose serial was ground off."""

    def seized(description: dict[str, object], place: str, report: str, days: int) -> WeaponRecord:
        event = EventInput(
            "recovered",
            why=f"Seizure report UPF/{report}",
            occurred_at=found - timedelta(days=days),
            country="UGA",
            place=place,
            holder="Uganda Police Force, Exhibits Store, Kampala",
            who="Uganda Police Force",
        )
        return WeaponRecord(AddWeapon(description, event, allow_unlisted_manufacturer=True))

    def of(w: WeaponRow) -> dict[str, object]:
        return {
            "category": w.category,
            "manufacturer": w.manufacturer,
            "model": w.model,
            "calibre": w.calibre,
            "serial": w.serial,
        }

    return [
        Seized("the FN rifle seized at Busia", seized(of(diverted), "Busia border post", "BUS/2026/031", 3)),
        Seized("the State rifle seized in Moroto", seized(of(state_rifle), "Moroto", "MOR/2026/007", 2)),
        Seized(
            "the FN rifle with its serial ground off",
            seized(
                {
                    "category": "rifle",
                    "manufacturer": MAKER,
                    "model": "FAL",
                    "calibre": "7.62x51 NATO",
                    "marking_condition": "obliterated",
                },
                "Kampala, Kisenyi",
                "KLA/2026/118",
                1,
            ),
        ),
    ]
