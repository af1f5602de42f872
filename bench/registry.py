"""A synthetic national registry of N weapons, as a CSV export a police force would send.

Serial formats imitate makers' public patterns; each (maker, model) numbers its items by
a permutation of a counter, so serials look random yet never repeat, at any N.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DIGITS = "0123456789"
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # makers avoid I, O and Q in letter blocks


@dataclass(frozen=True)
class Model:
    maker: str
    model: str
    category: str
    calibre: str
    spec: str  # D digit, L letter, anything else literal
    weight: float
    aliases: tuple[str, ...] = ()  # other names a record may use for the maker

    @property
    def space(self) -> int:
        n = 1
        for c in self.spec:
            n *= 10 if c == "D" else len(LETTERS) if c == "L" else 1
        return n

    def serial(self, i: int) -> str:
        n = (i * 2_654_435_761 + sum(map(ord, self.model)) * 7919) % self.space
        out = []
        for c in reversed(self.spec):
            if c == "D":
                n, r = divmod(n, 10)
                out.append(DIGITS[r])
            elif c == "L":
                n, r = divmod(n, len(LETTERS))
                out.append(LETTERS[r])
            else:
                out.append(c)
        return "".join(reversed(out))


MODELS = (
    Model("Kalashnikov Concern", "AK-74M", "assault_rifle", "5.45x39", "DDDDDDDDD", 7, ("Izhmash", "Ижмаш")),
    Model("Kalashnikov Concern", "AKM", "assault_rifle", "7.62x39", "LLDDDDDD", 6, ("Izhmash",)),
    Model("Norinco", "Type 56-1", "assault_rifle", "7.62x39", "DDDDDDDDD", 9, ("China North Industries Corporation",)),
    Model("Zastava Arms", "M70AB2", "assault_rifle", "7.62x39", "LDDDDDDD", 4, ("Zavodi Crvena Zastava",)),
    Model("Arsenal AD", "AR-M1", "assault_rifle", "7.62x39", "LLDDDDDD", 3),
    Model("FN Herstal", "FAL", "rifle", "7.62x51 NATO", "DDDDDDDD", 3, ("Fabrique Nationale",)),
    Model("FN Herstal", "Five-seveN", "self_loading_pistol", "5.7x28", "LLLDDDDDD", 2, ("FN",)),
    Model("Heckler & Koch", "G3A3", "rifle", "7.62x51 NATO", "DD-DDDDDDD", 3, ("Heckler and Koch GmbH",)),
    Model("Heckler & Koch", "MP5A3", "sub_machine_gun", "9x19", "DD-DDDDDDD", 2, ("H&K",)),
    Model("Glock", "17 Gen4", "self_loading_pistol", "9x19", "LLLDDDD", 8, ("Glock Ges.m.b.H.",)),
    Model("Glock", "19", "self_loading_pistol", "9x19", "LLLDDDD", 7),
    Model("Beretta", "92FS", "self_loading_pistol", "9x19", "LLLDDDDDDL", 5, ("Pietro Beretta",)),
    Model("Česká zbrojovka", "CZ 75 B", "self_loading_pistol", "9x19", "LDDDDDDD", 5, ("CZ", "Ceska Zbrojovka")),
    Model("SIG Sauer GmbH", "P226", "self_loading_pistol", "9x19", "LLDDDDDDD", 3),
    Model("Smith & Wesson", "M&P9", "self_loading_pistol", "9x19", "LLLDDDDD", 3, ("Smith and Wesson",)),
    Model("Taurus", "PT 92", "self_loading_pistol", "9x19", "LLLDDDDDD", 4, ("Forjas Taurus",)),
    Model("Remington", "870 Express", "shotgun", "12 gauge", "LDDDDDDDL", 3),
    Model("Mossberg", "500", "shotgun", "12 gauge", "LDDDDDDD", 3),
    Model("Sturm, Ruger & Co.", "10/22", "rifle", ".22 LR", "DDDD-DDDDD", 3, ("Ruger",)),
    Model("Colt", "M4 Carbine", "carbine", "5.56x45", "LDDDDDDD", 2),
    Model(
        "Israel Weapon Industries", "Tavor", "assault_rifle", "5.56x45", "LDDDDDDD", 1, ("Israel Military Industries",)
    ),
    Model("Walther", "P99", "self_loading_pistol", "9x19", "LLLDDDDD", 1),
    Model("Sarsılmaz", "SAR 9", "self_loading_pistol", "9x19", "LDDDDDDDD", 1, ("Sarsilmaz",)),
    Model("Bersa", "Thunder 380", "self_loading_pistol", ".380 ACP", "DDDDDDDD", 1),
)

HEADER = ["Serial No.", "Make", "Model", "Cal.", "Type", "Year", "Event", "Date", "Country", "Owner", "Permit"]


@dataclass(frozen=True)
class Weapon:
    line: int  # line in the CSV (the header is line 1)
    serial: str
    model: Model


def weapons(n: int, seed: int = 7) -> Iterator[Weapon]:
    rng = random.Random(seed)
    weights = [m.weight for m in MODELS]
    counters = [0] * len(MODELS)
    for i in range(n):
        k = rng.choices(range(len(MODELS)), weights)[0]
        counters[k] += 1
        yield Weapon(i + 2, MODELS[k].serial(counters[k]), MODELS[k])


def write_csv(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed + 1)
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for w in weapons(n, seed):
            year = rng.randint(1990, 2023)
            out.writerow(
                [
                    w.serial,
                    w.model.maker,
                    w.model.model,
                    w.model.calibre,
                    w.model.category,
                    year,
                    "imported",
                    f"{year + rng.randint(0, 2)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "KEN",
                    "National Police Service",
                    f"IP/{w.line:08d}",
                ]
            )
