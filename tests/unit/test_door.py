"""The one door, service by service: every use case declares its permission, access-log action and gate,
and refuses, inside the service, every principal the permission table does not name.

Each use case is called as every role, as a peer node, as the scheduler, as the console's operator and
as no one, with a unit of work that stops the call the moment it reaches the store. A principal the
table does not name must be refused before that; one it names must get through. The expected
declarations are written out here, so weakening one in the code fails this test.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

import armtrace.services
from armtrace.domain.accounts import NOBODY, PEER_NODE, PEOPLE, PERMISSIONS, SCHEDULER, Principal, operator
from armtrace.domain.actors import Actor, FixedClock
from armtrace.domain.errors import NotPermitted, NotSignedIn
from armtrace.domain.records import EventInput
from armtrace.domain.retention import RetentionPolicy
from armtrace.domain.tracing import Markings
from armtrace.exchange.envelope import create_key, new_envelope
from armtrace.exchange.mail import Mailer
from armtrace.queries.identify import IdentifyQuery
from armtrace.queries.registry import WeaponFilter
from armtrace.services import (
    accounts,
    anchors,
    approvals,
    closures,
    deadlines,
    exchange,
    identify,
    integrity,
    marking,
    photographs,
    registry,
    retention,
    tracing,
)
from armtrace.services.door import DOORS, door_of
from armtrace.services.importing import files as importing
from armtrace.services.importing import records
from armtrace.store.uow import UnitOfWork
from tests import factories as f

CLOCK = FixedClock(datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
B1 = "BEL-FPS-2026-000001"
POLICY = RetentionPolicy()

# name: (permission, access-log action, two-person act); None permission: public, for the reason it states.
EXPECTED: dict[str, tuple[str | None, str | None, str | None]] = {
    "registry.add_weapon": ("registry.record", None, None),
    "registry.record_event": ("registry.record", None, None),
    "registry.correct_event": ("registry.record", None, "registry:correct_holder"),
    "registry.assign_mark": ("registry.record", None, None),
    "registry.find_weapons": ("registry.read", "registry:weapons:search", None),
    "registry.show_weapon": ("registry.read", "registry:holders:read", None),
    "registry.summary": ("registry.read", None, None),
    "marking.mark_import": ("registry.record", None, None),
    "marking.tasks": ("registry.read", None, None),
    "identify.identify": ("identify.search", "identify:search", None),
    "importing.records.load_records": ("registry.import", None, None),
    "closures.close_business": ("registry.record", None, None),
    "closures.explain_difference": ("registry.record", None, "registry:explain_difference"),
    "closures.show_business": ("registry.record", None, None),
    "closures.pending": ("registry.record", None, None),
    "importing.files.import_file": ("registry.import", None, None),
    "integrity.verify": ("registry.verify", None, None),
    "retention.due": ("registry.purge", None, None),
    "retention.purge": ("registry.purge", None, "retention:purge"),
    "tracing.draft_request": ("tracing.act", None, None),
    "tracing.send_request": ("tracing.act", None, None),
    "tracing.acknowledge": ("tracing.act", None, None),
    "tracing.answer": ("tracing.act", None, "tracing:disclose"),
    "tracing.follow": ("tracing.act", None, None),
    "tracing.withdraw": ("tracing.act", None, None),
    "tracing.send_reminders": ("tracing.remind", None, None),
    "deadlines.notify_contact": ("tracing.remind", None, None),
    "exchange.receive": ("exchange.receive", None, None),
    "tracing.list_requests": ("tracing.read", None, None),
    "tracing.show_request": ("tracing.read", None, None),
    "tracing.draft_answer": ("tracing.act", "tracing:answer:draft", None),
    "tracing.statistics": ("tracing.statistics", None, None),
    "tracing.counts": ("tracing.read", None, None),
    "photographs.attach": ("tracing.act", None, None),
    "photographs.give": ("exchange.receive", None, None),
    "photographs.photograph": ("tracing.read", None, None),
    "anchors.lodge": ("registry.anchor", None, None),
    "anchors.overview": ("registry.verify", None, None),
    "integrity.last_verification": ("registry.verify", None, None),
    "anchors.held_for": ("exchange.receive", None, None),
    "anchors.verify_anchors": ("registry.verify", None, None),
    "exchange.init_node": ("node.manage", None, None),
    "exchange.add_peer": ("node.manage", None, None),
    "exchange.node_identity": (None, None, None),
    "exchange.deliver": ("exchange.deliver", None, None),
    "exchange.peers": ("tracing.read", None, None),
    "exchange.outbox": ("tracing.read", None, None),
    "approvals.waiting": ("approvals.decide", None, None),
    "approvals.decide": ("approvals.decide", None, None),
    "accounts.has_administrator": (None, None, None),
    "accounts.add_first_administrator": (None, None, None),
    "accounts.sign_in": (None, None, None),
    "accounts.principal_for_token": (None, None, None),
    "accounts.principal_of": (None, None, None),
    "accounts.add_user": ("accounts.manage", None, None),
    "accounts.create_token": ("accounts.manage", None, None),
    "accounts.revoke_token": ("accounts.manage", None, None),
    "accounts.users": ("accounts.manage", None, None),
    "accounts.access": ("accounts.audit", None, None),
}


class Reached(Exception):
    """The use case went past its door and opened the store."""


class StopAtTheStore(UnitOfWork):
    """A unit of work for `principal` that stops the call where it would first touch the store."""

    def __init__(self, principal: Principal) -> None:
        super().__init__(None, principal, CLOCK)  # type: ignore[arg-type]

    def __enter__(self) -> UnitOfWork:
        raise Reached(self.access_action)


def _envelope() -> dict[str, Any]:
    key = create_key(Path(pytest_tmp()) / "peer.pem")
    return new_envelope(
        "trace.receipt", "BEL-FPS", "KEN-NFP", {"request_id": "KEN-NFP-2026-000001"}, CLOCK.now(), key
    ).to_json()


def pytest_tmp() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="armtrace-door-")


def _csv() -> Path:
    path = Path(pytest_tmp()) / "register.csv"
    path.write_text("Serial,Make,Type,event,why\nZ1,Glock,pistol,imported,Register 2024\n", encoding="utf-8")
    return path


REQUEST = tracing.DraftRequest(("a",), "Firearms Act s.4", "seized", Markings("FN Herstal", "1234567", "BEL", "FAL"),
                               "rifle", "7.62x51 NATO", "prosecution")  # fmt: skip
ANSWER = tracing.AnswerRequest("BEL-FPS-2026-000001", "traced", facts=("exported 2011 to KEN",))
USER = accounts.AddUser("amina", "Amina Clerk", "a long passphrase 2026", ("admin",))

# One call per use case, with arguments that pass every check made before the store.
CALLS: dict[str, Callable[[UnitOfWork], object]] = {
    "registry.add_weapon": lambda u: registry.add_weapon(f.add_weapon(), u, CLOCK),
    "registry.record_event": lambda u: registry.record_event(
        registry.RecordEvent(1, EventInput("lost", why="OB 1", occurred_at=f.when(2020))), u, CLOCK
    ),
    "registry.correct_event": lambda u: registry.correct_event(
        registry.CorrectEvent(1, 2, "wrong unit", changes={"holder": "Unit 9"}), u, CLOCK
    ),
    "registry.assign_mark": lambda u: registry.assign_mark(registry.AssignMark(1, "KEN", "Order 3"), u, CLOCK),
    "registry.find_weapons": lambda u: registry.find_weapons(WeaponFilter("AK1"), u),
    "registry.show_weapon": lambda u: registry.show_weapon(1, u),
    "registry.summary": lambda u: registry.summary(u),
    "marking.mark_import": lambda u: marking.mark_import(marking.MarkImport(1, "frame", "Marking order 3"), u, CLOCK),
    "marking.tasks": lambda u: marking.tasks(u, CLOCK),
    "identify.identify": lambda u: identify.identify(IdentifyQuery("AK12345?"), u),
    "importing.records.load_records": lambda u: records.load_records([f.fal("1234567")], u, CLOCK),
    "closures.close_business": lambda u: closures.close_business(
        closures.CloseBusiness("Coast Arms", "dealer", date(2024, 6, 30), "Firearms Act s.19"), [], u, CLOCK
    ),
    "closures.explain_difference": lambda u: closures.explain_difference(
        closures.ExplainDifference("Coast Arms", 1, "sold to X under permit P/1"), u, CLOCK
    ),
    "closures.show_business": lambda u: closures.show_business("Coast Arms", u),
    "closures.pending": lambda u: closures.pending(u),
    "importing.files.import_file": lambda u: importing.import_file(importing.ImportFile(_csv()), u, CLOCK),
    "integrity.verify": lambda u: integrity.verify(u),
    "retention.due": lambda u: retention.due(u, CLOCK),
    "retention.purge": lambda u: retention.purge(retention.PurgeRecords((1,), "Board 12", Path("archive")), u, CLOCK),
    "tracing.draft_request": lambda u: tracing.draft_request(REQUEST, u, CLOCK),
    "tracing.send_request": lambda u: tracing.send_request("KEN-NFP-2026-000001", u, CLOCK),
    "tracing.acknowledge": lambda u: tracing.acknowledge("BEL-FPS-2026-000001", u, CLOCK),
    "tracing.answer": lambda u: tracing.answer(ANSWER, u, CLOCK),
    "tracing.follow": lambda u: tracing.follow("KEN-NFP-2026-000001", u, CLOCK),
    "tracing.withdraw": lambda u: tracing.withdraw("KEN-NFP-2026-000001", "identified otherwise", u, CLOCK),
    "tracing.send_reminders": lambda u: tracing.send_reminders(u, CLOCK),
    "deadlines.notify_contact": lambda u: deadlines.notify_contact(u, CLOCK, Mailer("127.0.0.1", 2525)),
    "exchange.receive": lambda u: exchange.receive(_envelope(), u, CLOCK),
    "tracing.list_requests": lambda u: tracing.list_requests(u, CLOCK),
    "tracing.show_request": lambda u: tracing.show_request("KEN-NFP-2026-000001", u, CLOCK),
    "tracing.draft_answer": lambda u: tracing.draft_answer("BEL-FPS-2026-000001", u),
    "tracing.statistics": lambda u: tracing.statistics(u),
    "tracing.counts": lambda u: tracing.counts(u),
    "photographs.attach": lambda u: photographs.attach("receiver.png", "image/png", b"\x89PNG", u, CLOCK),
    "photographs.give": lambda u: photographs.give(_envelope(), u, CLOCK),
    "photographs.photograph": lambda u: photographs.photograph(
        "BEL-FPS-2026-000001", "0" * 64, u, CLOCK, httpx.Client()
    ),
    "anchors.lodge": lambda u: anchors.lodge(u, CLOCK, every=None),
    "anchors.overview": lambda u: anchors.overview(u),
    "integrity.last_verification": lambda u: integrity.last_verification(u),
    "anchors.held_for": lambda u: anchors.held_for(_envelope(), u, CLOCK),
    "anchors.verify_anchors": lambda u: anchors.verify_anchors(u, CLOCK),
    "exchange.init_node": lambda u: exchange.init_node(
        exchange.InitNode("KEN-NFP", "KEN", Path(pytest_tmp()) / "k.pem", "Kenya NFP"), u, CLOCK
    ),
    "exchange.add_peer": lambda u: exchange.add_peer(
        exchange.AddPeer("BEL-FPS", "state", "https://bel.example", "B" * 43 + "=", "BEL"), u, CLOCK
    ),
    "exchange.node_identity": lambda u: exchange.node_identity(u),
    "exchange.deliver": lambda u: exchange.deliver(u, CLOCK, httpx.Client()),
    "exchange.peers": lambda u: exchange.peers(u),
    "exchange.outbox": lambda u: exchange.outbox(u),
    "approvals.waiting": lambda u: approvals.waiting(u),
    "approvals.decide": lambda u: approvals.decide(1, True, None, u, CLOCK, POLICY),
    "accounts.has_administrator": lambda u: accounts.has_administrator(u),
    "accounts.add_first_administrator": lambda u: accounts.add_first_administrator(USER, u, CLOCK),
    "accounts.sign_in": lambda u: accounts.sign_in("amina", "a long passphrase 2026", u, CLOCK),
    "accounts.principal_for_token": lambda u: accounts.principal_for_token("armtrace_x", u, CLOCK),
    "accounts.principal_of": lambda u: accounts.principal_of("amina", u),
    "accounts.add_user": lambda u: accounts.add_user(USER, u, CLOCK),
    "accounts.create_token": lambda u: accounts.create_token(accounts.CreateToken("amina", "police RMS"), u, CLOCK),
    "accounts.revoke_token": lambda u: accounts.revoke_token(1, u, CLOCK),
    "accounts.users": lambda u: accounts.users(u),
    "accounts.access": lambda u: accounts.access(u),
}

PRINCIPALS = {
    **{role.value: Principal(Actor(f"a-{role.value}", role.value), frozenset({role})) for role in PEOPLE},
    "peer": PEER_NODE,
    "scheduler": SCHEDULER,
    "operator": operator("root"),
    "no one": NOBODY,
}


def _service_modules() -> list[Any]:
    return [
        importlib.import_module(m.name) for m in pkgutil.walk_packages(armtrace.services.__path__, "armtrace.services.")
    ]


def _reaches_the_store(fn: Callable[..., Any]) -> bool:
    """Whether a function can touch the store: it takes a unit of work, an engine or a connection."""
    store_words = ("UnitOfWork", "Engine", "Connection")
    return any(
        name in ("uow", "conn", "engine", "uow_for") or any(w in str(p.annotation) for w in store_words)
        for name, p in inspect.signature(fn).parameters.items()
    )


def test_every_public_service_that_reaches_the_store_declares_its_door() -> None:
    undeclared = [
        f"{module.__name__}.{name}"
        for module in _service_modules()
        for name, fn in vars(module).items()
        if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_")
        and _reaches_the_store(fn) and door_of(fn) is None
    ]  # fmt: skip
    assert undeclared == []


def test_the_declarations_are_the_expected_ones_and_every_permission_exists() -> None:
    _service_modules()
    declared = {name: (d.permission, d.access, d.gate and d.gate.act.value) for name, d in DOORS.items()}
    assert declared == EXPECTED
    assert {d.permission for d in DOORS.values()} - {None} <= set(PERMISSIONS)
    assert all(d.public_because for d in DOORS.values() if d.permission is None)
    assert set(CALLS) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_use_case_refuses_inside_the_service_every_principal_the_table_does_not_name(name: str) -> None:
    permission = EXPECTED[name][0]
    outcomes = {}
    for who, principal in PRINCIPALS.items():
        try:
            CALLS[name](StopAtTheStore(principal))
            outcomes[who] = "returned"
        except Reached as reached:
            outcomes[who] = "reached the store"
            assert reached.args[0] == EXPECTED[name][1], "the access-log action is set for the use case's reads"
        except NotSignedIn:
            outcomes[who] = "not signed in"
        except NotPermitted as refused:
            outcomes[who] = "refused"
            assert refused.rule == "armtrace permission table"
    expected = {
        who: "reached the store"
        if permission is None or principal.may(permission)
        else ("not signed in" if principal is NOBODY else "refused")
        for who, principal in PRINCIPALS.items()
    }
    assert outcomes == expected
