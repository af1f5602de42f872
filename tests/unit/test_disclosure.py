"""What an answer discloses from a weapon's history, and the coded reasons when no record answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from armtrace.domain.categories import Category
from armtrace.domain.disclosure import from_history, not_held
from armtrace.domain.lifecycle import EventFacts, EventType
from armtrace.domain.registry import WeaponDescription
from armtrace.domain.tracing import FailureReason, Markings, Outcome, Status, overdue

T0 = datetime(2012, 3, 1, 9, tzinfo=UTC)


def made() -> EventFacts:
    return EventFacts(
        EventType.MANUFACTURED,
        T0,
        "Manufacturing licence BE/1",
        country="BEL",
        place="Herstal",
        who="FN Herstal",
        holder="FN Herstal",
        description=WeaponDescription(Category.RIFLE, manufacturer="FN Herstal", serial="1234567"),
    )


def exported(to: str, days: int = 30) -> EventFacts:
    return EventFacts(
        EventType.EXPORTED, T0 + timedelta(days=days), "Export licence EXP/7", country="BEL", counterpart_country=to
    )


def test_an_exported_weapon_is_traced_and_the_chain_goes_on_to_the_importing_state() -> None:
    d = from_history(7, [(1, made()), (2, exported("KEN"))])
    assert d.answer.outcome is Outcome.TRACED and d.answer.next_country == "KEN" and d.weapon_id == 7
    assert d.answer.facts[0] == (
        "2012-03-01 manufactured in BEL at Herstal by FN Herstal — under Manufacturing licence BE/1"
    )
    assert d.answer.facts[1] == "2012-03-31 exported from BEL to KEN — under Export licence EXP/7"
    assert "continues with KEN" in d.answer.facts[-1]


def test_a_stolen_weapon_ends_the_chain_where_it_left_licit_control() -> None:
    stolen = EventFacts(
        EventType.STOLEN, T0 + timedelta(days=400), "Occurrence book OB/9", country="BEL", place="Liège"
    )
    d = from_history(7, [(1, made()), (2, stolen)])
    assert d.answer.next_country is None
    assert d.answer.facts[-1] == "The weapon left licit control here: stolen on 2013-04-05, as recorded above."


def test_an_answer_discloses_the_corrected_history_not_the_voided_event() -> None:
    wrong = exported("UGA")
    void = EventFacts(EventType.CORRECTION, T0 + timedelta(days=40), "Clerical error, memo 12", corrects=2, void=True)
    d = from_history(7, [(1, made()), (2, wrong), (3, void), (4, exported("KEN", 45))])
    assert d.answer.next_country == "KEN"
    assert not any("UGA" in line for line in d.answer.facts)


def test_an_obliterated_serial_is_the_coded_reason_a_trace_fails() -> None:
    d = not_held(Markings("FN Herstal", None, "BEL", serial_obliterated=True), manufacturer_known=True)
    assert (d.answer.outcome, d.answer.failure) == (Outcome.NOT_TRACED, FailureReason.SERIAL_OBLITERATED)


def test_an_unknown_manufacturer_and_a_missing_record_have_their_own_codes() -> None:
    unknown = not_held(Markings("Fabbrica Ignota", "123456"), manufacturer_known=False)
    missing = not_held(Markings("FN Herstal", "123456"), manufacturer_known=True)
    no_serial = not_held(Markings("FN Herstal", None), manufacturer_known=True)
    assert unknown.answer.failure is FailureReason.MANUFACTURER_UNIDENTIFIED
    assert missing.answer.failure is FailureReason.RECORD_NOT_FOUND
    assert no_serial.answer.failure is FailureReason.DESCRIPTION_INCOMPLETE


def test_a_request_is_overdue_for_what_it_still_awaits() -> None:
    ack_by, answer_by = T0 + timedelta(days=7), T0 + timedelta(days=30)
    assert overdue(Status.SENT, ack_by, answer_by, T0 + timedelta(days=1)) is None
    assert overdue(Status.SENT, ack_by, answer_by, T0 + timedelta(days=8)) == "acknowledgement"
    assert overdue(Status.ACKNOWLEDGED, ack_by, answer_by, T0 + timedelta(days=8)) is None
    assert overdue(Status.ACKNOWLEDGED, ack_by, answer_by, T0 + timedelta(days=31)) == "answer"
    assert overdue(Status.ANSWERED, ack_by, answer_by, T0 + timedelta(days=31)) is None
