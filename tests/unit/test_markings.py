"""The ITI check of a weapon's marks: every gap at once, each with its rule."""

from __future__ import annotations

from dataclasses import replace

from armtrace.domain.markings import Import, Location, Mark, MarkKind, check_marks
from armtrace.domain.registry import MarkingCondition, Origin
from tests.factories import description, manufacture_mark


def codes(gaps: list) -> list[str]:
    return [g.code for g in gaps]


def test_a_fully_marked_weapon_has_no_gap() -> None:
    d = description()
    assert check_marks(d, (manufacture_mark(d),)) == []


def test_a_manufacture_mark_without_country_and_serial_reports_both_gaps_in_one_answer() -> None:
    d = description()
    mark = replace(manufacture_mark(d), country=None, serial=None)
    gaps = check_marks(d, (mark,))
    assert codes(gaps) == ["manufacture_mark_lacks_country", "manufacture_mark_lacks_serial"]
    assert gaps[0].message == "manufacture mark lacks the country"
    assert all(g.rule == "ITI para 8(a)" for g in gaps)


def test_an_import_without_an_import_mark_is_named_with_country_and_year() -> None:
    d = description()
    gaps = check_marks(d, (manufacture_mark(d),), imports=(Import("KEN", 2019),))
    assert [g.message for g in gaps] == ["no import mark although imported into KEN in 2019"]
    assert gaps[0].rule == "ITI para 8(b)"


def test_an_import_mark_for_another_country_does_not_count() -> None:
    d = description()
    marks = (manufacture_mark(d), Mark(MarkKind.IMPORT, Location.RECEIVER, "UGA 18", country="UGA", year=2018))
    gaps = check_marks(d, marks, imports=(Import("UGA", 2018), Import("KEN", 2019)))
    assert codes(gaps) == ["no_import_mark"]
    assert "KEN" in gaps[0].message


def test_an_import_mark_without_a_year_is_only_encouraged() -> None:
    d = description()
    marks = (manufacture_mark(d), Mark(MarkKind.IMPORT, Location.RECEIVER, "KEN", country="KEN"))
    gaps = check_marks(d, marks, imports=(Import("KEN", 2019),))
    assert [(g.code, g.severity.value) for g in gaps] == [("import_mark_lacks_year", "encouraged")]


def test_a_manufacture_mark_only_on_the_barrel_is_not_on_an_essential_part() -> None:
    d = description()
    gaps = check_marks(d, (replace(manufacture_mark(d), location=Location.BARREL),))
    assert codes(gaps) == ["manufacture_mark_not_on_essential_part"]
    assert "barrel" in gaps[0].message


def test_an_unmarked_weapon_needs_a_state_mark_until_one_is_assigned() -> None:
    d = description(serial=None, manufacturer=None, marking_condition=MarkingCondition.UNMARKED)
    assert codes(check_marks(d, ())) == ["needs_state_mark"]
    assigned = Mark(MarkKind.ASSIGNED, Location.FRAME, "KEN 2026 A00000001", country="KEN", year=2026)
    assert check_marks(d, (assigned,)) == []


def test_a_3d_printed_weapon_is_flagged_and_needs_a_state_mark() -> None:
    d = description(origin=Origin.PRINTED_3D, serial=None, manufacturer=None)
    assert d.flagged
    assert check_marks(d, ())[0].message == "the weapon is 3D-printed and the State has not assigned it a unique mark"


def test_leaving_government_stock_for_civilian_use_needs_the_transferring_state_mark() -> None:
    d = description()
    gaps = check_marks(d, (manufacture_mark(d),), left_state_stock_for_civilian="KEN")
    assert codes(gaps) == ["no_state_mark"]
    state_mark = Mark(MarkKind.STATE, Location.RECEIVER, "KEN GOV", country="KEN")
    assert check_marks(d, (manufacture_mark(d), state_mark), left_state_stock_for_civilian="KEN") == []
