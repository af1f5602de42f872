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
)


def content(**overrides: object) -> RequestContent:
    values: dict[str, object] = {
        "bases": (IllicitBasis.NATIONAL_LAW,),
        "legal_justification": "Firearms Act s.4: possession without a certificate",
        "circumstances": "seized at a roadblock near Garissa on 2026-11-20",
        "markings": Markings("Kalashnikov Concern", "0365292", "RUS", "AKM", last_import_country="KEN"),
        "category": "assault_rifle",
        "calibre": "7.62x39mm",
        "intended_use": "criminal investigation CR/2026/441",
    }
    values.update(overrides)
    return RequestContent(**values)  # type: ignore[arg-type]


def fields(problems) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.field for p in problems.problems]


def test_a_complete_request_has_no_problem() -> None:
    assert not check_content(content())


def test_a_request_without_legal_basis_lists_every_missing_element_at_once() -> None:
    bare = content(bases=(), legal_justification=" ", circumstances="", intended_use="", calibre=None)
    assert fields(check_content(bare)) == ["bases", "legal_justification", "circumstances", "intended_use", "calibre"]
    assert check_content(bare).problems[0].rule == "ITI para 6"


def test_an_obliterated_serial_needs_photographs_instead_of_the_serial() -> None:
    obliterated = content(markings=Markings("Kalashnikov Concern", None, "RUS", serial_obliterated=True))
    assert fields(check_content(obliterated)) == ["photographs"]
    assert not check_content(replace(obliterated, photographs=("sha256:" + "ab" * 32,)))
    named = check_content(replace(obliterated, photographs=("frame-left.jpg",)))  # a name is not a photograph
    assert [p.message for p in named.problems] == ["a photograph travels as a reference by its hash"]


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
