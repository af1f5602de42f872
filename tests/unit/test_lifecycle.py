"""The projection: a weapon's state as the fold of its effective events."""

from __future__ import annotations

import pytest

from armtrace.domain.errors import RuleViolation
from armtrace.domain.lifecycle import EventFacts, EventType, Status, effective, fold, from_payload, replay, to_payload
from armtrace.domain.markings import Location, Mark, MarkKind
from tests.factories import event, manufactured, when


def history() -> list[tuple[int, EventFacts]]:
    return [
        (1, manufactured()),
        (2, event(EventType.EXPORTED, when(2009), country="RUS", counterpart_country="KEN", why="export licence E-9")),
        (
            3,
            event(
                EventType.IMPORTED,
                when(2009, 6),
                country="KEN",
                holder="Kenya Police Service",
                marks=(Mark(MarkKind.IMPORT, Location.RECEIVER, "KEN 09", country="KEN", year=2009),),
            ),
        ),
        (4, event(EventType.STOCK_IN, when(2010), facility="Nairobi Central Armoury", country="KEN")),
    ]


def test_the_state_follows_each_event_in_order() -> None:
    state = replay(history())
    assert state.status is Status.IN_STOCK
    assert state.holder == "Kenya Police Service"
    assert state.facility == "Nairobi Central Armoury"
    assert state.country == "KEN"
    assert [m.kind for m in state.marks] == [MarkKind.MANUFACTURE, MarkKind.IMPORT]
    assert [(i.country, i.year) for i in state.imports] == [("KEN", 2009)]


def test_an_exported_weapon_is_placed_in_the_destination_country() -> None:
    state = replay(history()[:2])
    assert (state.status, state.country) == (Status.EXPORTED, "KEN")


def test_a_record_cannot_start_with_a_loss() -> None:
    with pytest.raises(RuleViolation, match="cannot start with a lost event"):
        fold(None, event(EventType.LOST, when(2010)))


def test_nothing_but_a_correction_follows_destruction() -> None:
    state = replay([*history(), (5, event(EventType.DESTROYED, when(2011)))])
    with pytest.raises(RuleViolation, match="cannot follow status 'destroyed'") as err:
        fold(state, event(EventType.TRANSFERRED, when(2012), holder="someone"))
    assert "correct the destruction" in (err.value.hint or "")


def test_an_event_dated_before_the_last_one_is_refused() -> None:
    state = replay(history())
    with pytest.raises(RuleViolation, match="before the weapon's last recorded event"):
        fold(state, event(EventType.STOCK_OUT, when(2009, 12), holder="Unit 4"))


def test_stock_out_leaves_the_facility_and_names_the_new_holder() -> None:
    state = fold(replay(history()), event(EventType.STOCK_OUT, when(2011), holder="Unit 4"))
    assert (state.status, state.facility, state.holder) == (Status.HELD, None, "Unit 4")


def test_a_correction_restates_the_facts_of_the_event_it_names() -> None:
    fix = EventFacts(
        EventType.CORRECTION,
        when(2012),
        why="typo in facility name",
        corrects=4,
        changes={"facility": "Nairobi Central Armory"},
    )
    state = replay([*history(), (5, fix)])
    assert state.facility == "Nairobi Central Armory"


def test_a_voiding_correction_removes_the_event_from_the_projection() -> None:
    void = EventFacts(EventType.CORRECTION, when(2012), why="recorded on the wrong weapon", corrects=4, void=True)
    assert replay([*history(), (5, void)]).status is Status.HELD


def test_the_latest_correction_of_an_event_wins() -> None:
    first = EventFacts(EventType.CORRECTION, when(2012), why="a", corrects=4, changes={"facility": "A"})
    second = EventFacts(EventType.CORRECTION, when(2013), why="b", corrects=4, changes={"facility": "B"})
    assert [e.facility for _, e in effective([*history(), (5, first), (6, second)])][-1] == "B"


def test_a_correction_of_the_description_changes_the_weapon_identity() -> None:
    fix = EventFacts(
        EventType.CORRECTION,
        when(2012),
        why="serial misread",
        corrects=1,
        changes={"description": {"serial": "AK123465"}},
    )
    assert replay([*history(), (5, fix)]).description.serial == "AK123465"


def test_voiding_the_only_event_leaves_no_record_and_is_refused() -> None:
    void = EventFacts(EventType.CORRECTION, when(2012), why="x", corrects=1, void=True)
    with pytest.raises(RuleViolation, match="no event would remain"):
        replay([(1, manufactured()), (2, void)])


def test_every_missing_fact_of_an_event_is_listed_at_once() -> None:
    problems = EventFacts(EventType.EXPORTED, when(2010), why=" ").problems()
    assert [p.field for p in problems.problems] == ["why", "country", "counterpart_country"]


def test_an_event_survives_its_payload_round_trip() -> None:
    for _, e in history():
        assert from_payload(to_payload(e)) == e
