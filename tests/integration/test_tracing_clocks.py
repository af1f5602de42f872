"""Clocks the receiving State owns: its own deadlines in its own working days (public holidays and the days
its office is closed excepted), the requester's expectations kept as the requester's, how long each request
has waited, and the national point of contact told once a request waits past its time to acknowledge."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from armtrace.domain.accounts import SCHEDULER
from armtrace.domain.tracing import Deadlines, Markings
from armtrace.exchange.mail import Mailer
from armtrace.runtime import Runtime
from armtrace.scheduler import one_pass
from armtrace.services import deadlines as dl
from armtrace.services import exchange as ex
from armtrace.services import tracing as tr
from armtrace.settings import load_settings
from armtrace.store import tables as t
from armtrace.store.engine import make_engine
from armtrace.store.migrate import upgrade
from armtrace.store.uow import UnitOfWork
from tests.integration.conftest import officer
from tests.messages import deliver

CHRISTMAS_EVE = datetime(2026, 12, 24, 9, tzinfo=UTC)  # a Thursday; Friday 25 Dec is a Kenyan public holiday
KENYA_RULES = Deadlines(acknowledge_working_days=3, answer_days=20)  # Kenya's settings, not Belgium's defaults


class Sink:
    """A local SMTP server, started by the test, that keeps what it is sent."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]  # noqa: N802
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def two(engine, clock, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Kenya on the store under test, with its point of contact's address; Belgium, which asks, beside it."""
    clock.at = CHRISTMAS_EVE
    bel_engine = make_engine(f"sqlite:///{tmp_path}/bel.db")
    upgrade(bel_engine)
    ken = lambda: UnitOfWork(engine, officer("ken-officer", "KEN tracing officer"), clock)  # noqa: E731
    bel = lambda: UnitOfWork(bel_engine, officer("bel-officer", "BEL tracing officer"), clock)  # noqa: E731
    contact = ex.InitNode("KEN-NFP", "KEN", tmp_path / "ken.pem", "Kenya National Focal Point", "nfp@ken.example")
    ken_key = ex.init_node(contact, ken(), clock)
    bel_key = ex.init_node(ex.InitNode("BEL-FPS", "BEL", tmp_path / "bel.pem", "Belgian Federal Police"), bel(), clock)
    ex.add_peer(ex.AddPeer("BEL-FPS", "state", "http://127.0.0.1:1", bel_key, "BEL"), ken(), clock)
    ex.add_peer(ex.AddPeer("KEN-NFP", "state", "http://127.0.0.1:2", ken_key, "KEN"), bel(), clock)
    marks = Markings("Kalashnikov Concern", "AK123456", "RUS", "AKM", last_import_country="KEN")
    asked = tr.DraftRequest(("a",), "Code pénal, art. 511", "seized in Antwerp port", marks, "assault_rifle",
                            "7.62x39", "criminal_investigation", requested="KEN-NFP")  # fmt: skip
    ref = tr.draft_request(asked, bel(), clock)
    tr.send_request(ref, bel(), clock)
    assert deliver(bel_engine, ken, clock, KENYA_RULES) == ["request received; receipt sent"]
    yield ken, ref, engine
    bel_engine.dispose()


def _row(engine: sa.Engine, ref: str) -> sa.Row:  # type: ignore[type-arg]
    with engine.connect() as conn:
        return conn.execute(sa.select(t.trace_requests).where(t.trace_requests.c.id == ref)).one()


def test_a_received_request_runs_on_the_receiving_states_own_clock_over_a_weekend_and_a_public_holiday(
    two,  # type: ignore[no-untyped-def]
) -> None:
    _, ref, engine = two
    row = _row(engine, ref)
    # Kenya's own 3 working days from Thursday 24 Dec: Friday 25 Dec (Christmas) and the weekend do not count
    assert row.acknowledge_by.date().isoformat() == "2026-12-30"
    assert row.answer_by.date() == (CHRISTMAS_EVE + timedelta(days=20)).date()
    # Belgium's expectation, 5 working days in Kenya's calendar, is kept as Belgium's, apart
    assert row.expected_acknowledge_by.date().isoformat() == "2027-01-04"
    assert row.expected_answer_by.date() == (CHRISTMAS_EVE + timedelta(days=30)).date()


def test_the_lists_and_the_case_say_how_long_a_request_has_waited(two, clock) -> None:  # type: ignore[no-untyped-def]
    ken, ref, _ = two
    clock.at += timedelta(days=8, hours=3)
    [row] = tr.list_requests(ken(), clock).items
    assert (row.waited_days, row.overdue, row.waiting_since) == (8, "acknowledgement", CHRISTMAS_EVE)
    case = tr.show_request(ref, ken(), clock).request
    assert case["waited_days"] == 8 and case["expected_acknowledge_by"].date().isoformat() == "2027-01-04"
    tr.acknowledge(ref, ken(), clock)
    clock.at += timedelta(days=2)
    [row] = tr.list_requests(ken(), clock).items
    assert (row.waited_days, row.overdue) == (2, None)  # now waiting for its answer, since it was acknowledged


def test_the_point_of_contact_is_told_by_mail_once_a_request_waits_past_its_time_to_acknowledge(
    two,
    clock,
    sink,  # type: ignore[no-untyped-def]
) -> None:
    ken, ref, engine = two
    mails, port = sink
    mailer = Mailer("127.0.0.1", port, sender="armtrace@ken.example")
    clock.at = datetime(2026, 12, 30, 8, tzinfo=UTC)  # before Kenya's time to acknowledge runs out
    assert dl.notify_contact(UnitOfWork(engine, SCHEDULER, clock), clock, mailer) == []
    clock.at = datetime(2026, 12, 31, 8, tzinfo=UTC)
    assert dl.notify_contact(UnitOfWork(engine, SCHEDULER, clock), clock, mailer) == [ref]
    assert dl.notify_contact(UnitOfWork(engine, SCHEDULER, clock), clock, mailer) == []  # once
    [raw] = mails.messages
    mail = message_from_bytes(raw)
    assert mail["To"] == "nfp@ken.example" and ref in mail["Subject"]
    body = mail.get_payload()
    assert "2026-12-30" in body and "2027-01-04" in body and "BEL-FPS" in body
    assert _row(engine, ref).contact_notified_at == clock.at
    case = tr.show_request(ref, ken(), clock).request
    assert next(a for a in case["acts"] if a["act"] == "contact_notified")["detail"] == {"mail": "nfp@ken.example"}


def test_a_mail_server_that_does_not_answer_leaves_the_notice_to_be_tried_again(two, clock, sink) -> None:  # type: ignore[no-untyped-def]
    ken, ref, engine = two
    mails, port = sink
    clock.at = datetime(2027, 1, 2, 8, tzinfo=UTC)
    down = Mailer("127.0.0.1", _free_port(), timeout=2)
    assert dl.notify_contact(UnitOfWork(engine, SCHEDULER, clock), clock, down) == []
    assert _row(engine, ref).contact_notified_at is None
    acts = [a["act"] for a in tr.show_request(ref, ken(), clock).request["acts"]]
    assert "contact_mail_failed" in acts
    assert dl.notify_contact(UnitOfWork(engine, SCHEDULER, clock), clock, Mailer("127.0.0.1", port)) == [ref]
    assert len(mails.messages) == 1


def test_an_acknowledged_request_is_not_brought_to_the_contact(two, clock, sink) -> None:  # type: ignore[no-untyped-def]
    ken, ref, engine = two
    mails, port = sink
    tr.acknowledge(ref, ken(), clock)
    clock.at = datetime(2027, 1, 8, tzinfo=UTC)
    assert dl.notify_contact(UnitOfWork(engine, SCHEDULER, clock), clock, Mailer("127.0.0.1", port)) == []
    assert mails.messages == []


def test_the_nodes_scheduler_tells_the_contact_through_the_mail_server_of_its_settings(
    two,
    clock,
    sink,
    store_url: str,  # type: ignore[no-untyped-def]
) -> None:
    import httpx

    _, ref, engine = two
    mails, port = sink
    clock.at = datetime(2027, 1, 5, tzinfo=UTC)
    rt = Runtime(load_settings(database_url=store_url, smtp_host="127.0.0.1", smtp_port=port), clock=clock)
    with httpx.Client(timeout=1) as client:
        one_pass(rt, client)
    rt.engine.dispose()
    assert len(mails.messages) == 1 and ref in message_from_bytes(mails.messages[0])["Subject"]
    assert _row(engine, ref).contact_notified_at == clock.at


def test_without_a_mail_server_the_dashboard_is_the_notice(two, clock) -> None:  # type: ignore[no-untyped-def]
    ken, ref, engine = two
    clock.at = datetime(2027, 1, 5, tzinfo=UTC)
    assert dl.notify_contact(UnitOfWork(engine, SCHEDULER, clock), clock, None) == [ref]
    [row] = tr.list_requests(ken(), clock, only_overdue=True).items
    assert (row.overdue, row.contact_notified_at) == ("acknowledgement", clock.at)
