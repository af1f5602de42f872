"""Registry use cases on real stores (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from armtrace.domain.errors import Conflict, NotFound, RuleViolation
from armtrace.domain.lifecycle import Status
from armtrace.services.importing.intake import EventInput
from armtrace.services.registry import (
    AddWeapon,
    AssignMark,
    CorrectEvent,
    RecordEvent,
    add_weapon,
    assign_mark,
    correct_event,
    record_event,
)
from armtrace.store import tables as t
from armtrace.store.uow import UnitOfWork
from tests import factories as f

Uow = Callable[[], UnitOfWork]


def count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def changes(engine: sa.Engine) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(t.change_log).order_by(t.change_log.c.id)))


def test_adding_a_weapon_records_its_first_event_projection_and_change_log(engine, uow: Uow, clock) -> None:
    r = add_weapon(f.add_weapon(), uow(), clock)
    with engine.connect() as conn:
        w = conn.execute(sa.select(t.weapons)).one()
        e = conn.execute(sa.select(t.events)).one()
        head = conn.execute(sa.select(t.chain_head).where(t.chain_head.c.id == 1)).one()
    assert (w.id, w.manufacturer_id, w.serial_key, w.status, w.holder) == (
        r.weapon_id,
        "kalashnikov-concern",
        "AK123456",
        "held",
        "Kenya Police Service",
    )
    assert w.calibre == "7.62x39mm"
    assert (e.seq, e.type, e.prev_hash, head.seq, head.hash) == (1, "imported", "0" * 64, 1, e.hash)
    [log] = changes(engine)
    assert (log.actor, log.actor_name, log.action, log.object_id) == (
        "clerk1",
        "Amina Clerk",
        "registry:weapon:add",
        str(r.weapon_id),
    )
    assert log.before is None and json.loads(log.after)["serial"] == "AK123456"
    assert [m.kind.value for m in r.state.marks] == ["manufacture", "import"]
    assert r.gaps == []


def test_a_duplicate_identity_is_refused_with_the_existing_record_id(engine, uow: Uow, clock) -> None:
    first = add_weapon(f.add_weapon(), uow(), clock)
    with pytest.raises(Conflict) as err:
        add_weapon(f.add_weapon(serial="AK-123 456", manufacturer="Izhmash"), uow(), clock)
    assert err.value.extra["existing_id"] == first.weapon_id
    assert f"weapon #{first.weapon_id}" in err.value.detail
    assert count(engine, t.weapons) == 1 and count(engine, t.events) == 1


def test_an_unknown_manufacturer_is_refused_with_the_closest_known_names(engine, uow: Uow, clock) -> None:
    with pytest.raises(RuleViolation) as err:
        add_weapon(f.add_weapon(manufacturer="Izhmah"), uow(), clock)
    [problem] = err.value.problems
    assert problem.field == "manufacturer" and "Izhmash" in (problem.hint or "")
    assert count(engine, t.weapons) == 0


def test_an_unlisted_manufacturer_is_recorded_as_written_when_asked(engine, uow: Uow, clock) -> None:
    cmd = f.add_weapon(manufacturer="Darra Adam Khel Workshop 7", country_of_manufacture="PAK")
    r = add_weapon(AddWeapon(cmd.description, cmd.first_event, allow_unlisted_manufacturer=True), uow(), clock)
    assert r.state.description.manufacturer_id is None
    assert r.state.description.manufacturer_key == "name:darra adam khel workshop 7"
    assert any("not in the reference" in n for n in r.notes)


def test_every_problem_of_a_bad_weapon_is_reported_at_once_and_nothing_is_written(engine, uow: Uow, clock) -> None:
    bad = AddWeapon(
        {"category": "bazooka", "manufacturer": "Glock", "year_of_manufacture": 2090},
        EventInput(type="imported", why="", country="Atlantis"),
    )
    with pytest.raises(RuleViolation) as err:
        add_weapon(bad, uow(), clock)
    fields = [p.field for p in err.value.problems]
    assert {"category", "year_of_manufacture", "serial", "country", "why", "holder"} <= set(fields)
    assert count(engine, t.weapons) == 0 and count(engine, t.change_log) == 0


def test_a_transfer_moves_the_holder_and_links_to_the_previous_event(engine, uow: Uow, clock) -> None:
    w = add_weapon(f.add_weapon(), uow(), clock)
    r = record_event(
        RecordEvent(
            w.weapon_id,
            EventInput(
                "transferred",
                why="Firearm certificate FC/1",
                occurred_at=f.when(2015),
                holder="Licensed holder FC/1",
                country="KEN",
            ),
        ),
        uow(),
        clock,
    )
    with engine.connect() as conn:
        first, second = conn.execute(sa.select(t.events).order_by(t.events.c.seq)).all()
        row = conn.execute(sa.select(t.weapons)).one()
    assert second.prev_hash == first.hash and r.seq == 2
    assert (row.holder, row.last_seq) == ("Licensed holder FC/1", 2)
    log = changes(engine)[-1]
    assert log.action == "registry:weapon:transferred"
    assert json.loads(log.before)["holder"] == "Kenya Police Service"
    assert json.loads(log.after)["holder"] == "Licensed holder FC/1"


def test_an_event_the_lifecycle_forbids_changes_nothing(engine, uow: Uow, clock) -> None:
    w = add_weapon(f.add_weapon(), uow(), clock)
    record_event(
        RecordEvent(w.weapon_id, EventInput("destroyed", why="order 1", occurred_at=f.when(2016))), uow(), clock
    )
    with pytest.raises(RuleViolation, match="cannot follow status 'destroyed'"):
        record_event(RecordEvent(w.weapon_id, EventInput("stolen", why="OB 2", occurred_at=f.when(2017))), uow(), clock)
    assert count(engine, t.events) == 2
    with engine.connect() as conn:
        assert conn.execute(sa.select(t.chain_head.c.seq).where(t.chain_head.c.id == 1)).scalar_one() == 2


def test_recording_on_an_unknown_weapon_says_so(engine, uow: Uow, clock) -> None:
    with pytest.raises(NotFound, match="no weapon #99"):
        record_event(RecordEvent(99, EventInput("lost", why="OB 1")), uow(), clock)


def test_a_correction_restates_an_event_and_keeps_the_original(engine, uow: Uow, clock) -> None:
    w = add_weapon(f.add_weapon(), uow(), clock)
    t2 = record_event(
        RecordEvent(
            w.weapon_id,
            EventInput("transferred", why="FC/1", occurred_at=f.when(2015), holder="J. Doe", place="Nakru"),
        ),
        uow(),
        clock,
    )
    # A correction of the place is made at once; one of the holder waits for a second person (test_approvals).
    handled = correct_event(
        CorrectEvent(w.weapon_id, t2.seq, "place misspelt", changes={"place": "Nakuru"}), uow(), clock
    )
    r = handled.result
    assert handled.done and r.state.place == "Nakuru"
    with engine.connect() as conn:
        original = conn.execute(sa.select(t.events.c.payload).where(t.events.c.seq == t2.seq)).scalar_one()
        fix = conn.execute(sa.select(t.events).where(t.events.c.seq == r.seq)).one()
    assert json.loads(original)["place"] == "Nakru"
    assert (fix.type, fix.corrects) == ("correction", t2.seq)
    assert changes(engine)[-1].reason == "place misspelt"


def test_a_correction_that_would_break_the_lifecycle_is_refused(engine, uow: Uow, clock) -> None:
    w = add_weapon(f.add_weapon(), uow(), clock)
    with pytest.raises(RuleViolation, match="no event would remain"):
        correct_event(CorrectEvent(w.weapon_id, w.seq, "wrong weapon", void=True), uow(), clock)
    assert count(engine, t.events) == 1


def test_the_state_assigns_an_unmarked_weapon_a_unique_mark(engine, uow: Uow, clock) -> None:
    found = AddWeapon(
        {"category": "shotgun", "origin": "craft", "marking_condition": "unmarked"},
        EventInput(
            "recovered", why="Seizure SR/1", occurred_at=f.when(2020), country="KEN", holder="DCI Firearms Unit"
        ),
    )
    w = add_weapon(found, uow(), clock)
    assert [g.code for g in w.gaps] == ["needs_state_mark"]
    r = assign_mark(AssignMark(w.weapon_id, "KEN", "Marking order MO/1"), uow(), clock)
    assert r.gaps == []
    assert r.state.marks[-1].text == f"KEN 2026 A{w.weapon_id:08d}"
    assert r.state.status is Status.RECOVERED
