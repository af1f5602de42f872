"""A business that closes passes its records to the State (ITI, section on record-keeping, para 13).

The records are taken in only when they account for what the registry holds for the
business: every weapon it holds on record must be in its books, and every weapon of its
books the registry already knows must be held, by the same holder and with the same
status, as the books say. What does not fit is listed as a difference; the closure stays
pending until each difference is explained by one person and the explanation approved
by a second (the two-person rule), and only then is the business closed.

A weapon is matched by its identity (manufacturer, model and serial keys), as the
registry matches duplicates; a weapon with no serial cannot be matched, so if the
registry holds one for the business it is always a difference, for a person to explain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from armtrace.domain.errors import N_
from armtrace.domain.registry import name_key

# FACTS 1.3 marks para 13 [V]: cited by the section, with the paragraph in brackets.
RULE = "ITI, section on record-keeping (para 13)"

Identity = tuple[str, str, str]  # manufacturer, model and serial keys


class Status(StrEnum):
    """A business's closure: records received and differences waiting, or done."""

    CLOSING = "closing"  # records received, closure pending until every difference is explained
    CLOSED = "closed"


class Kind(StrEnum):
    MISSING = "missing"  # on record here as the business's, missing from its books
    MISMATCH = "mismatch"  # in the books, but the registry holds it as someone else's, or with another status


@dataclass(frozen=True)
class OnRecord:
    """A weapon as the registry holds it today."""

    weapon_id: int
    identity: Identity | None
    holder: str | None
    status: str


@dataclass(frozen=True)
class InBooks:
    """A weapon as the business's books leave it: its last holder and status."""

    identity: Identity | None
    holder: str | None
    status: str


@dataclass(frozen=True)
class Difference:
    weapon_id: int
    kind: Kind
    detail: str


def reconcile(
    business: str, held: Iterable[OnRecord], books: Iterable[InBooks], known: Mapping[Identity, OnRecord]
) -> list[Difference]:
    """The differences between what the registry holds for `business` and its books, one per weapon.

    `held`: the weapons the registry holds as the business's; `known`: the weapons of the books
    the registry already had, by identity, as it holds them."""
    books = list(books)
    in_books = {b.identity for b in books if b.identity is not None}
    differences: dict[int, Difference] = {}
    for h in held:
        if h.identity is None or h.identity not in in_books:
            detail = N_(
                "on record here as held by %(business)s (%(status)s), missing from the books",
                business=business,
                status=N_(h.status),
            )
            differences[h.weapon_id] = Difference(h.weapon_id, Kind.MISSING, detail)
    for b in books:
        w = known.get(b.identity) if b.identity is not None else None
        if w is None or w.weapon_id in differences:
            continue
        if name_key(b.holder) != name_key(w.holder) or b.status != w.status:
            detail = N_(
                "the books leave it with %(books_holder)s (%(books_status)s); the registry holds it as "
                "%(holder)s's (%(status)s)",
                books_holder=b.holder or "—",
                books_status=N_(b.status),
                holder=w.holder or "—",
                status=N_(w.status),
            )
            differences[w.weapon_id] = Difference(w.weapon_id, Kind.MISMATCH, detail)
    return sorted(differences.values(), key=lambda d: d.weapon_id)
