"""Import marking as a task (ITI para 8(b); ISACS 05.30; Firearms Protocol Art. 8): what an imported weapon
awaits, computed from its events, and what the mark that closes the task must say."""

from __future__ import annotations

from armtrace.domain.categories import Category
from armtrace.domain.lifecycle import EventFacts, EventType, from_payload, replay, to_payload
from armtrace.domain.marking import ImportMarkingDue, check_import_mark, import_marking_due, temporary_imports
from armtrace.domain.markings import Location, Mark, MarkKind, check_marks
from armtrace.domain.registry import MarkingCondition, Origin, WeaponDescription
from tests.factories import description, event, manufacture_mark, when

KEN_MARK = Mark(MarkKind.IMPORT, Location.RECEIVER, "KEN 19", country="KEN", year=2019)


def imported(d: WeaponDescription | None = None, *, marks: tuple[Mark, ...] = (), temporary: str | None = None):  # type: ignore[no-untyped-def]
    d = d or description()
    made = (manufacture_mark(d),) if d.serial and d.marking_condition is MarkingCondition.MARKED else ()
    return event(
        EventType.IMPORTED,
        when(2019, 5, 2),
        country="KEN",
        holder="Kenya Police Service",
        description=d,
        marks=(*made, *marks),
        temporary=temporary,
    )


def marked(*marks: Mark, at: int = 2020) -> EventFacts:
    return event(EventType.MARKED, when(at), country="KEN", marks=marks)


def test_an_import_without_the_importing_countrys_mark_is_due_since_the_import() -> None:
    due = import_marking_due(replay([(1, imported())]))
    assert due == ImportMarkingDue("KEN", 2019, when(2019, 5, 2), serial_needed=False)
    assert due is not None and due.code == "KEN 2019"
    assert ImportMarkingDue.from_code(due.code, due.since) == due


def test_an_import_recorded_with_its_mark_or_marked_later_is_not_due() -> None:
    assert import_marking_due(replay([(1, imported(marks=(KEN_MARK,)))])) is None
    assert import_marking_due(replay([(1, imported()), (2, marked(KEN_MARK))])) is None


def test_an_import_mark_for_another_country_leaves_the_task_open() -> None:
    uga = Mark(MarkKind.IMPORT, Location.RECEIVER, "UGA 18", country="UGA", year=2018)
    assert import_marking_due(replay([(1, imported()), (2, marked(uga))])) is not None


def test_an_unmarked_weapon_imported_needs_a_unique_serial_with_its_import_mark() -> None:
    d = WeaponDescription(Category.SHOTGUN, marking_condition=MarkingCondition.UNMARKED, origin=Origin.CRAFT)
    due = import_marking_due(replay([(1, imported(d))]))
    assert due is not None and due.serial_needed and due.code == "KEN 2019 +serial"
    assert ImportMarkingDue.from_code(due.code, due.since).serial_needed
    problems = check_import_mark(due, country=None, year=2019, serial=None, this_year=2026)
    assert [(p.field, p.rule) for p in problems.problems] == [("serial", "ITI para 8(b); ISACS 05.30")]


def test_an_obliterated_weapon_whose_serial_was_read_needs_no_new_serial() -> None:
    d = description(marking_condition=MarkingCondition.OBLITERATED)
    due = import_marking_due(replay([(1, imported(d))]))
    assert due is not None and not due.serial_needed


def test_an_import_mark_that_adds_a_serial_is_the_unique_mark_and_closes_both_gaps() -> None:
    d = WeaponDescription(Category.SHOTGUN, marking_condition=MarkingCondition.UNMARKED, origin=Origin.CRAFT)
    mark = Mark(MarkKind.IMPORT, Location.FRAME, "KEN 2019 K000123", country="KEN", year=2019, serial="K000123")
    state = replay([(1, imported(d)), (2, marked(mark))])
    assert import_marking_due(state) is None
    assert check_marks(state.description, state.marks, imports=state.imports) == []


def test_a_temporary_import_is_exempt_with_its_reason_and_raises_no_gap() -> None:
    reason = "Africa shooting championship, Nairobi; re-exported after it"
    state = replay([(1, imported(temporary=reason))])
    assert import_marking_due(state) is None
    assert [(i.country, i.temporary) for i in temporary_imports(state)] == [("KEN", reason)]
    assert "no_import_mark" not in [g.code for g in check_marks(state.description, state.marks, imports=state.imports)]


def test_the_temporary_reason_travels_in_the_payload_only_when_given() -> None:
    plain = imported()
    assert "temporary" not in to_payload(plain)
    temporary = imported(temporary="repair at the maker's")
    assert from_payload(to_payload(temporary)).temporary == "repair at the maker's"


def test_only_an_import_may_be_temporary() -> None:
    facts = event(EventType.TRANSFERRED, when(2020), holder="Unit 4", temporary="exhibition")
    assert [p.field for p in facts.problems().problems] == ["temporary"]


def test_a_weapon_out_of_the_states_hands_awaits_no_mark_until_it_is_recovered() -> None:
    history = [(1, imported()), (2, event(EventType.STOLEN, when(2020), country="KEN"))]
    assert import_marking_due(replay(history)) is None
    history.append((3, event(EventType.RECOVERED, when(2021), country="KEN", holder="DCI Firearms Unit")))
    due = import_marking_due(replay(history))
    assert due is not None and due.since == when(2019, 5, 2)


def test_the_year_marked_lies_between_the_import_and_today_and_the_country_is_the_importers() -> None:
    due = ImportMarkingDue("KEN", 2019, when(2019, 5, 2))
    problems = check_import_mark(due, country="UGA", year=2018, serial=None, this_year=2026)
    assert [p.field for p in problems.problems] == ["country", "year"]
    assert not check_import_mark(due, country="KEN", year=2026, serial=None, this_year=2026)
