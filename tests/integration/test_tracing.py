"""Two nodes exchange a tracing request by signed messages: each act applied once, in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from armtrace.domain.errors import NotFound, RuleViolation
from armtrace.domain.tracing import Markings
from armtrace.exchange.envelope import EnvelopeRefused
from armtrace.services import exchange as ex
from armtrace.services import tracing as tr
from armtrace.store import tables as t
from tests.messages import answer_approved, as_peer, deliver, outbox


def draft(**overrides: object) -> tr.DraftRequest:
    values: dict[str, object] = {
        "bases": ("a", "e"),
        "legal_justification": "Firearms Act s.4; transferred without a licence",
        "circumstances": "seized at a roadblock near Garissa on 2026-02-20",
        "markings": Markings("FN Herstal", "1234567", "BEL", "FAL"),
        "category": "rifle",
        "calibre": "7.62x51mm NATO",
        "intended_use": "criminal_investigation",
        "intended_use_detail": "case CR/2026/441",
    }
    values.update(overrides)
    return tr.DraftRequest(**values)  # type: ignore[arg-type]


def test_a_request_goes_to_the_state_of_manufacture_and_comes_back_answered(nodes, clock) -> None:
    ken, bel, ken_engine, bel_engine = nodes
    ref = tr.draft_request(draft(), ken(), clock)
    assert ref == "KEN-NFP-2026-000001"
    tr.send_request(ref, ken(), clock)
    assert deliver(ken_engine, bel, clock) == ["request received; receipt sent"]
    assert deliver(bel_engine, ken, clock) == ["receipt recorded"]
    tr.acknowledge(ref, bel(), clock)
    answer_approved(
        tr.AnswerRequest(
            ref, "traced", facts=("exported 2011-03-02 under licence E-11/204 to UGA",), next_country="UGA"
        ),
        bel(),
        clock,
    )
    assert deliver(bel_engine, ken, clock) == ["acknowledgement recorded", "answer recorded: traced"]
    with ken_engine.connect() as conn:
        request = conn.execute(sa.select(t.trace_requests).where(t.trace_requests.c.id == ref)).one()
        acts = (
            conn.execute(
                sa.select(t.trace_events.c.act).where(t.trace_events.c.request_id == ref).order_by(t.trace_events.c.id)
            )
            .scalars()
            .all()
        )
    assert (request.status, request.outcome) == ("answered", "traced")
    assert json.loads(request.answer)["next_country"] == "UGA"
    assert acts == ["drafted", "sent", "receipt", "acknowledged", "answered:traced"]


def test_a_message_delivered_twice_is_applied_once(nodes, clock) -> None:
    ken, bel, ken_engine, bel_engine = nodes
    ref = tr.draft_request(draft(), ken(), clock)
    tr.send_request(ref, ken(), clock)
    [message] = outbox(ken_engine)
    ex.receive(message, as_peer(bel()), clock)
    with pytest.raises(EnvelopeRefused) as err:
        ex.receive(message, as_peer(bel()), clock)
    assert err.value.reason == "replay"
    with bel_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.trace_requests)).scalar_one() == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(t.inbox)).scalar_one() == 1


def test_an_altered_message_is_refused_and_nothing_of_it_is_applied(nodes, clock) -> None:
    ken, bel, ken_engine, bel_engine = nodes
    tr.send_request(tr.draft_request(draft(), ken(), clock), ken(), clock)
    [message] = outbox(ken_engine)
    message["body"]["content"]["intended_use"] = "something else"
    with pytest.raises(EnvelopeRefused) as err:
        ex.receive(message, as_peer(bel()), clock)
    assert err.value.reason == "bad_signature"
    with bel_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.inbox)).scalar_one() == 0


def test_an_incomplete_request_lists_every_missing_element(nodes, clock) -> None:
    ken, *_ = nodes
    with pytest.raises(RuleViolation) as err:
        tr.draft_request(draft(bases=(), intended_use="", markings=Markings("FN Herstal", None)), ken(), clock)
    assert [p.field for p in err.value.problems] == [
        "bases", "markings.model", "markings.serial", "markings.country", "intended_use"
    ]  # fmt: skip
    assert [p.rule for p in err.value.problems] == [
        "ITI para 17(a)", "ISACS 05.31", "ISACS 05.31", "ISACS 05.31", "ITI para 17(c)"
    ]  # fmt: skip


def test_a_refusal_without_its_iti_reason_is_not_sent(nodes, clock) -> None:
    ken, bel, ken_engine, bel_engine = nodes
    ref = tr.draft_request(draft(), ken(), clock)
    tr.send_request(ref, ken(), clock)
    deliver(ken_engine, bel, clock)
    with pytest.raises(RuleViolation) as err:
        tr.answer(tr.AnswerRequest(ref, "refused"), bel(), clock)
    assert err.value.problems[0].field == "restriction"
    answer_approved(tr.AnswerRequest(ref, "refused", restriction="national_security"), bel(), clock)
    assert deliver(bel_engine, ken, clock)[-1] == "answer recorded: refused"


def test_following_an_answer_drafts_a_linked_request_to_the_next_state(nodes, clock, tmp_path: Path) -> None:
    ken, bel, ken_engine, bel_engine = nodes
    ref = tr.draft_request(draft(), ken(), clock)
    tr.send_request(ref, ken(), clock)
    deliver(ken_engine, bel, clock)
    answer_approved(tr.AnswerRequest(ref, "traced", facts=("exported to UGA",), next_country="UGA"), bel(), clock)
    deliver(bel_engine, ken, clock)
    with pytest.raises(NotFound, match="no peer node is known for UGA"):
        tr.follow(ref, ken(), clock)
    uga_key = "A" * 43 + "="
    ex.add_peer(ex.AddPeer("UGA-NFP", "state", "http://127.0.0.1:3", uga_key, "UGA"), ken(), clock)
    follow_up = tr.follow(ref, ken(), clock)
    with ken_engine.connect() as conn:
        row = conn.execute(sa.select(t.trace_requests).where(t.trace_requests.c.id == follow_up)).one()
    assert (row.requested, row.parent_id, row.status) == ("UGA-NFP", ref, "drafted")


def test_statistics_say_how_fast_each_counterpart_answers_and_why_traces_fail(nodes, clock) -> None:
    from datetime import timedelta

    from armtrace.queries.tracing import statistics_of

    ken, bel, ken_engine, bel_engine = nodes
    refs = [
        tr.draft_request(draft(markings=Markings("FN Herstal", f"12345{i}", "BEL", "FAL")), ken(), clock)
        for i in range(3)
    ]
    for ref in refs:
        tr.send_request(ref, ken(), clock)
    deliver(ken_engine, bel, clock)
    clock.at += timedelta(days=2)
    for ref in refs:
        tr.acknowledge(ref, bel(), clock)
    clock.at += timedelta(days=8)
    answer_approved(tr.AnswerRequest(refs[0], "traced", facts=("sold to a licensed dealer in 2012",)), bel(), clock)
    answer_approved(tr.AnswerRequest(refs[1], "not_traced", failure="record_not_found"), bel(), clock)
    clock.at += timedelta(days=10)
    answer_approved(tr.AnswerRequest(refs[2], "not_traced", failure="record_not_found"), bel(), clock)
    clock.at += timedelta(minutes=1)
    deliver(bel_engine, ken, clock)
    with ken_engine.connect() as conn:
        stats = statistics_of(conn)
    [bel_stats] = stats.by_counterpart
    assert (bel_stats.name, bel_stats.sent, bel_stats.acknowledged, bel_stats.answered, bel_stats.traced) == (
        "BEL-FPS",
        3,
        3,
        3,
        1,
    )
    assert bel_stats.median_and_p90(bel_stats.days_to_acknowledge) == (2.0, 2.0)
    assert bel_stats.median_and_p90(bel_stats.days_to_answer) == (10.0, 20.0)
    assert stats.failure_reasons == [("record_not_found", 2)]
