"""Purging: refused before the date; after it, archived to a file first, chain still whole."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from armtrace.domain.errors import RuleViolation
from armtrace.services.intake import EventInput
from armtrace.services.integrity import verify
from armtrace.services.records import WeaponRecord, load_records
from armtrace.services.retention import PurgeRecords, eligible, purge
from armtrace.store import tables as t
from tests import factories as f


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
    assert eligible(uow(), clock.now().date()) == []


def test_an_expired_record_is_archived_then_removed_and_the_chain_still_verifies(engine, uow, clock, tmp_path) -> None:
    result = load_records([destroyed_weapon("P3", 2002), destroyed_weapon("P4", 2015)], uow(), clock)
    old, recent = result.weapon_ids
    assert eligible(uow(), clock.now().date()) == [old]
    done = purge(PurgeRecords((old,), "annual review 2026", tmp_path), uow(), clock)
    assert (done.weapons, done.events) == (1, 2)
    content = done.archive.read_bytes()
    assert hashlib.sha256(content).hexdigest() == done.sha256
    archived = json.loads(content.decode())
    assert archived["weapon"]["serial"] == "P3" and [e["seq"] for e in archived["events"]] == [1, 2]
    with engine.connect() as conn:
        assert conn.execute(sa.select(t.weapons.c.id)).scalars().all() == [recent]
        tombstones = conn.execute(sa.select(t.archived_events.c.seq).order_by(t.archived_events.c.seq)).scalars()
        assert list(tombstones) == [1, 2]
        log = conn.execute(sa.select(t.change_log).where(t.change_log.c.action == "registry:weapon:purge")).one()
    assert log.reason == "annual review 2026" and done.sha256 in log.after
    report = verify(engine)
    assert report.ok, (report.chain_break, report.projection_errors)
    assert (report.events, report.archived) == (2, 2)
