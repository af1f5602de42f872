"""The requested State answers from its registry: the record found, its history drafted, overdue requests
reminded. The answering node (BEL) is on the store under test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from armtrace.demo.pictures import plate
from armtrace.domain.tracing import Markings
from armtrace.queries.disclosure import draft_answer
from armtrace.queries.tracing import list_requests, request_detail
from armtrace.services import exchange as ex
from armtrace.services import tracing as tr
from armtrace.services.importing.records import load_records
from armtrace.services.photographs import attach
from armtrace.store import tables as t
from armtrace.store.engine import make_engine
from armtrace.store.migrate import upgrade
from armtrace.store.uow import UnitOfWork
from tests.factories import fal
from tests.integration.conftest import officer
from tests.messages import answer_approved, deliver


@dataclass
class Answering:
    ask: Callable[..., str]
    bel: Callable[[], UnitOfWork]
    ken: Callable[[], UnitOfWork]
    engine: sa.Engine
    ken_engine: sa.Engine


@pytest.fixture
def answering(engine, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    """BEL (store under test) holds three FAL rifles; KEN (a SQLite file) asks about them."""
    ken_engine = make_engine(f"sqlite:///{tmp_path}/ken.db")
    upgrade(ken_engine)
    bel = lambda: UnitOfWork(engine, officer("bel-officer", "BEL tracing officer"), clock)  # noqa: E731
    ken = lambda: UnitOfWork(ken_engine, officer("ken-officer", "KEN tracing officer"), clock)  # noqa: E731
    keys = {
        "BEL-FPS": ex.init_node(ex.InitNode("BEL-FPS", "BEL", tmp_path / "bel.pem", "BEL focal point"), bel(), clock),
        "KEN-NFP": ex.init_node(ex.InitNode("KEN-NFP", "KEN", tmp_path / "ken.pem", "KEN focal point"), ken(), clock),
    }
    ex.add_peer(ex.AddPeer("KEN-NFP", "state", "http://127.0.0.1:2", keys["KEN-NFP"], "KEN"), bel(), clock)
    ex.add_peer(ex.AddPeer("BEL-FPS", "state", "http://127.0.0.1:1", keys["BEL-FPS"], "BEL"), ken(), clock)
    result = load_records([fal("1234567", "KEN"), fal("7654301"), fal("7654311")], bel(), clock)
    assert result.loaded == 3

    def ask(serial: str | None, maker: str = "FN Herstal", obliterated: bool = False) -> str:
        photos = (attach("receiver.png", "image/png", plate(), ken(), clock),) if obliterated else ()
        ref = tr.draft_request(
            tr.DraftRequest(
                ("a",),
                "Firearms Act s.4",
                "seized near Garissa",
                Markings(maker, serial, "BEL", "FAL", serial_obliterated=obliterated),
                "rifle",
                "7.62x51 NATO",
                "criminal investigation",
                photographs=photos,
            ),
            ken(),
            clock,
        )
        tr.send_request(ref, ken(), clock)
        deliver(ken_engine, bel, clock)
        return ref

    yield Answering(ask, bel, ken, engine, ken_engine)
    ken_engine.dispose()


def test_the_answer_is_drafted_from_the_one_record_that_fits_and_names_the_next_state(answering) -> None:
    ref = answering.ask("I234567")  # a look-alike misread: I for 1
    with answering.engine.connect() as conn:
        draft = draft_answer(conn, ref)
    assert draft.answer.outcome.value == "traced" and draft.answer.next_country == "KEN"
    assert draft.answer.facts[1] == "2011-05-01 exported from BEL to KEN — under Export licence EXP/0"
    assert "look-alike" in draft.notes[0] and draft.weapon_id is not None


def test_a_weapon_the_state_does_not_hold_gets_a_not_traced_answer_with_its_code(answering) -> None:
    refs = {
        "absent": answering.ask("9999999"),
        "unknown maker": answering.ask("9999999", maker="Fabbrica Ignota"),
        "obliterated": answering.ask(None, obliterated=True),
    }
    with answering.engine.connect() as conn:
        failures = {k: draft_answer(conn, ref).answer.failure for k, ref in refs.items()}
    assert {k: f.value if f else None for k, f in failures.items()} == {
        "absent": "record_not_found",
        "unknown maker": "manufacturer_unidentified",
        "obliterated": "serial_obliterated",
    }


def test_when_two_records_fit_the_officer_chooses_and_the_answer_says_which_record(answering, clock) -> None:
    ref = answering.ask("76543?1")  # one character unreadable: 7654301 and 7654311 both fit
    with answering.engine.connect() as conn:
        unsure = draft_answer(conn, ref)
        chosen_id = conn.execute(sa.select(t.weapons.c.id).where(t.weapons.c.serial == "7654311")).scalar_one()
        chosen = draft_answer(conn, ref, chosen_id)
    assert unsure.answer.outcome.value == "not_traced" and len([n for n in unsure.notes if "#" in n]) == 2
    assert chosen.answer.outcome.value == "traced" and chosen.weapon_id == chosen_id
    a = chosen.answer
    cmd = tr.AnswerRequest(ref, "traced", None, None, a.facts, a.next_country, chosen.weapon_id)
    answer_approved(cmd, answering.bel(), clock)
    with answering.engine.connect() as conn:
        assert request_detail(conn, ref)["weapon_id"] == chosen_id
    assert deliver(answering.engine, answering.ken, clock)[-1] == "answer recorded: traced"
    with answering.ken_engine.connect() as conn:
        assert request_detail(conn, ref)["answer"]["facts"] == list(a.facts)


def test_overdue_requests_are_flagged_on_both_sides_and_reminded_once_a_week(answering, clock) -> None:
    bel, ken, engine, ken_engine = answering.bel, answering.ken, answering.engine, answering.ken_engine
    ref = answering.ask("1234567")
    assert deliver(engine, ken, clock) == ["receipt recorded"]
    assert tr.send_reminders(ken(), clock) == []
    clock.at += timedelta(days=8)  # five working days are past: no acknowledgement yet
    for e in (engine, ken_engine):
        with e.connect() as conn:
            assert [r.overdue for r in list_requests(conn, clock.now(), only_overdue=True).items] == ["acknowledgement"]
    assert tr.send_reminders(ken(), clock) == [ref]
    assert tr.send_reminders(ken(), clock) == []  # not again within the week
    assert deliver(ken_engine, bel, clock) == ["reminder recorded: acknowledgement overdue"]
    tr.acknowledge(ref, bel(), clock)
    deliver(engine, ken, clock)
    clock.at += timedelta(days=30)
    assert tr.send_reminders(ken(), clock) == [ref]
    with engine.connect() as conn:
        detail = request_detail(conn, ref, clock.now())
    assert detail["overdue"] == "answer"
    assert [(x["act"], x["by"]) for x in detail["acts"]] == [
        ("received", "KEN-NFP"),
        ("reminder_received", "KEN-NFP"),
        ("acknowledged", "bel-officer"),
    ]
