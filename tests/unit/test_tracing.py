"""Tracing requests: the content rules, the answers' rules, the lifecycle, the deadlines."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from armtrace.domain.errors import RuleViolation
from armtrace.domain.tracing import (
    Answer,
    Deadlines,
    FailureReason,
    IllicitBasis,
    IntendedUse,
    Markings,
    Outcome,
    Priority,
    RequestContent,
    Restriction,
    Status,
    add_working_days,
    check_answer,
    check_content,
    state_to_ask,
    transition,
    waiting_since,
)


def content(**overrides: object) -> RequestContent:
    values: dict[str, object] = {
        "bases": (IllicitBasis.NATIONAL_LAW,),
        "legal_justification": "Firearms Act s.4: possession without a certificate",
        "circumstances": "seized at a roadblock near Garissa on 2026-11-20",
        "markings": Markings("Kalashnikov Concern", "0365292", "RUS", "AKM", last_import_country="KEN"),
        "category": "assault_rifle",
        "calibre": "7.62x39mm",
        "intended_use": "criminal_investigation",
    }
    values.update(overrides)
    return RequestContent(**values)  # type: ignore[arg-type]


def fields(problems) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.field for p in problems.problems]


def rules(problems) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    return {p.field: p.rule for p in problems.problems}


PHOTO = "sha256:" + "ab" * 32


def test_a_complete_request_has_no_problem() -> None:
    assert not check_content(content())


def test_a_request_without_legal_basis_lists_every_missing_element_at_once_citing_iti_para_17() -> None:
    bare = content(bases=(), legal_justification=" ", circumstances="", intended_use="", calibre=None)
    assert fields(check_content(bare)) == ["bases", "legal_justification", "circumstances", "calibre", "intended_use"]
    assert rules(check_content(bare)) == {
        "bases": "ITI para 17(a)",
        "legal_justification": "ITI para 17(a)",
        "circumstances": "ITI para 17(a)",
        "calibre": "ITI para 17(b)",
        "intended_use": "ITI para 17(c)",
    }


def test_the_model_is_required_as_isacs_05_31_wants() -> None:
    no_model = check_content(content(markings=Markings("Kalashnikov Concern", "0365292", "RUS")))
    assert rules(no_model) == {"markings.model": "ISACS 05.31"}


def test_make_and_country_are_each_required_not_one_or_the_other() -> None:
    no_maker = check_content(content(markings=Markings(None, "0365292", "RUS", "AKM")))
    no_country = check_content(content(markings=Markings("Kalashnikov Concern", "0365292", None, "AKM")))
    assert rules(no_maker) == {"markings.manufacturer": "ISACS 05.31"}
    assert rules(no_country) == {"markings.country": "ISACS 05.31"}


def test_the_country_of_latest_import_stands_for_the_country_of_manufacture() -> None:
    imported = Markings("Kalashnikov Concern", "0365292", None, "AKM", last_import_country="KEN")
    assert not check_content(content(markings=imported))


def test_a_request_with_no_model_and_no_country_lists_both() -> None:
    bare = check_content(content(markings=Markings("FN Herstal", "1234567")))
    assert fields(bare) == ["markings.model", "markings.country"]


def test_an_obliterated_serial_needs_photographs_instead_of_the_serial() -> None:
    obliterated = content(markings=Markings("Kalashnikov Concern", None, "RUS", "AKM", serial_obliterated=True))
    assert rules(check_content(obliterated)) == {"photographs": "ISACS 05.31"}
    assert "serial" in check_content(obliterated).problems[0].message
    assert not check_content(replace(obliterated, photographs=(PHOTO,)))
    named = check_content(replace(obliterated, photographs=("frame-left.jpg",)))  # a name is not a photograph
    assert [p.message for p in named.problems] == ["a photograph travels as a reference by its hash"]


def test_photographs_stand_in_for_each_element_said_unreadable_and_the_request_says_which() -> None:
    marks = Markings(None, "0365292", None, "AKM", unreadable=("manufacturer", "country"))
    problems = check_content(content(markings=marks))
    assert fields(problems) == ["photographs"]
    assert "manufacturer, country" in problems.problems[0].message
    assert not check_content(content(markings=marks, photographs=(PHOTO,)))
    assert marks.standing_in() == ("manufacturer", "country")


def test_a_craft_made_weapon_has_photographs_in_place_of_the_marks_it_never_had() -> None:
    craft = Markings(None, None, None, None, craft_made=True)
    assert fields(check_content(content(markings=craft))) == ["photographs"]
    assert not check_content(content(markings=craft, photographs=(PHOTO,)))
    assert craft.standing_in() == ("manufacturer", "model", "serial", "country")


def test_an_element_that_is_not_of_the_marks_cannot_be_said_unreadable() -> None:
    odd = Markings("Kalashnikov Concern", "0365292", "RUS", "AKM", unreadable=("colour",))
    assert "markings.unreadable" in fields(check_content(content(markings=odd, photographs=(PHOTO,))))


@pytest.mark.parametrize("use", [u.value for u in IntendedUse if u is not IntendedUse.OTHER])
def test_each_intended_use_of_the_list_is_accepted(use: str) -> None:
    assert not check_content(content(intended_use=use))


@pytest.mark.parametrize("use", ["other", "other:", "other: "])
def test_an_intended_use_of_other_with_no_words_is_refused_citing_iti_para_17c(use: str) -> None:
    from armtrace.services.tracing import _use

    code, words = _use(use, "")
    refused = check_content(content(intended_use=code, intended_use_detail=words))
    assert rules(refused) == {"intended_use_detail": "ITI para 17(c)"}


def test_other_with_its_words_is_accepted_and_the_words_kept() -> None:
    from armtrace.services.tracing import _use

    code, words = _use("Other: civil forfeiture proceedings", "")
    assert (code, words) == ("other", "civil forfeiture proceedings")
    assert not check_content(content(intended_use=code, intended_use_detail=words))
    assert _use("Criminal investigation", "") == ("criminal_investigation", "")


def test_a_use_not_on_the_list_is_refused_naming_the_list() -> None:
    refused = check_content(content(intended_use="curiosity"))
    assert rules(refused) == {"intended_use": "ITI para 17(c)"}
    assert "criminal_investigation" in (refused.problems[0].hint or "")


def test_an_urgent_request_needs_its_reason() -> None:
    assert fields(check_content(content(priority=Priority.URGENT))) == ["urgency_reason"]


def test_the_state_to_ask_is_the_last_importer_or_else_the_maker() -> None:
    assert state_to_ask(Markings("Norinco", "1", "CHN", last_import_country="UGA")) == "UGA"
    assert state_to_ask(Markings("Norinco", "1", "CHN")) == "CHN"


@pytest.mark.parametrize("outcome", [Outcome.PARTIALLY_TRACED, Outcome.DELAYED, Outcome.REFUSED])
def test_a_restricted_answer_must_give_an_iti_reason(outcome: Outcome) -> None:
    assert fields(check_answer(Answer(outcome, facts=("x",)))) == ["restriction"]
    assert not check_answer(Answer(outcome, Restriction.NATIONAL_SECURITY, facts=("x",)))


def test_a_not_traced_answer_must_give_a_coded_failure_reason() -> None:
    assert fields(check_answer(Answer(Outcome.NOT_TRACED))) == ["failure"]
    assert not check_answer(Answer(Outcome.NOT_TRACED, failure=FailureReason.RECORD_NOT_FOUND))


def test_a_request_moves_from_draft_to_answer_and_no_further() -> None:
    status = transition(Status.DRAFTED, "send")
    status = transition(status, "acknowledge")
    assert transition(status, "answer", Outcome.TRACED) is Status.ANSWERED
    with pytest.raises(RuleViolation, match="answered cannot be withdrawn"):
        transition(Status.ANSWERED, "withdraw")


def test_a_delayed_answer_keeps_the_request_open() -> None:
    assert transition(Status.ACKNOWLEDGED, "answer", Outcome.DELAYED) is Status.ACKNOWLEDGED


def test_a_draft_cannot_be_acknowledged() -> None:
    with pytest.raises(RuleViolation, match="drafted cannot be acknowledged"):
        transition(Status.DRAFTED, "acknowledge")


def test_five_working_days_skip_the_weekend_and_holidays() -> None:
    friday = datetime(2026, 11, 27, 10, tzinfo=UTC)
    assert add_working_days(friday, 5).date().isoformat() == "2026-12-04"
    holiday = frozenset({datetime(2026, 12, 1, tzinfo=UTC).date()})
    assert add_working_days(friday, 5, holiday).date().isoformat() == "2026-12-07"


def test_urgent_requests_have_shorter_deadlines() -> None:
    sent = datetime(2026, 11, 23, 9, tzinfo=UTC)  # a Monday
    d = Deadlines()
    assert (d.acknowledge_by(sent, Priority.URGENT) - sent).days == 1
    assert (d.answer_by(sent, Priority.ROUTINE) - sent).days == 30
    assert (d.answer_by(sent, Priority.URGENT) - sent).days == 7


def test_the_receiving_states_public_holidays_and_closed_days_are_not_working_days() -> None:
    from armtrace.reference.holidays import public_holidays

    thursday = datetime(2026, 12, 10, 15, tzinfo=UTC)  # Jamhuri Day, a Kenyan public holiday, is Sat 12 Dec
    kenya = Deadlines().closed_on(public_holidays("KEN", [2026, 2027]))
    assert kenya.acknowledge_by(thursday, Priority.ROUTINE).date().isoformat() == "2026-12-17"
    # Thursday 24 Dec: Christmas (Fri) and New Year's Day (Fri) are Kenyan holidays, with a weekend after each
    christmas_eve = datetime(2026, 12, 24, 9, tzinfo=UTC)
    assert Deadlines().acknowledge_by(christmas_eve, Priority.ROUTINE).date().isoformat() == "2026-12-31"
    assert kenya.acknowledge_by(christmas_eve, Priority.ROUTINE).date().isoformat() == "2027-01-04"
    closed = kenya.closed_on({datetime(2026, 12, 28, tzinfo=UTC).date()})  # the office's own closed day
    assert closed.acknowledge_by(christmas_eve, Priority.ROUTINE).date().isoformat() == "2027-01-05"


def test_a_state_the_calendar_does_not_know_has_no_public_holidays() -> None:
    from armtrace.reference.holidays import public_holidays

    assert public_holidays("XXX", [2026]) == frozenset() and public_holidays(None, [2026]) == frozenset()
    assert datetime(2026, 12, 25).date() in public_holidays("BEL", [2026])


def test_a_request_waits_for_its_acknowledgement_since_it_was_sent_then_for_its_answer() -> None:
    sent, acked = datetime(2026, 11, 23, 9, tzinfo=UTC), datetime(2026, 11, 25, 9, tzinfo=UTC)
    assert waiting_since(Status.SENT, sent, None) == sent
    assert waiting_since(Status.ACKNOWLEDGED, sent, acked) == acked
    assert waiting_since(Status.ANSWERED, sent, acked) is None
    assert waiting_since(Status.DRAFTED, None, None) is None
