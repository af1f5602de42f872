"""Countries by ISO 3166 alpha-3, from a code or a name in any of the six UN languages.

Codes come from pycountry; names from pycountry and from the UN terminology names
shipped in `data/countries_un.csv` (English, French, Spanish, Russian, Arabic, Chinese).
"""

from __future__ import annotations

import csv
from functools import cache, lru_cache
from importlib.resources import files

import pycountry
from rapidfuzz import process

from armtrace.reference.names import fold

_ARTICLES = frozenset({"the", "la", "le", "les", "l", "el", "los", "las"})
UN_LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")


def _key(name: str) -> str:
    words = fold(name).split()
    while len(words) > 1 and words[0] in _ARTICLES:
        words.pop(0)
    return " ".join(words)


@lru_cache(maxsize=4096)
def resolve(text: str) -> str | None:
    """The alpha-3 code for a code (alpha-2, alpha-3, numeric) or a name; None if unknown."""
    text = text.strip()
    if not text:
        return None
    if len(text) in (2, 3) and text.isalpha():
        code = text.upper()
        hit = pycountry.countries.get(alpha_2=code) if len(text) == 2 else pycountry.countries.get(alpha_3=code)
        if hit is not None:
            return str(hit.alpha_3)
    if text.isdigit():
        hit = pycountry.countries.get(numeric=text.zfill(3))
        return None if hit is None else str(hit.alpha_3)
    return _names().get(_key(text))


def name(code: str, language: str = "en") -> str:
    """The UN short name of a country in one of the six UN languages (English by default)."""
    names = _un().get(code, {}).get(language)
    if names:
        return names[0]
    hit = pycountry.countries.get(alpha_3=code)
    return code if hit is None else str(getattr(hit, "common_name", None) or hit.name)


def suggest(text: str, limit: int = 3) -> list[str]:
    """Closest known countries as 'KEN (Kenya)'."""
    names = _names()
    found: list[str] = []
    for key, _, _ in process.extract(_key(text), list(names), limit=limit * 3):
        if names[key] not in found:
            found.append(names[key])
    return [f"{code} ({name(code)})" for code in found[:limit]]


@cache
def _un() -> dict[str, dict[str, list[str]]]:
    text = (files("armtrace.reference") / "data" / "countries_un.csv").read_text(encoding="utf-8")
    return {
        r["alpha3"]: {lang: [n for n in r[lang].split("|") if n] for lang in UN_LANGUAGES}
        for r in csv.DictReader(text.splitlines())
    }


@cache
def _names() -> dict[str, str]:
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                out.setdefault(_key(value), str(c.alpha_3))
    for code, by_language in _un().items():
        for names in by_language.values():
            for n in names:
                out.setdefault(_key(n), code)
    return out
