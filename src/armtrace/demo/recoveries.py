"""Recovered weapons for the demo: real records whose marks reach the officer damaged.

Each recovery takes a weapon the demo registry holds and reads its marks the way a
tracing officer might: characters ground off, look-alikes misread, the maker written
under a former name, the first characters missing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

MISREAD = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}


@dataclass(frozen=True)
class Recovery:
    weapon_id: int
    where: str
    damage: str
    serial_read: str
    manufacturer_read: str | None
    model_read: str | None

    def command(self) -> str:
        parts = [f"armtrace identify --serial '{self.serial_read}'"]
        if self.manufacturer_read:
            parts.append(f"--manufacturer '{self.manufacturer_read}'")
        if self.model_read:
            parts.append(f"--model '{self.model_read}'")
        return " ".join(parts)


def damage(weapons: list[tuple[int, str, str, str]], seed: int) -> list[Recovery]:
    """Four recoveries from (id, serial, manufacturer, model) records with serials of 6+ characters."""
    r = random.Random(seed)
    pool = [w for w in weapons if len(w[1]) >= 6]
    picks = r.sample(pool, 4)
    out = []
    wid, serial, maker, model = picks[0]
    spots = r.sample(range(1, len(serial) - 1), 2)
    read = "".join("?" if i in spots else c for i, c in enumerate(serial))
    out.append(Recovery(wid, "Garissa, seized at a roadblock", "two characters ground off", read, maker, model))
    wid, serial, maker, model = picks[1]
    read = "".join(MISREAD.get(c, c) for c in serial)
    maker_read = "Izhmash" if maker == "Kalashnikov Concern" else maker.upper()
    out.append(
        Recovery(wid, "Mombasa port, found in a container", "look-alike characters misread", read, maker_read, None)
    )
    wid, serial, maker, model = picks[2]
    out.append(
        Recovery(wid, "Lodwar, handed in at an amnesty", "first characters rusted away", serial[3:], maker, None)
    )
    wid, serial, maker, model = picks[3]
    i = r.randrange(1, len(serial) - 1)
    typo = (
        serial[:i] + serial[i + 1] + serial[i] + serial[i + 2 :]
        if serial[i] != serial[i + 1]
        else serial[:i] + ("7" if serial[i] != "7" else "3") + serial[i + 1 :]
    )
    out.append(Recovery(wid, "Nairobi, crime scene", "two characters swapped on the seizure form", typo, None, model))
    return out
