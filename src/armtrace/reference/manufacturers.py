"""The manufacturers reference: names, aliases and former names, to one known company.

A name is resolved only when it matches a known name, alias or former name once folded
(case, accents, punctuation, legal form). Anything else is not guessed: the caller gets
the closest known names as suggestions, each with its similarity.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

from rapidfuzz import fuzz, process

from armtrace.domain.errors import N_
from armtrace.reference.names import fold


@dataclass(frozen=True)
class Manufacturer:
    id: str
    name: str
    country: str
    aliases: tuple[str, ...]
    former_names: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Match:
    manufacturer: Manufacturer
    kind: str  # name, alias, former_name, similar
    matched: str  # the known name that matched
    confidence: float  # 1.0 for a folded-exact match

    def explain(self, given: str) -> str:
        m = self.manufacturer
        if self.kind == "name":
            return N_("%(given)r is %(name)s", given=given, name=m.name)
        if self.kind == "former_name":
            return N_("%(matched)s is a former name of %(name)s", matched=self.matched, name=m.name)
        if self.kind == "alias":
            return N_("%(matched)s is another name of %(name)s", matched=self.matched, name=m.name)
        return N_(
            "%(given)r read as %(name)s (resembles %(matched)s, similarity %(similarity)s)",
            given=given,
            name=m.name,
            matched=self.matched,
            similarity=f"{self.confidence:.0%}",
        )


class ManufacturerIndex:
    def __init__(self, rows: list[Manufacturer]) -> None:
        self.by_id = {m.id: m for m in rows}
        self._exact: dict[str, tuple[Manufacturer, str, str]] = {}  # the name as written, case aside
        self._keys: dict[str, tuple[Manufacturer, str, str]] = {}  # folded: legal forms, accents, punctuation
        self._named: dict[str, list[tuple[Manufacturer, str, str]]] = {}  # every company a folded name may mean
        ambiguous: set[str] = set()
        for m in rows:
            for kind, names in (("name", (m.name,)), ("alias", m.aliases), ("former_name", m.former_names)):
                for n in names:
                    self._exact.setdefault(n.casefold(), (m, kind, n))
                    key = fold(n)
                    if key in self._keys and self._keys[key][0].id != m.id:
                        ambiguous.add(key)  # "SIG Sauer, Inc." and "SIG Sauer GmbH" both fold to "sig sauer"
                    self._keys.setdefault(key, (m, kind, n))
                    self._named.setdefault(key, []).append((m, kind, n))
        self._choices = list(self._named)
        for key in ambiguous:  # such a folded name names no company for sure: never resolved by it
            del self._keys[key]
        self.ambiguous = frozenset(ambiguous)

    def __len__(self) -> int:
        return len(self.by_id)

    def resolve(self, name: str) -> Match | None:
        """The company a name surely refers to, or None."""
        return self._resolve(name)

    @lru_cache(maxsize=65536)  # noqa: B019 - one index for the life of the process
    def _resolve(self, name: str) -> Match | None:
        if name in self.by_id:
            m = self.by_id[name]
            return Match(m, "name", m.name, 1.0)
        hit = self._exact.get(name.strip().casefold()) or self._keys.get(fold(name))
        if hit is None:
            return None
        return Match(hit[0], hit[1], hit[2], 1.0)

    def similar(self, name: str, threshold: float = 0.85, margin: float = 0.1) -> Match | None:
        """A clear misspelling of one known company: similar enough, and clearly closer than any other."""
        best = self.suggest(name, limit=2)
        if not best or best[0].confidence < threshold:
            return None
        if len(best) > 1 and best[0].confidence - best[1].confidence < margin:
            return None
        return best[0]

    def suggest(self, name: str, limit: int = 3) -> list[Match]:
        """The closest known names, best first, one per company."""
        found: list[Match] = []
        seen: set[str] = set()
        for key, score, _ in process.extract(fold(name), self._choices, scorer=fuzz.ratio, limit=limit * 4):
            for m, _kind, original in self._named[key]:
                if m.id not in seen and len(found) < limit:
                    seen.add(m.id)
                    found.append(Match(m, "similar", original, score / 100))
            if len(found) == limit:
                break
        return found


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split("|") if p.strip())


@cache
def manufacturers() -> ManufacturerIndex:
    text = (files("armtrace.reference") / "data" / "manufacturers.csv").read_text(encoding="utf-8")
    rows = [
        Manufacturer(r["id"], r["name"], r["country"], _split(r["aliases"]), _split(r["former_names"]), r["kind"])
        for r in csv.DictReader(text.splitlines())
    ]
    return ManufacturerIndex(rows)
