"""The door on real stores: the reads it declares write their access-log line in the same transaction,
and a gated act is carried out only under an approval of that very act, by its approver, once."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from armtrace.domain.accounts import Principal, Role
from armtrace.domain.actors import Actor
from armtrace.domain.errors import NotPermitted
from armtrace.domain.retention import RetentionPolicy
from armtrace.domain.tracing import Markings
from armtrace.queries.identify import IdentifyQuery
from armtrace.queries.registry import WeaponFilter
from armtrace.services import approvals, exchange, identify, registry, tracing
from armtrace.services.importing.records import load_records
from armtrace.store import tables as t
from armtrace.store.engine import make_engine
from armtrace.store.migrate import upgrade
from armtrace.store.uow import UnitOfWork
from tests.factories import fal
from tests.integration.conftest import officer
from tests.messages import deliver

POLICY = RetentionPolicy()
CLERK = Principal(Actor("clerk", "Registry clerk"), frozenset({Role.REGISTRY_CLERK}))
ANALYST = Principal(Actor("analyst", "Analyst"), frozenset({Role.ANALYST}))
ASKER = Principal(Actor("marie", "Marie"), frozenset({Role.TRACING_OFFICER}))
SECOND = Principal(Actor("jean", "Jean"), frozenset({Role.TRACING_OFFICER}))
THIRD = Principal(Actor("omar", "Omar"), frozenset({Role.TRACING_OFFICER}))


def access_lines(engine: sa.Engine) -> list[tuple[str, str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.access_log.c.actor, t.access_log.c.action, t.access_log.c.object))
        return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.fixture
def registry_of_three(engine, uow, clock) -> sa.Engine:  # type: ignore[no-untyped-def]
    load_records([fal("1234567", "KEN"), fal("7654301"), fal("7654311")], uow(), clock)
    return engine


def test_reading_holders_or_searching_the_registry_writes_one_access_line(registry_of_three, clock) -> None:
    engine = registry_of_three
    as_ = lambda who: UnitOfWork(engine, who, clock)  # noqa: E731
    assert registry.show_weapon(1, as_(CLERK)).weapon["holder"] is not None
    assert registry.show_weapon(1, as_(ANALYST)).weapon["holder"] is None  # masked, so nothing to log
    assert registry.find_weapons(WeaponFilter("765"), as_(ANALYST)).total == 2
    assert registry.find_weapons(WeaponFilter(), as_(ANALYST)).total == 3  # a plain list without holders
    identify.identify(IdentifyQuery("76543?1"), as_(ANALYST))
    assert access_lines(engine) == [
        ("clerk", "registry:holders:read", "weapon:1"),
        ("analyst", "registry:weapons:search", None),
        ("analyst", "identify:search", None),
    ]


@pytest.fixture
def asked(engine, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    """BEL (the store under test) holds an FAL; KEN's request about it waits at BEL to be answered."""
    ken_engine = make_engine(f"sqlite:///{tmp_path}/ken.db")
    upgrade(ken_engine)
    admin = officer("bel-admin", "BEL administrator")
    bel = lambda who=admin: UnitOfWork(engine, who, clock)  # noqa: E731
    ken = lambda: UnitOfWork(ken_engine, officer("ken-officer", "KEN officer"), clock)  # noqa: E731
    bel_key = exchange.init_node(exchange.InitNode("BEL-FPS", "BEL", tmp_path / "bel.pem", "BEL FPS"), bel(), clock)
    ken_key = exchange.init_node(exchange.InitNode("KEN-NFP", "KEN", tmp_path / "ken.pem", "KEN NFP"), ken(), clock)
    exchange.add_peer(exchange.AddPeer("KEN-NFP", "state", "http://127.0.0.1:2", ken_key, "KEN"), bel(), clock)
    exchange.add_peer(exchange.AddPeer("BEL-FPS", "state", "http://127.0.0.1:1", bel_key, "BEL"), ken(), clock)
    load_records([fal("1234567", "KEN")], bel(), clock)
    draft = tracing.DraftRequest(("a",), "Firearms Act s.4", "seized", Markings("FN Herstal", "1234567", "BEL", "FAL"),
                                 "rifle", "7.62x51 NATO", "prosecution")  # fmt: skip
    ref = tracing.draft_request(draft, ken(), clock)
    tracing.send_request(ref, ken(), clock)
    deliver(ken_engine, bel, clock)
    yield ref, bel
    ken_engine.dispose()


def test_drafting_an_answer_from_the_registry_is_written_to_the_access_log(engine, asked) -> None:
    ref, bel = asked
    draft = tracing.draft_answer(ref, bel(ASKER))
    assert draft.answer.outcome.value == "traced"
    assert access_lines(engine) == [("marie", "tracing:answer:draft", ref)]


def test_a_disclosing_answer_is_sent_only_under_an_approval_of_that_answer_by_its_approver_once(
    engine, asked, clock
) -> None:
    ref, bel = asked
    answer = tracing.AnswerRequest(ref, "traced", facts=("2011-05-01 exported from BEL to KEN",), next_country="KEN")
    other = tracing.AnswerRequest(ref, "traced", facts=("everything in the registry",), next_country="KEN")
    handled = tracing.answer(answer, bel(ASKER), clock)
    assert not handled.done and handled.approval_id is not None
    with pytest.raises(NotPermitted, match="does not carry this act"):  # asked, not approved
        tracing.answer(answer, bel(SECOND), clock, approval=handled.approval_id)
    with bel(SECOND) as u:  # approved, but not carried out yet: as if the approver's act had been interrupted
        u.approvals.decide(handled.approval_id, "approved", "jean", clock.now(), None)
        u.commit()
    with pytest.raises(NotPermitted, match="does not carry this act"):  # another answer than the one approved
        tracing.answer(other, bel(SECOND), clock, approval=handled.approval_id)
    with pytest.raises(NotPermitted, match="does not carry this act"):  # someone other than its approver
        tracing.answer(answer, bel(THIRD), clock, approval=handled.approval_id)
    assert tracing.answer(answer, bel(SECOND), clock, approval=handled.approval_id).done
    with pytest.raises(NotPermitted, match="does not carry this act"):  # and only once
        tracing.answer(answer, bel(SECOND), clock, approval=handled.approval_id)
    with engine.connect() as conn:
        answers = conn.execute(sa.select(sa.func.count()).where(t.outbox.c.envelope.like('%"trace.answer"%')))
        assert answers.scalar_one() == 1
        used = conn.execute(sa.select(t.approvals.c.carried_out_at).where(t.approvals.c.id == handled.approval_id))
        assert used.scalar_one() is not None


def test_an_approval_is_carried_out_in_the_approvers_name_through_decide(engine, asked, clock) -> None:
    ref, bel = asked
    answer = tracing.AnswerRequest(ref, "traced", facts=("2011-05-01 exported from BEL to KEN",), next_country="KEN")
    handled = tracing.answer(answer, bel(ASKER), clock)
    assert approvals.decide(handled.approval_id, True, None, bel(SECOND), clock, POLICY) == "approved"
    with engine.connect() as conn:
        log = conn.execute(sa.select(t.change_log.c.action, t.change_log.c.actor)).all()
    assert ("tracing:request:answered:traced", "jean") in log and ("approvals:carried_out", "jean") in log
