"""A national registry for the demo: thousands of weapons with 20+ years of history.

The demo State is Kenya (KEN), chosen as a plausible importing State; every record is
synthetic. State weapons are imported, stocked, issued to units and returned; civilian
ones pass through dealers to licensed holders; some are lost, stolen, recovered,
deactivated or destroyed; a few were never marked at all.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from armtrace.demo.catalogue import CATALOGUE, Model
from armtrace.domain.records import AddWeapon, EventInput, WeaponRecord

STATE = "KEN"
FACILITIES = (
    "Kahawa Central Armoury",
    "Mombasa Naval Base Armoury",
    "Eldoret Regional Depot",
    "Kisumu Police Armoury",
    "Garissa Forward Store",
)
UNITS = (
    "1st Battalion, Kenya Rifles",
    "Rapid Deployment Unit",
    "General Service Unit, Recce Company",
    "Anti-Stock Theft Unit",
    "Border Police Unit, Mandera",
    "Kenya Wildlife Service, Tsavo",
)
DEALERS = ("Nairobi Arms Dealers Ltd", "Rift Valley Sporting Guns", "Highlands Gunsmiths")
CLOSED_DEALER = "Coast Firearms & Outfitters"
PORTS = ("Port of Mombasa", "Jomo Kenyatta International Airport")
TOWNS = ("Nairobi", "Mombasa", "Kisumu", "Nakuru", "Eldoret", "Garissa", "Lodwar", "Isiolo", "Marsabit")


@dataclass
class Timeline:
    """Hands out increasing dates for one weapon's events, never past `end`."""

    at: datetime
    end: datetime
    rng: random.Random

    def later(self, min_days: int, max_days: int) -> datetime | None:
        step = self.at + timedelta(days=self.rng.randint(min_days, max_days), hours=self.rng.randint(0, 9))
        if step >= self.end:
            return None
        self.at = step
        return step


@dataclass
class Builder:
    rng: random.Random
    now: datetime
    seen: set[tuple[str, str, str]] = field(default_factory=set)
    counter: int = 0

    def ref(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}/{self.counter:06d}"

    def pick_model(self, use: str | None = None) -> Model:
        pool = [m for m in CATALOGUE if use is None or m.use in (use, "both")]
        return self.rng.choices(pool, weights=[m.weight for m in pool])[0]

    def serial(self, m: Model, year: int) -> str:
        while True:
            s = m.serial(self.rng, year)
            if (m.maker, m.model, s) not in self.seen:
                self.seen.add((m.maker, m.model, s))
                return s

    def weapon(self, use: str | None = None, importer: str | None = None, start_year: int = 2001) -> WeaponRecord:
        m = self.pick_model(use)
        use = m.use if m.use != "both" else self.rng.choice(("state", "civilian"))
        imported = datetime(
            self.rng.randint(start_year, 2024), self.rng.randint(1, 12), self.rng.randint(1, 28), 9, tzinfo=UTC
        )
        oldest = 1975 if m.use == "state" and m.origin in ("RUS", "CHN", "SRB", "ROU") else 1995
        made = max(oldest, imported.year - int(self.rng.expovariate(0.25)))
        description = {
            "category": m.category,
            "manufacturer": m.maker,
            "model": m.model,
            "calibre": m.calibre,
            "serial": self.serial(m, made),
            "year_of_manufacture": made,
        }
        marks = (
            ()
            if self.rng.random() < 0.05
            else (
                {
                    "kind": "import",
                    "location": "receiver" if m.category != "self_loading_pistol" else "frame",
                    "text": f"KEN {imported.year % 100:02d}",
                    "country": STATE,
                    "year": imported.year,
                },
            )
        )
        holder = importer or (
            self.rng.choice(("Ministry of Defence", "National Police Service"))
            if use == "state"
            else self.rng.choice(DEALERS)
        )
        first = EventInput(
            "imported",
            why=self.ref("Import permit IP"),
            occurred_at=imported,
            country=STATE,
            place=self.rng.choice(PORTS),
            holder=holder,
            counterpart_country=m.origin,
            marks=marks,
        )
        t = Timeline(imported, self.now - timedelta(days=2), self.rng)
        events = list(self.state_life(t) if use == "state" else self.civilian_life(t))
        return WeaponRecord(AddWeapon(description, first), tuple(events))

    def state_life(self, t: Timeline) -> Iterator[EventInput]:
        r = self.rng
        facility = r.choice(FACILITIES)
        if (at := t.later(3, 60)) is None:
            return
        yield EventInput(
            "stock_in",
            why=self.ref("Receipt voucher RV"),
            occurred_at=at,
            country=STATE,
            facility=facility,
            place=facility,
        )
        status = "in_stock"
        for _ in range(r.randint(0, 4)):
            at = t.later(60, 900)
            if at is None:
                return
            if status == "in_stock":
                unit = r.choice(UNITS)
                yield EventInput(
                    "stock_out",
                    why=self.ref("Issue voucher IV"),
                    occurred_at=at,
                    country=STATE,
                    holder=unit,
                    place=unit,
                )
                status = "held"
            else:
                yield EventInput(
                    "stock_in",
                    why=self.ref("Return voucher RT"),
                    occurred_at=at,
                    country=STATE,
                    facility=facility,
                    place=facility,
                )
                status = "in_stock"
        yield from self.ending(t, surplus=status == "in_stock")

    def civilian_life(self, t: Timeline) -> Iterator[EventInput]:
        r = self.rng
        for _ in range(1 + (r.random() < 0.25)):
            at = t.later(10, 1500)
            if at is None:
                return
            licence = self.ref("Firearm certificate FC")
            yield EventInput(
                "transferred",
                why=licence,
                occurred_at=at,
                country=STATE,
                place=r.choice(TOWNS),
                holder=f"Licensed holder {licence.split()[-1]}",
            )
        if r.random() < 0.01 and (at := t.later(30, 900)):
            yield EventInput(
                "exported",
                why=self.ref("Re-export permit RE"),
                occurred_at=at,
                country=STATE,
                counterpart_country=r.choice(("UGA", "TZA", "RWA")),
            )
            return
        if r.random() < 0.02 and (at := t.later(30, 900)):
            yield EventInput(
                "deactivated",
                why=self.ref("Deactivation certificate DC"),
                occurred_at=at,
                country=STATE,
                place="Central Firearms Bureau, Nairobi",
                marks=(
                    {
                        "kind": "deactivation",
                        "location": "receiver",
                        "text": f"KEN DEACT {at.year}",
                        "country": STATE,
                        "year": at.year,
                    },
                ),
            )
            return
        yield from self.ending(t, surplus=False)

    def ending(self, t: Timeline, surplus: bool) -> Iterator[EventInput]:
        r = self.rng
        roll = r.random()
        if roll < 0.03:
            kind = "lost" if roll < 0.015 else "stolen"
            if (at := t.later(30, 1200)) is None:
                return
            yield EventInput(
                kind, why=self.ref("Occurrence book OB"), occurred_at=at, country=STATE, place=r.choice(TOWNS)
            )
            if r.random() < 0.35 and (at := t.later(20, 1500)):
                yield EventInput(
                    "recovered",
                    why=self.ref("Seizure report SR"),
                    occurred_at=at,
                    country=STATE,
                    place=r.choice(TOWNS),
                    holder="DCI Firearms Unit",
                    who="National Police Service",
                )
        elif surplus and roll < 0.09 and (at := t.later(200, 2000)):
            yield EventInput(
                "destroyed",
                why=self.ref("Destruction order KNFP"),
                occurred_at=at,
                country=STATE,
                place="Public destruction, Ngong Forest",
                who="Kenya National Focal Point",
            )

    def unmarked(self) -> WeaponRecord:
        """A recovered weapon without usable marks: craft-made, obliterated or 3D-printed."""
        r = self.rng
        kind = r.choices(("craft", "obliterated", "printed"), weights=(5, 4, 1))[0]
        found = datetime(r.randint(2008, 2025), r.randint(1, 12), r.randint(1, 28), 14, tzinfo=UTC)
        description: dict[str, object]
        if kind == "craft":
            category, calibre = r.choice(
                (("shotgun", "12 gauge"), ("self_loading_pistol", "9x19"), ("shotgun", "16 gauge"))
            )
            description = {"category": category, "origin": "craft", "marking_condition": "unmarked", "calibre": calibre}
        elif kind == "obliterated":
            description = {
                "category": "assault_rifle",
                "model": "AKM-pattern",
                "calibre": "7.62x39",
                "marking_condition": "obliterated",
            }
        else:
            description = {
                "category": "carbine",
                "model": "FGC-9 pattern",
                "origin": "3d_printed",
                "marking_condition": "unmarked",
                "calibre": "9x19",
            }
        first = EventInput(
            "recovered",
            why=self.ref("Seizure report SR"),
            occurred_at=found,
            country=STATE,
            place=r.choice(TOWNS),
            holder="DCI Firearms Unit",
            who="National Police Service",
        )
        t = Timeline(found, self.now - timedelta(days=1), r)
        events = []
        if r.random() < 0.6 and (at := t.later(10, 300)):
            events.append(
                EventInput(
                    "marked",
                    why=self.ref("Marking order MO"),
                    occurred_at=at,
                    country=STATE,
                    marks=(
                        {
                            "kind": "assigned",
                            "location": "frame",
                            "text": f"KEN {at.year} S{self.counter:06d}",
                            "country": STATE,
                            "year": at.year,
                        },
                    ),
                )
            )
        if r.random() < 0.3 and (at := t.later(30, 900)):
            events.append(
                EventInput(
                    "destroyed",
                    why=self.ref("Destruction order KNFP"),
                    occurred_at=at,
                    country=STATE,
                    place="Public destruction, Ngong Forest",
                )
            )
        return WeaponRecord(AddWeapon(description, first), tuple(events))


def national_registry(n: int, seed: int, now: datetime) -> tuple[list[WeaponRecord], list[WeaponRecord]]:
    """`n` weapon records (about 1.5% of them unmarked), and the books of a dealer that closed."""
    b = Builder(random.Random(seed), now)
    unmarked = max(1, n * 15 // 1000)
    records = [b.weapon() for _ in range(n - unmarked)] + [b.unmarked() for _ in range(unmarked)]
    b.rng.shuffle(records)
    closed_books = [b.weapon(use="civilian", importer=CLOSED_DEALER, start_year=2003) for _ in range(40)]
    return records, closed_books
