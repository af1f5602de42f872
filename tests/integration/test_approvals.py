"""The two-person rule on both stores: disclosing registry data abroad, changing a holder by correction
and destroying records each wait for a second authorized user, who carries them out or rejects them."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from armtrace.domain.accounts import Principal, Role
from armtrace.domain.actors import Actor
from armtrace.domain.errors import Conflict, NotFound, NotPermitted, RuleViolation
from armtrace.domain.lifecycle import EventType
from armtrace.domain.retention import RetentionPolicy
from armtrace.services import approvals as two_person
from armtrace.services import tracing as tr
from armtrace.services.importing.intake import EventInput
from armtrace.services.registry import CorrectEvent, RecordEvent, add_weapon, correct_event, record_event
from armtrace.services.retention import PurgeRecords, purge
from armtrace.store import tables as t
from armtrace.store.uow import UnitOfWork
from tests.factories import add_weapon as weapon_cmd
from tests.factories import when

POLICY = RetentionPolicy()
ASKER = Principal(Actor("marie", "Marie"), frozenset({Role.TRACING_OFFICER, Role.REGISTRY_CLERK}))
SECOND = Principal(Actor("jean", "Jean"), frozenset({Role.TRACING_OFFICER, Role.REGISTRY_CLERK}))
AUDITOR = Principal(Actor("ana", "Ana"), frozenset({Role.AUDITOR}))


@pytest.fixture
def as_(engine, clock):  # type: ignore[no-untyped-def]
    return lambda actor: UnitOfWork(engine, actor, clock)


def answered_request(nodes, clock) -> str:  # type: ignore[no-untyped-def]
    """A request from KEN waiting at BEL (the fixture's pair), as BEL's officer sees it."""
    from tests.messages import deliver

    ken, bel, ken_engine, _ = nodes
    marks = tr.Markings("FN Herstal", "1234567", "BEL", "FAL")
    draft = tr.DraftRequest(("a",), "Firearms Act s.4", "seized", marks, "rifle", "7.62x51 NATO", "prosecution")
    ref = tr.draft_request(draft, ken(), clock)
    tr.send_request(ref, ken(), clock)
    deliver(ken_engine, bel, clock)
    return ref


def test_an_answer_disclosing_registry_data_waits_for_a_second_officer(nodes, clock) -> None:
    *_, bel_engine = nodes
    ref = answered_request(nodes, clock)
    as_bel = lambda actor: UnitOfWork(bel_engine, actor, clock)  # noqa: E731
    cmd = tr.AnswerRequest(ref, "traced", facts=("2011-05-01 exported from BEL to KEN",), next_country="KEN")
    handled = tr.answer(cmd, as_bel(ASKER), clock)
    assert not handled.done and handled.approval_id is not None
    with bel_engine.connect() as conn:
        assert conn.execute(sa.select(t.trace_requests.c.status).where(t.trace_requests.c.id == ref)).scalar() == "sent"
        assert conn.execute(sa.select(sa.func.count()).select_from(t.outbox)).scalar() == 1  # the receipt only
    with pytest.raises(NotPermitted, match="cannot also approve"):
        two_person.decide(handled.approval_id, True, None, as_bel(ASKER), clock, POLICY)
    with pytest.raises(NotPermitted, match=r"tracing\.act"):
        two_person.decide(handled.approval_id, True, None, as_bel(AUDITOR), clock, POLICY)
    assert two_person.decide(handled.approval_id, True, None, as_bel(SECOND), clock, POLICY) == "approved"
    with pytest.raises(Conflict, match="decided already"):
        two_person.decide(handled.approval_id, True, None, as_bel(SECOND), clock, POLICY)
    with bel_engine.connect() as conn:
        row = conn.execute(sa.select(t.trace_requests).where(t.trace_requests.c.id == ref)).one()
        actions = conn.execute(sa.select(t.change_log.c.action, t.change_log.c.actor)).all()
    assert (row.status, row.outcome) == ("answered", "traced")
    assert ("approvals:tracing:disclose:ask", "marie") in actions
    assert ("approvals:tracing:disclose:approved", "jean") in actions
    assert ("tracing:request:answered:traced", "jean") in actions


def test_a_refusal_or_a_not_traced_answer_discloses_nothing_and_goes_at_once(nodes, clock) -> None:
    *_, bel_engine = nodes
    ref = answered_request(nodes, clock)
    as_bel = lambda actor: UnitOfWork(bel_engine, actor, clock)  # noqa: E731
    handled = tr.answer(tr.AnswerRequest(ref, "not_traced", failure="record_not_found"),
                                       as_bel(ASKER), clock)  # fmt: skip
    assert handled.done


def test_a_bad_answer_is_refused_at_once_rather_than_left_waiting(nodes, clock) -> None:
    *_, bel_engine = nodes
    ref = answered_request(nodes, clock)
    as_bel = lambda actor: UnitOfWork(bel_engine, actor, clock)  # noqa: E731
    bad = tr.AnswerRequest(ref, "traced", facts=("exported",), next_country="XXX")
    with pytest.raises(Exception, match="was not answered"):
        tr.answer(bad, as_bel(ASKER), clock)
    with bel_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.approvals)).scalar() == 0


def test_changing_a_holder_by_correction_waits_and_a_rejection_says_why(as_, engine, clock) -> None:
    weapon = add_weapon(weapon_cmd("AK100001"), as_(ASKER), clock, POLICY).weapon_id
    record_event(RecordEvent(weapon, EventInput("transferred", why="FC/1", occurred_at=when(2012), country="KEN",
                                                holder="Unit 4")), as_(ASKER), clock, POLICY)  # fmt: skip
    plain = correct_event(
        CorrectEvent(weapon, 2, "place mistyped", changes={"place": "Nakuru"}), as_(ASKER), clock, POLICY
    )
    assert plain.done
    holder = correct_event(
        CorrectEvent(weapon, 2, "wrong unit", changes={"holder": "Unit 9"}), as_(ASKER), clock, POLICY
    )
    assert not holder.done and holder.approval_id
    with pytest.raises(Conflict, match="says why"):
        two_person.decide(holder.approval_id, False, "", as_(SECOND), clock, POLICY)
    assert two_person.decide(holder.approval_id, False, "no source document", as_(SECOND), clock, POLICY) == (
        "rejected"
    )
    with engine.connect() as conn:
        assert conn.execute(sa.select(t.weapons.c.holder).where(t.weapons.c.id == weapon)).scalar() == "Unit 4"
        note = conn.execute(sa.select(t.approvals.c.note)).scalar()
    assert note == "no source document"


def test_destroying_records_after_retention_happens_only_once_a_second_person_approves(
    as_, engine, clock, tmp_path: Path
) -> None:
    weapon = add_weapon(weapon_cmd("AK100002", year=1990), as_(ASKER), clock, POLICY).weapon_id
    record_event(RecordEvent(weapon, EventInput(EventType.DESTROYED.value, why="Order 7", occurred_at=when(1995),
                                                country="KEN")), as_(ASKER), clock, POLICY)  # fmt: skip
    asked = purge(PurgeRecords((weapon,), "Board decision 12/2026", tmp_path), as_(ASKER), clock)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.weapons)).scalar() == 1
    assert two_person.decide(asked.approval_id, True, None, as_(SECOND), clock, POLICY) == "approved"  # type: ignore[arg-type]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.weapons)).scalar() == 0
    assert list(tmp_path.glob("*.jsonl"))


def test_any_answer_carrying_facts_or_a_next_state_waits_whatever_its_outcome(nodes, clock) -> None:
    *_, bel_engine = nodes
    ref = answered_request(nodes, clock)
    as_bel = lambda actor: UnitOfWork(bel_engine, actor, clock)  # noqa: E731
    cmd = tr.AnswerRequest(ref, "delayed", "criminal_investigation", facts=("sold to J. Doe",), next_country="KEN")
    assert not tr.answer(cmd, as_bel(ASKER), clock).done


def test_voiding_an_event_that_named_a_holder_waits_for_a_second_person(as_, clock) -> None:
    weapon = add_weapon(weapon_cmd("AK100003"), as_(ASKER), clock, POLICY).weapon_id
    record_event(RecordEvent(weapon, EventInput("transferred", why="FC/2", occurred_at=when(2012), country="KEN",
                                                holder="Unit 4")), as_(ASKER), clock, POLICY)  # fmt: skip
    voided = correct_event(CorrectEvent(weapon, 2, "never happened", void=True), as_(ASKER), clock,
                                       POLICY)  # fmt: skip
    assert not voided.done


def test_an_approved_act_refused_when_carried_out_is_marked_failed_with_the_reason(nodes, clock) -> None:
    *_, bel_engine = nodes
    ref = answered_request(nodes, clock)
    as_bel = lambda actor: UnitOfWork(bel_engine, actor, clock)  # noqa: E731
    asked = tr.answer(tr.AnswerRequest(ref, "traced", facts=("exported",)), as_bel(ASKER), clock)
    tr.answer(tr.AnswerRequest(ref, "refused", "national_security"), as_bel(SECOND), clock)  # moved on
    with pytest.raises(Exception, match="cannot be answered"):
        two_person.decide(asked.approval_id, True, None, as_bel(SECOND), clock, POLICY)  # type: ignore[arg-type]
    with bel_engine.connect() as conn:
        status, note = conn.execute(sa.select(t.approvals.c.status, t.approvals.c.note)).one()
    assert status == "failed" and "cannot be answered" in note


def test_a_correction_or_a_purge_that_would_be_refused_is_refused_at_once_rather_than_left_waiting(
    as_, engine, clock, tmp_path: Path
) -> None:
    weapon = add_weapon(weapon_cmd("AK100004"), as_(ASKER), clock, POLICY).weapon_id
    with pytest.raises(NotFound, match="has no event #7"):
        correct_event(CorrectEvent(weapon, 7, "wrong unit", changes={"holder": "Unit 9"}),
                                  as_(ASKER), clock, POLICY)  # fmt: skip
    with pytest.raises(RuleViolation, match="was not corrected"):
        correct_event(CorrectEvent(weapon, 1, "", changes={"holder": "Unit 9"}), as_(ASKER),
                                  clock, POLICY)  # fmt: skip
    with pytest.raises(RuleViolation, match="no event would remain"):  # voiding its only event
        correct_event(CorrectEvent(weapon, 1, "never happened", void=True), as_(ASKER), clock,
                                  POLICY)  # fmt: skip
    with pytest.raises(RuleViolation, match="kept until"):  # held, and made recently: far from its date
        purge(PurgeRecords((weapon,), "Board decision 12/2026", tmp_path), as_(ASKER), clock)
    with pytest.raises(NotFound, match="no weapon #999"):
        purge(PurgeRecords((999,), "Board decision 12/2026", tmp_path), as_(ASKER), clock)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.approvals)).scalar() == 0
