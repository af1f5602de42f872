"""Tampering with the store by raw SQL is caught by verify, which names the event."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from armtrace.domain.accounts import operator
from armtrace.domain.actors import SystemClock
from armtrace.domain.chain import Link, canonical, link_hash
from armtrace.domain.lifecycle import utc_text
from armtrace.services.importing.intake import EventInput
from armtrace.services.importing.records import WeaponRecord, load_records
from armtrace.services.integrity import verify
from armtrace.store import tables as t
from armtrace.store.uow import UnitOfWork
from tests import factories as f


def check(engine: sa.Engine):  # type: ignore[no-untyped-def]
    """`armtrace verify`, as the console's operator runs it."""
    return verify(UnitOfWork(engine, operator("test"), SystemClock()))


@pytest.fixture
def registry(engine, uow, clock) -> sa.Engine:
    """Three weapons, nine events: #1-3 weapon 1, #4-6 weapon 2, #7-9 weapon 3."""

    def life(serial: str) -> WeaponRecord:
        return WeaponRecord(
            f.add_weapon(serial),
            (
                EventInput("transferred", why="FC/1", occurred_at=f.when(2012), holder="Licensed holder FC/1"),
                EventInput("stolen", why="OB/7", occurred_at=f.when(2014), country="KEN", place="Nakuru"),
            ),
        )

    load_records([life("T1"), life("T2"), life("T3")], uow(), clock)
    assert check(engine).ok
    return engine


def run(engine: sa.Engine, *statements: str) -> None:
    with engine.begin() as conn:
        for sql in statements:
            conn.exec_driver_sql(sql)


def test_an_untouched_store_verifies(registry) -> None:
    report = check(registry)
    assert (report.ok, report.events, report.weapons, report.head_seq) == (True, 9, 3, 9)


def test_a_changed_payload_is_named(registry) -> None:
    run(registry, "UPDATE events SET payload = replace(payload, 'Nakuru', 'Nairobi') WHERE seq = 6")
    report = check(registry)
    assert report.chain_break is not None and report.chain_break.seq == 6
    assert "altered" in report.chain_break.reason


def test_a_changed_date_is_named(registry) -> None:
    run(registry, "UPDATE events SET payload = replace(payload, '2012-', '2011-') WHERE seq = 5")
    assert check(registry).chain_break.seq == 5


def test_a_deleted_event_is_named(registry) -> None:
    run(registry, "DELETE FROM events WHERE seq = 5")
    report = check(registry)
    assert report.chain_break.seq == 5 and "missing" in report.chain_break.reason


def test_a_deleted_last_event_is_caught_by_the_chain_head(registry) -> None:
    run(registry, "DELETE FROM events WHERE seq = 9")
    report = check(registry)
    assert report.chain_break.seq == 9 and "chain head" in report.chain_break.reason


def test_a_weapon_deleted_with_its_whole_history_is_caught(registry) -> None:
    run(
        registry,
        "DELETE FROM marks WHERE weapon_id = 2",
        "DELETE FROM events WHERE weapon_id = 2",
        "DELETE FROM weapons WHERE id = 2",
    )
    assert check(registry).chain_break.seq == 4


def test_two_reordered_events_are_named(registry) -> None:
    run(
        registry,
        "UPDATE events SET seq = 1000 WHERE seq = 2",
        "UPDATE events SET seq = 2 WHERE seq = 3",
        "UPDATE events SET seq = 3 WHERE seq = 1000",
    )
    report = check(registry)
    assert report.chain_break.seq == 2 and "does not follow" in report.chain_break.reason


def test_a_rewritten_event_with_a_recomputed_hash_breaks_the_next_link(registry) -> None:
    with registry.begin() as conn:
        row = conn.execute(sa.select(t.events).where(t.events.c.seq == 3)).one()
        payload = {**json.loads(row.payload), "type": "lost"}
        forged = link_hash(row.prev_hash, Link(3, row.weapon_id, utc_text(row.recorded_at), row.recorded_by, payload))
        conn.execute(
            t.events.update()
            .where(t.events.c.seq == 3)
            .values(payload=canonical(payload).decode(), type="lost", hash=forged)
        )
    report = check(registry)
    assert report.chain_break.seq == 4 and "does not follow" in report.chain_break.reason


def test_an_edited_projection_is_named(registry) -> None:
    run(registry, "UPDATE weapons SET status = 'destroyed', holder = 'nobody' WHERE id = 3")
    report = check(registry)
    assert report.chain_break is None
    assert report.projection_errors == ["weapon #3: stored holder, status differ from what its events say"]


def test_an_edited_mark_is_named(registry) -> None:
    run(registry, "UPDATE marks SET text = 'XXX' WHERE weapon_id = 1 AND position = 1")
    assert check(registry).projection_errors == ["weapon #1: stored marks differ from what its events say"]


def unreadable_time(engine: sa.Engine, seq: int) -> str:
    """A time that cannot be read: in SQLite's column itself; PostgreSQL's column only holds real times, so
    there it is the time the payload gives."""
    if engine.dialect.name == "sqlite":
        return f"UPDATE events SET recorded_at = 'the 5th of never' WHERE seq = {seq}"
    return f"UPDATE events SET payload = replace(payload, '2014-01-01T12:00:00', 'soon') WHERE seq = {seq}"


CORRUPTIONS = {
    "unreadable_payload": lambda e: "UPDATE events SET payload = payload || '}}' WHERE seq = 2",
    "unreadable_time": lambda e: unreadable_time(e, 6),
    "columns": lambda e: "UPDATE events SET type = 'destroyed' WHERE seq = 8",
    "change_log_altered": lambda e: "UPDATE change_log SET actor = 'someone else' WHERE id = 1",
    "change_log_head": lambda e: "UPDATE chain_head SET seq = seq + 1 WHERE id = 2",
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_each_corruption_is_a_finding_and_verify_goes_on_to_the_end(registry, kind: str) -> None:
    run(registry, CORRUPTIONS[kind](registry))
    report = check(registry)
    assert kind in report.by_kind, report.findings
    assert report.events == 9 and report.weapons == 3  # it read everything, past the bad row


def test_three_corruptions_at_once_are_each_named_with_their_event(registry) -> None:
    run(registry, *(CORRUPTIONS[k](registry) for k in ("unreadable_payload", "unreadable_time", "change_log_altered")))
    report = check(registry)
    named = {(f.kind, f.seq) for f in report.findings}
    assert {("unreadable_payload", 2), ("unreadable_time", 6), ("change_log_altered", 1)} <= named
    assert report.bad_events == (2, 6) and not report.ok
