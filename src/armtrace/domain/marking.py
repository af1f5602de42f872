"""Import marking as a task: what mark an imported weapon still awaits (ITI para 8(b); ISACS 05.30;
Firearms Protocol Art. 8).

An imported weapon gets a simple mark naming the country of import and, where possible, the year;
one that carries no unique mark also gets a unique serial. Until the mark and its place on the
weapon are recorded, the weapon awaits it. What is due is a projection of the weapon's events, like
its status and holder: computed here from its state, kept in the weapons row in the same
transaction, and recomputed by `verify`. A temporary lawful import (a competition, a repair, an
exhibition, with re-export) is exempt, with its reason.

The task waits only while the State can mark the weapon: held, in stock, recovered or deactivated
here. A weapon exported, lost, stolen or destroyed cannot be marked; its gap stays on its ITI
marking check, and the task comes back if it is recovered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from armtrace.domain.errors import N_, ProblemList
from armtrace.domain.lifecycle import Status, WeaponState
from armtrace.domain.markings import Import, MarkKind

RULE = "ITI para 8(b)"
IN_REACH = frozenset({Status.HELD, Status.IN_STOCK, Status.RECOVERED, Status.DEACTIVATED})
UNIQUE_KINDS = frozenset({MarkKind.MANUFACTURE, MarkKind.ASSIGNED, MarkKind.IMPORT, MarkKind.STATE})
SERIAL = "+serial"  # the stored code's suffix when a unique serial is due too


@dataclass(frozen=True)
class ImportMarkingDue:
    """The import mark a weapon awaits: country and year of import, whether a unique serial is due too,
    and since when (the import's date, so it can be recomputed from the events)."""

    country: str
    year: int
    since: datetime
    serial_needed: bool = False

    @property
    def code(self) -> str:
        """The stored form: 'KEN 2019', or 'KEN 2019 +serial'."""
        return f"{self.country} {self.year}" + (f" {SERIAL}" if self.serial_needed else "")

    @classmethod
    def from_code(cls, code: str, since: datetime) -> ImportMarkingDue:
        country, year, *rest = code.split()
        return cls(country, int(year), since, serial_needed=SERIAL in rest)


def has_unique_mark(state: WeaponState) -> bool:
    """Whether the weapon carries a unique mark: the serial it was recorded with (a marked weapon always
    has one; an obliterated or craft-made one may have had it read or restored), or a mark that gives
    one (manufacture, State-assigned, import or State mark with a serial). Without one, the import mark
    adds a unique serial (ITI para 8(b); ISACS 05.30)."""
    return bool(state.description.serial) or any(m.serial for m in state.marks if m.kind in UNIQUE_KINDS)


def unmarked_imports(state: WeaponState) -> list[Import]:
    """The imports, in order, that no import mark for their country answers, temporary ones left out."""
    marked = {m.country for m in state.marks if m.kind is MarkKind.IMPORT}
    return [i for i in state.imports if not i.temporary and i.country not in marked]


def import_marking_due(state: WeaponState) -> ImportMarkingDue | None:
    """The import mark the weapon awaits, if any: the first import no mark answers yet, while the weapon
    is in the State's hands."""
    if state.status not in IN_REACH:
        return None
    pending = unmarked_imports(state)
    if not pending or pending[0].at is None:
        return None
    first, since = pending[0], pending[0].at
    return ImportMarkingDue(first.country, first.year, since, serial_needed=not has_unique_mark(state))


def temporary_imports(state: WeaponState) -> list[Import]:
    """The temporary lawful imports the record shows, each exempt from import marking with its reason."""
    return [i for i in state.imports if i.temporary]


def check_import_mark(
    due: ImportMarkingDue, *, country: str | None, year: int, serial: str | None, this_year: int
) -> ProblemList:
    """Every problem with an import mark about to be recorded against what is due, at once."""
    problems = ProblemList()
    if country and country != due.country:
        problems.add(
            "country",
            N_("the import mark names the country of import, %(country)s", country=due.country),
            country,
            rule=RULE,
            hint=N_("leave the country out: it is the importing country's"),
        )
    if year < due.year or year > this_year:
        problems.add(
            "year",
            N_("is not between the year of import (%(year)s) and this year", year=due.year),
            year,
            rule=RULE,
            hint=N_("leave the year out to mark the year of import"),
        )
    if due.serial_needed and not (serial or "").strip():
        problems.add(
            "serial",
            N_("is required: the weapon carries no unique mark, so its import mark adds one"),
            rule=RULE + "; ISACS 05.30",
            hint=N_("give the unique serial marked on the weapon with --serial"),
        )
    return problems
