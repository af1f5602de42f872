"""A business closes on both stores: its books are reconciled with what the registry holds for it, each
difference is explained by one person and approved by a second, and only then is it closed (ITI para 13)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command

from armtrace.domain.accounts import Principal, Role
from armtrace.domain.actors import Actor
from armtrace.domain.errors import Conflict, NotFound, NotPermitted, RuleViolation
from armtrace.domain.records import EventInput, WeaponRecord
from armtrace.domain.retention import RetentionPolicy
from armtrace.services import approvals as two_person
from armtrace.services import integrity
from armtrace.services.closures import CloseBusiness, ExplainDifference, close_business, explain_difference
from armtrace.services.closures import show_business as show
from armtrace.services.registry import add_weapon
from armtrace.store import tables as t
from armtrace.store.migrate import alembic_config
from armtrace.store.uow import UnitOfWork
from tests import factories as f

DEALER = "Coast Firearms & Outfitters"
POLICY = RetentionPolicy()
ASKER = Principal(Actor("marie", "Marie"), frozenset({Role.REGISTRY_CLERK}))
SECOND = Principal(Actor("jean", "Jean"), frozenset({Role.REGISTRY_CLERK}))


@pytest.fixture
def as_(engine, clock):  # type: ignore[no-untyped-def]
    return lambda actor: UnitOfWork(engine, actor, clock)


def closure() -> CloseBusiness:
    return CloseBusiness(DEALER, "dealer", date(2025, 6, 30), "Firearms Act s.12", country="KEN", licence="FD/1")


def imported_by(holder: str, serial: str, *later: EventInput) -> WeaponRecord:
    """A weapon imported by `holder`, then what is `later`; as the registry or the books record it."""
    add = f.add_weapon(serial)
    return WeaponRecord(replace(add, first_event=replace(add.first_event, holder=holder)), later)


def sold(holder: str, year: int = 2015) -> EventInput:
    return EventInput("transferred", why=f"Sale FC/{year}", occurred_at=f.when(year), holder=holder, country="KEN")


def on_record(uow, clock, holder: str, serial: str) -> int:  # type: ignore[no-untyped-def]
    return add_weapon(imported_by(holder, serial).add, uow(), clock).weapon_id


def log(engine: sa.Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.change_log.c.action, t.change_log.c.object_id).order_by(t.change_log.c.id))
        return [(r.action, r.object_id) for r in rows]


def test_a_closure_with_empty_books_is_refused_when_the_registry_holds_weapons_of_the_business(
    engine, uow, clock
) -> None:
    on_record(uow, clock, DEALER, "AK1")
    with pytest.raises(RuleViolation, match=r"books of .* are empty, but the registry holds 1 weapons") as err:
        close_business(closure(), [], uow(), clock)
    assert err.value.rule == "ITI, section on record-keeping (para 13)"
    assert "--records FILE" in str(err.value.hint)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.businesses)).scalar_one() == 0


def test_a_business_with_nothing_on_record_and_empty_books_is_closed_with_the_zeros_shown(engine, uow, clock) -> None:
    on_record(uow, clock, "Kenya Police Service", "AK2")
    done = close_business(closure(), [], uow(), clock)
    assert done.status == "closed" and done.differences == []
    assert done.books == {"read": 0, "taken_in": 0, "already_registered": 0, "held_on_record": 0,
                          "transactions_on_record": 0, "differences": 0}  # fmt: skip
    business = show(DEALER, uow())
    assert (business.status, business.closed_on, business.books["held_on_record"]) == ("closed", date(2025, 6, 30), 0)


def test_a_weapon_on_record_but_missing_from_the_books_keeps_the_closure_pending_with_the_difference(
    engine, uow, clock
) -> None:
    missing = on_record(uow, clock, DEALER, "AK3")
    listed = on_record(uow, clock, DEALER, "AK4")
    books = [imported_by(DEALER, "AK4", sold("Licensed holder 9")), imported_by(DEALER, "AK5")]
    done = close_business(closure(), books, uow(), clock)
    assert done.status == "closing"
    assert (done.load.read, done.load.loaded, [w for _, w in done.load.duplicates]) == (2, 1, [listed])
    assert (done.held, done.transactions) == (2, 2)  # each weapon's import names the dealer
    assert [(d.weapon_id, d.kind) for d in done.differences] == [(missing, "missing"), (listed, "mismatch")]
    assert "missing from the books" in done.differences[0].detail
    business = show(DEALER, uow())
    assert (business.status, business.closed_on, business.closing_on) == ("closing", None, date(2025, 6, 30))
    assert [(d.weapon_id, d.serial, d.explained) for d in business.differences] == [
        (missing, "AK3", False),
        (listed, "AK4", False),
    ]
    assert business.books == {**done.books, "differences": 2}
    actions = [a for a, _ in log(engine)][2:]  # after the two weapons added
    assert actions == ["registry:business:add", "registry:records:load", "registry:business:closing",
                       "registry:closure:difference", "registry:closure:difference"]  # fmt: skip
    with pytest.raises(Conflict, match="its closure waits for explanations"):
        close_business(closure(), books, uow(), clock)


def test_a_weapon_of_the_books_the_registry_holds_as_someone_elses_is_a_mismatch(engine, uow, clock) -> None:
    elsewhere = on_record(uow, clock, "Licensed holder 7", "AK6")
    done = close_business(closure(), [imported_by(DEALER, "AK6")], uow(), clock)
    [difference] = done.differences
    assert (difference.weapon_id, difference.kind) == (elsewhere, "mismatch")
    assert "the books leave it with Coast Firearms & Outfitters (held)" in difference.detail
    assert "the registry holds it as Licensed holder 7's (held)" in difference.detail
    assert done.books["already_registered"] == 1 and done.books["taken_in"] == 0


def test_an_explanation_waits_for_a_second_person_and_the_last_approval_closes_the_business(
    engine, as_, uow, clock
) -> None:
    missing = on_record(uow, clock, DEALER, "AK7")
    close_business(closure(), [imported_by(DEALER, "AK8")], as_(ASKER), clock)
    why = "sold to Tsavo Safaris under permit P/77, permit on file"
    handled = explain_difference(ExplainDifference(DEALER, missing, why), as_(ASKER), clock)
    assert not handled.done and handled.approval_id is not None
    [waiting] = show(DEALER, uow()).differences
    assert (waiting.explained, waiting.waiting) == (False, handled.approval_id)
    with pytest.raises(Conflict, match="waits for approval"):
        explain_difference(ExplainDifference(DEALER, missing, "again"), as_(SECOND), clock)
    with pytest.raises(NotPermitted, match="cannot also approve"):
        two_person.decide(handled.approval_id, True, None, as_(ASKER), clock, POLICY)
    mark = len(log(engine))
    assert two_person.decide(handled.approval_id, True, None, as_(SECOND), clock, POLICY) == "approved"
    business = show(DEALER, uow())
    [explained] = business.differences
    assert (business.status, business.closed_on) == ("closed", date(2025, 6, 30))
    assert (explained.explanation, explained.explained_by, explained.approved_by) == (why, "marie", "jean")
    assert log(engine)[mark:] == [
        ("approvals:registry:explain_difference:approved", str(handled.approval_id)),
        ("registry:closure:explain", f"{business.id}:{missing}"),
        ("registry:business:close", str(business.id)),
        ("approvals:carried_out", str(handled.approval_id)),
    ]
    with pytest.raises(Conflict, match="already closed"):
        close_business(closure(), [], uow(), clock)


def test_a_rejected_explanation_leaves_the_difference_open_for_another(engine, as_, uow, clock) -> None:
    missing = on_record(uow, clock, DEALER, "AK9")
    close_business(closure(), [imported_by(DEALER, "AK10")], as_(ASKER), clock)
    handled = explain_difference(ExplainDifference(DEALER, missing, "lost, I think"), as_(ASKER), clock)
    assert handled.approval_id is not None
    two_person.decide(handled.approval_id, False, "no police report on file", as_(SECOND), clock, POLICY)
    [open_] = show(DEALER, uow()).differences
    assert (open_.explained, open_.waiting, show(DEALER, uow()).status) == (False, None, "closing")
    again = explain_difference(ExplainDifference(DEALER, missing, "stolen, OB 12/2024"), as_(ASKER), clock)
    assert again.approval_id is not None and again.approval_id != handled.approval_id


def test_an_explanation_is_refused_without_words_or_without_a_difference(engine, uow, clock) -> None:
    missing = on_record(uow, clock, DEALER, "AK11")
    close_business(closure(), [imported_by(DEALER, "AK12")], uow(), clock)
    with pytest.raises(RuleViolation, match="says what became of the weapon"):
        explain_difference(ExplainDifference(DEALER, missing, "  "), uow(), clock)
    with pytest.raises(NotFound, match="has no difference on weapon #999"):
        explain_difference(ExplainDifference(DEALER, 999, "sold"), uow(), clock)
    with pytest.raises(NotFound, match="no business named"):
        explain_difference(ExplainDifference("Nobody Ltd", missing, "sold"), uow(), clock)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.approvals)).scalar_one() == 0


def test_the_reconciliation_is_kept_with_the_business(engine, uow, clock) -> None:
    close_business(closure(), [imported_by(DEALER, "AK13")], uow(), clock)
    with engine.connect() as conn:
        books = conn.execute(sa.select(t.businesses.c.books)).scalar_one()
    assert json.loads(books)["taken_in"] == 1


def test_the_migration_fills_the_holder_keys_of_weapons_recorded_before_it_and_verify_agrees(
    engine, uow, clock
) -> None:
    weapon = on_record(uow, clock, DEALER, "AK14")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0014")
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        key = conn.execute(sa.select(t.weapons.c.holder_key).where(t.weapons.c.id == weapon)).scalar_one()
    assert key == "coast firearms and outfitters"
    report = integrity.verify(uow(), POLICY)
    assert report.ok, report.projection_errors
