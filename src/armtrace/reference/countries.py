"""Countries by ISO 3166 alpha-3 (pycountry), from a code or a name as people write it."""

from __future__ import annotations

from functools import cache

import pycountry
from rapidfuzz import process

from armtrace.reference.names import fold


def resolve(text: str) -> str | None:
    """The alpha-3 code for a code (alpha-2, alpha-3, numeric) or a name; None if unknown."""
    text = text.strip()
    if not text:
        return None
    if len(text) in (2, 3) and text.isalpha():
        hit = (
            pycountry.countries.get(alpha_2=text.upper())
            if len(text) == 2
            else pycountry.countries.get(alpha_3=text.upper())
        )
        if hit is not None:
            return str(hit.alpha_3)
    if text.isdigit():
        hit = pycountry.countries.get(numeric=text.zfill(3))
        return None if hit is None else str(hit.alpha_3)
    return _names().get(fold(text))


def name(code: str) -> str:
    hit = pycountry.countries.get(alpha_3=code)
    return code if hit is None else str(getattr(hit, "common_name", None) or hit.name)


def suggest(text: str, limit: int = 3) -> list[str]:
    """Closest known countries as 'KEN (Kenya)'."""
    names = _names()
    return [f"{names[key]} ({name(names[key])})" for key, _, _ in process.extract(fold(text), list(names), limit=limit)]


@cache
def _names() -> dict[str, str]:
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                out.setdefault(fold(value), str(c.alpha_3))
    return out
