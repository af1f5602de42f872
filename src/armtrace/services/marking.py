"""Import marking: the weapons awaiting their import mark, and the act that records it (ITI para 8(b);
ISACS 05.30; Firearms Protocol Art. 8).

A task opens when a weapon is imported without the importing country's mark, wherever the import
is recorded (one by one, in bulk, from a closed business's books), because what is due is part of
the weapon's projection (domain/marking.py). It closes only here, or by any event that records an
import mark with its place: a `marked` event carrying the IMPORT mark, in one transaction with the
weapon's projection.
"""

from __future__ import annotations

from dataclasses import dataclass

from armtrace.domain.actors import Clock
from armtrace.domain.errors import N_, Conflict, ProblemList, RuleViolation
from armtrace.domain.lifecycle import EventFacts, EventType, WeaponState, replay
from armtrace.domain.marking import RULE, check_import_mark, import_marking_due, temporary_imports, unmarked_imports
from armtrace.domain.markings import Location, Mark, MarkKind
from armtrace.domain.retention import RetentionPolicy
from armtrace.queries.marking import MarkingTasks, marking_tasks
from armtrace.services.door import use_case
from armtrace.services.importing.intake import country as country_code
from armtrace.services.importing.intake import text as stripped
from armtrace.services.registry import DEFAULT_POLICY, Recorded, _append, _load_history
from armtrace.store.uow import UnitOfWork


@dataclass(frozen=True)
class MarkImport:
    """Record the import mark a weapon awaits: where it sits (required: ISACS 05.30 records the place of
    every mark), and, if not the due ones, its year, the unique serial it adds and its text."""

    weapon_id: int
    location: str
    why: str
    year: int | None = None
    serial: str | None = None
    text: str | None = None
    country: str | None = None  # the importing country's, always; given only to be checked


@use_case("registry.record")
def mark_import(cmd: MarkImport, uow: UnitOfWork, clock: Clock, policy: RetentionPolicy = DEFAULT_POLICY) -> Recorded:
    """Record the import mark a weapon awaits, which closes its marking task; refuses a weapon that awaits
    none, and a mark that lacks what is due (the place, the serial of a weapon with no unique mark)."""
    problems = ProblemList()
    location = next((loc for loc in Location if loc.value == (cmd.location or "").strip().lower()), None)
    if location is None:
        places = N_("use one of: %(values)s", values=", ".join(x.value for x in Location))
        if not cmd.location:  # each message its own literal, for the translators
            problems.add(
                "location", "is required: the place of the mark on the weapon", rule="ISACS 05.30", hint=places
            )
        else:
            problems.add("location", "is not a place on a weapon", cmd.location, rule="ISACS 05.30", hint=places)
    if not (cmd.why or "").strip():
        problems.add("why", "is missing", hint=N_("give the marking order or document"))
    code = country_code(problems, "country", cmd.country)
    problems.raise_if_any(N_("no import mark was recorded on weapon #%(weapon)s", weapon=cmd.weapon_id))
    assert location is not None
    now = clock.now()
    with uow:
        uow.events.lock_head()
        history = _load_history(uow, cmd.weapon_id)
        state = replay(history)
        due = import_marking_due(state)
        if due is None:
            raise _nothing_due(cmd.weapon_id, state)
        year = cmd.year or due.year
        serial = stripped(cmd.serial)
        check_import_mark(due, country=code, year=year, serial=serial, this_year=now.year).raise_if_any(
            N_("no import mark was recorded on weapon #%(weapon)s", weapon=cmd.weapon_id)
        )
        text = stripped(cmd.text) or " ".join(x for x in (due.country, str(year), serial) if x)
        mark = Mark(MarkKind.IMPORT, location, text=text, country=due.country, year=year, serial=serial)
        facts = EventFacts(EventType.MARKED, now, cmd.why.strip(), country=due.country, marks=(mark,))
        facts.problems().raise_if_any(N_("no import mark was recorded on weapon #%(weapon)s", weapon=cmd.weapon_id))
        return _append(uow, clock, policy, cmd.weapon_id, history, facts, "marking:weapon:import_mark", cmd.why)


def _nothing_due(weapon_id: int, state: WeaponState) -> Exception:
    """Why a weapon awaits no import mark, as the error that says so."""
    if not state.imports:
        return RuleViolation(
            N_("weapon #%(weapon)s was never imported: it awaits no import mark", weapon=weapon_id),
            rule=RULE,
            hint=N_("record its import first, or give it a State mark with 'armtrace weapon assign-mark'"),
        )
    if unmarked_imports(state):
        status = N_(state.status.value)
        return RuleViolation(
            N_("weapon #%(weapon)s is %(status)s: it cannot be marked now", weapon=weapon_id, status=status),
            rule=RULE,
            hint=N_("its marking task comes back when it is in the State's hands again"),
        )
    if temporary_imports(state) and len(temporary_imports(state)) == len(state.imports):
        return RuleViolation(
            N_("weapon #%(weapon)s was imported temporarily: it is exempt from import marking", weapon=weapon_id),
            rule="Firearms Protocol Art. 8",
            hint=N_("nothing to do; correct the import if it was not temporary"),
        )
    return Conflict(
        N_("weapon #%(weapon)s carries its import mark already: it awaits none", weapon=weapon_id),
        rule=RULE,
        hint=N_("see its marks with 'armtrace weapon show %(weapon)s'", weapon=weapon_id),
    )


@use_case("registry.read")
def tasks(uow: UnitOfWork, clock: Clock, page: int = 1, per_page: int = 50) -> MarkingTasks:
    """The weapons awaiting their import mark, oldest first, each with its age in days (no holder named)."""
    with uow.reading():
        return marking_tasks(uow.conn, clock.now(), page, per_page)
