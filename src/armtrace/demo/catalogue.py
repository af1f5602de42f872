"""What the demo State's registry holds: makers, models, serial formats, in plausible shares.

Weights follow the broad shape of an East African national inventory: Kalashnikov-pattern
rifles from several makers dominate State stocks, pistols and shotguns the civilian
market. Serial formats imitate each maker's public pattern; the numbers are random.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass

Serial = Callable[[random.Random, int], str]


def digits(n: int, prefix: str = "") -> Serial:
    return lambda r, year: prefix + "".join(r.choices(string.digits, k=n))


def letters_digits(n_letters: int, n_digits: int, suffix: str = "") -> Serial:
    return lambda r, year: (
        "".join(r.choices(string.ascii_uppercase, k=n_letters)) + "".join(r.choices(string.digits, k=n_digits)) + suffix
    )


def year_prefixed(n: int) -> Serial:
    """Soviet-pattern serials open with the year of manufacture: '0712345'."""
    return lambda r, year: f"{year % 100:02d}" + "".join(r.choices(string.digits, k=n))


def dashed(a: int, b: int) -> Serial:
    return lambda r, year: "".join(r.choices(string.digits, k=a)) + "-" + "".join(r.choices(string.digits, k=b))


@dataclass(frozen=True)
class Model:
    maker: str  # as a record would write it
    model: str
    category: str
    calibre: str
    serial: Serial
    weight: float
    use: str  # state, civilian or both
    origin: str  # country it is imported from


CATALOGUE: tuple[Model, ...] = (
    Model("Kalashnikov Concern", "AK-74M", "assault_rifle", "5.45x39", year_prefixed(5), 7, "state", "RUS"),
    Model("Izhmash", "AKM", "assault_rifle", "7.62x39", year_prefixed(5), 6, "state", "RUS"),
    Model("Norinco", "Type 56-1", "assault_rifle", "7.62x39", digits(8), 9, "state", "CHN"),
    Model("Norinco", "Type 81", "light_machine_gun", "7.62x39", digits(8), 1, "state", "CHN"),
    Model("Zastava Arms", "M70AB2", "assault_rifle", "7.62x39", letters_digits(1, 6), 4, "state", "SRB"),
    Model("Arsenal AD", "AR-M1", "assault_rifle", "7.62x39", letters_digits(2, 6), 3, "state", "BGR"),
    Model("Cugir", "PM md. 63", "assault_rifle", "7.62x39", letters_digits(2, 4), 2, "state", "ROU"),
    Model("FN Herstal", "FAL", "rifle", "7.62x51 NATO", digits(7), 3, "state", "BEL"),
    Model("FN Herstal", "MAG", "light_machine_gun", "7.62x51 NATO", digits(6), 1, "state", "BEL"),
    Model("FN Herstal", "M2HB-QCB", "heavy_machine_gun", ".50 BMG", digits(6, "FN"), 0.3, "state", "BEL"),
    Model("Heckler & Koch", "G3A3", "rifle", "7.62x51 NATO", dashed(2, 6), 3, "state", "DEU"),
    Model("Heckler & Koch", "MP5A3", "sub_machine_gun", "9x19", dashed(2, 6), 2, "state", "DEU"),
    Model("Pakistan Ordnance Factories", "G3P4", "rifle", "7.62x51 NATO", digits(7), 2, "state", "PAK"),
    Model(
        "Israel Weapon Industries",
        "Galil ACE 31",
        "assault_rifle",
        "7.62x39",
        letters_digits(1, 7),
        1.5,
        "state",
        "ISR",
    ),
    Model("Colt", "M4 Carbine", "carbine", "5.56x45", letters_digits(1, 6), 1.5, "state", "USA"),
    Model("Steyr Arms", "AUG A3", "assault_rifle", "5.56x45", digits(6), 1, "state", "AUT"),
    Model("MKE", "MP5", "sub_machine_gun", "9x19", digits(8), 1, "state", "TUR"),
    Model("FÉG", "PA-63", "self_loading_pistol", "9x18 Makarov", letters_digits(2, 4), 1, "state", "HUN"),
    Model("Bazalt", "RPG-7V", "anti_tank_launcher", "40mm", digits(6), 0.4, "state", "RUS"),
    Model("Degtyaryov Plant", "RPK-74", "light_machine_gun", "5.45x39", year_prefixed(5), 0.6, "state", "RUS"),
    Model("KBM", "9K38 Igla", "manpads", "72mm", digits(6), 0.05, "state", "RUS"),
    Model("Hirtenberger", "M6C-210", "mortar", "60mm", digits(5), 0.2, "state", "AUT"),
    Model("Milkor", "Y3 AGL", "grenade_launcher", "40x53", digits(5), 0.2, "state", "ZAF"),
    Model("Glock", "17 Gen4", "self_loading_pistol", "9x19", letters_digits(3, 3), 6, "both", "AUT"),
    Model("Glock", "19", "self_loading_pistol", "9x19", letters_digits(3, 3), 5, "civilian", "AUT"),
    Model("Beretta", "92FS", "self_loading_pistol", "9x19", letters_digits(3, 6, "Z"), 4, "both", "ITA"),
    Model("Česká zbrojovka", "CZ 75 B", "self_loading_pistol", "9x19", letters_digits(1, 6), 4, "both", "CZE"),
    Model("Ceska Zbrojovka", "CZ P-07", "self_loading_pistol", "9x19", letters_digits(1, 6), 2, "civilian", "CZE"),
    Model("SIG Sauer GmbH", "P226", "self_loading_pistol", "9x19", letters_digits(1, 6), 2, "both", "DEU"),
    Model("Smith & Wesson", "Model 10", "revolver", ".38 Special", letters_digits(1, 6), 2, "civilian", "USA"),
    Model("Smith & Wesson", "M&P9", "self_loading_pistol", "9x19", letters_digits(3, 4), 2, "civilian", "USA"),
    Model("Taurus", "PT 92", "self_loading_pistol", "9x19", letters_digits(3, 5), 3, "civilian", "BRA"),
    Model("Taurus", "Model 85", "revolver", ".38 Special", letters_digits(2, 6), 1.5, "civilian", "BRA"),
    Model("Walther", "P99", "self_loading_pistol", "9x19", letters_digits(3, 4), 1, "civilian", "DEU"),
    Model("Browning", "Hi-Power", "self_loading_pistol", "9x19", digits(5, "245NP"), 1, "civilian", "BEL"),
    Model("Bersa", "Thunder 380", "self_loading_pistol", ".380 ACP", digits(6), 1, "civilian", "ARG"),
    Model("Remington", "870 Express", "shotgun", "12 gauge", letters_digits(1, 6, "M"), 3, "civilian", "USA"),
    Model("Mossberg", "500", "shotgun", "12 gauge", letters_digits(1, 6), 2.5, "civilian", "USA"),
    Model("Benelli", "M4 Super 90", "shotgun", "12 gauge", letters_digits(1, 6), 1, "both", "ITA"),
    Model("Sturm, Ruger & Co.", "10/22", "rifle", ".22 LR", dashed(4, 5), 2.5, "civilian", "USA"),
    Model("Sako", "85 Hunter", "rifle", ".308 Win", digits(6), 1.5, "civilian", "FIN"),
    Model("Mauser", "M18", "rifle", ".308 Win", letters_digits(2, 5), 1, "civilian", "DEU"),
    Model("CBC", "Model 122", "rifle", ".22 LR", digits(7), 1, "civilian", "BRA"),
    Model("Sarsılmaz", "SAR 9", "self_loading_pistol", "9x19", letters_digits(1, 7), 1.5, "both", "TUR"),
    Model("Canik", "TP9SF", "self_loading_pistol", "9x19", letters_digits(2, 5), 1.5, "civilian", "TUR"),
)
