"""Calibres: the many ways records write one calibre, to its one canonical form."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

_PREFIX = re.compile(r"^(cal(?:ibre|iber|ibro)?|kal(?:iber)?)\b\.?\s*", re.IGNORECASE)


def calibre_key(text: str) -> str:
    """'cal. 7,62 x 39 mm' -> '7.62x39mm': case, prefix, commas, spaces folded."""
    text = _PREFIX.sub("", text.strip().casefold().replace("×", "x"))
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    return re.sub(r"[\s\-]+", "", text).lstrip(".")


@dataclass(frozen=True)
class Calibre:
    id: str
    canonical: str
    category: str


@cache
def _index() -> dict[str, Calibre]:
    text = (files("armtrace.reference") / "data" / "calibres.csv").read_text(encoding="utf-8")
    out: dict[str, Calibre] = {}
    for r in csv.DictReader(text.splitlines()):
        cal = Calibre(r["id"], r["canonical"], r["category"])
        for spelling in (r["canonical"], *r["spellings"].split("|")):
            if spelling.strip():
                out.setdefault(calibre_key(spelling), cal)
    return out


@lru_cache(maxsize=4096)
def resolve(text: str) -> Calibre | None:
    key = calibre_key(text)
    index = _index()
    return index.get(key) or index.get(key.removesuffix("mm")) or index.get(key + "mm")
