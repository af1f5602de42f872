"""Purging: refused before the date; after it, and only once a second person approves, archived to a
file first, chain still whole."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from armtrace.domain.accounts import Principal, Role
from armtrace.domain.actors import Actor
from armtrace.domain.errors import RuleViolation
from armtrace.domain.retention import RetentionPolicy
from armtrace.services.approvals import decide
from armtrace.services.importing.intake import EventInput
from armtrace.services.importing.records import WeaponRecord, load_records
from armtrace.services.integrity import verify
from armtrace.services.retention import PurgeRecords, due, purge
from armtrace.store import tables as t
from armtrace.store.uow import UnitOfWork
from tests import factories as f

SECOND = Principal(Actor("registrar2", "Second registrar"), frozenset({Role.REGISTRY_CLERK}))


def destroyed_weapon(serial: str, year: int) -> WeaponRecord:
    return WeaponRecord(
        f.add_weapon(serial, year=year),
        (EventInput("destroyed", why="Destruction order 7", occurred_at=f.when(year + 1), country="KEN"),),
    )


def test_a_purge_before_the_retention_date_is_refused_naming_the_date(engine, uow, clock, tmp_path) -> None:
    ids = load_records([destroyed_weapon("P1", 2010)], uow(), clock).weapon_ids
    with pytest.raises(RuleViolation, match="must be kept until 2031-01-01") as err:
        purge(PurgeRecords(tuple(ids), "annual review", tmp_path / "archive"), uow(), clock)
    assert "20 for all others" in (err.value.rule or "")
    assert not (tmp_path / "archive").exists()


def test_a_weapon_still_held_is_never_purged(engine, uow, clock, tmp_path) -> None:
    ids = load_records([WeaponRecord(f.add_weapon("P2", year=2001))], uow(), clock).weapon_ids
    clock.at = datetime(2040, 1, 1, tzinfo=UTC)
    with pytest.raises(RuleViolation, match="still on the territory"):
        purge(PurgeRecords(tuple(ids), "annual review", tmp_path), uow(), clock)
    assert due(uow(), clock) == []


def test_an_expired_record_is_archived_then_removed_and_the_chain_still_verifies(engine, uow, clock, tmp_path) -> None:
    result = load_records([destroyed_weapon("P3", 2002), destroyed_weapon("P4", 2015)], uow(), clock)
    old, recent = result.weapon_ids
    assert due(uow(), clock) == [old]
    asked = purge(PurgeRecords((old,), "annual review 2026", tmp_path / "archive"), uow(), clock)
    assert not asked.done and not (tmp_path / "archive").exists()  # nothing happens until a second person approves
    assert decide(asked.approval_id, True, None, UnitOfWork(engine, SECOND, clock), clock, RetentionPolicy()) == (
        "approved"
    )
    with engine.connect() as conn:
        done = conn.execute(sa.select(t.archives)).one()
    assert (done.weapons, done.events, done.created_by) == (1, 2, "registrar2")
    content = Path(done.path).read_bytes()
    assert hashlib.sha256(content).hexdigest() == done.sha256
    archived = json.loads(content.decode())
    assert archived["weapon"]["serial"] == "P3" and [e["seq"] for e in archived["events"]] == [1, 2]
    with engine.connect() as conn:
        assert conn.execute(sa.select(t.weapons.c.id)).scalars().all() == [recent]
        tombstones = conn.execute(sa.select(t.archived_events.c.seq).order_by(t.archived_events.c.seq)).scalars()
        assert list(tombstones) == [1, 2]
        log = conn.execute(sa.select(t.change_log).where(t.change_log.c.action == "registry:weapon:purge")).one()
    assert log.reason == "annual review 2026" and done.sha256 in log.after
    report = verify(uow())
    assert report.ok, (report.chain_break, report.projection_errors)
    assert (report.events, report.archived) == (2, 2)
