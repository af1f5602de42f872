"""Import marking tasks on real stores (SQLite and PostgreSQL): opened by the import, wherever it is
recorded, listed oldest first with their age, closed only by the import mark with its place, and
recomputed by verify (ITI para 8(b); ISACS 05.30; Firearms Protocol Art. 8)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command

from armtrace.domain.accounts import operator
from armtrace.domain.actors import FixedClock, SystemClock
from armtrace.domain.errors import Conflict, RuleViolation
from armtrace.queries.registry import WeaponFilter
from armtrace.services import marking
from armtrace.services.importing.files import ImportFile, import_file
from armtrace.services.importing.records import WeaponRecord, load_records, read_records
from armtrace.services.integrity import verify
from armtrace.services.marking import MarkImport, mark_import
from armtrace.services.registry import CorrectEvent, add_weapon, correct_event, find_weapons, show_weapon
from armtrace.store import tables as t
from armtrace.store.migrate import alembic_config, upgrade
from armtrace.store.uow import UnitOfWork
from tests import factories as f

Uow = Callable[[], UnitOfWork]
WHY = "Marking order MO/2026/14"


def findings(engine: sa.Engine) -> dict[str, int]:
    """What `armtrace verify` finds, by kind."""
    return verify(UnitOfWork(engine, operator("test"), SystemClock())).by_kind


def due(engine: sa.Engine, weapon_id: int) -> tuple[str | None, object]:
    with engine.connect() as conn:
        row = conn.execute(sa.select(t.weapons).where(t.weapons.c.id == weapon_id)).one()
    return row.marking_due, row.marking_due_since


def test_a_weapon_imported_without_its_mark_awaits_it_until_the_mark_and_its_place_are_recorded(
    engine, uow: Uow, clock
) -> None:
    wid = add_weapon(f.imported_unmarked(), uow(), clock).weapon_id
    assert due(engine, wid) == ("KEN 2019", f.when(2019, 5, 2))
    listed = marking.tasks(uow(), clock)
    assert listed.total == 1
    task = listed.items[0]
    assert (task.weapon_id, task.country, task.year, task.serial_needed) == (wid, "KEN", 2019, False)
    assert task.age_days == (clock.now() - f.when(2019, 5, 2)).days
    assert findings(engine) == {}

    with pytest.raises(RuleViolation) as refused:
        mark_import(MarkImport(wid, "", WHY), uow(), clock)
    assert [p.field for p in refused.value.problems] == ["location"]
    recorded = mark_import(MarkImport(wid, "receiver", WHY), uow(), clock)
    [mark] = [m for m in recorded.state.marks if m.kind.value == "import"]
    assert (mark.country, mark.year, mark.location.value, mark.text) == ("KEN", 2019, "receiver", "KEN 2019")
    assert "no_import_mark" not in [g.code for g in recorded.gaps]
    assert due(engine, wid) == (None, None)
    assert marking.tasks(uow(), clock).total == 0
    assert findings(engine) == {}
    with engine.connect() as conn:
        action = conn.execute(sa.select(t.change_log.c.action).order_by(t.change_log.c.id.desc())).scalars().first()
    assert action == "marking:weapon:import_mark"


def test_a_bulk_load_opens_a_task_for_each_import_without_its_mark_and_none_for_a_temporary_one(
    engine, uow: Uow, clock
) -> None:
    result = load_records(
        [
            WeaponRecord(f.imported_unmarked("B1")),
            WeaponRecord(f.add_weapon("B2")),  # imported with Kenya's mark
            WeaponRecord(f.imported_unmarked("B3", temporary="Africa shooting championship; re-exported")),
        ],
        uow(),
        clock,
    )
    b1, b2, b3 = result.weapon_ids
    assert [due(engine, w)[0] for w in (b1, b2, b3)] == ["KEN 2019", None, None]
    awaiting = find_weapons(WeaponFilter(awaiting_marking=True), uow())
    assert [w.id for w in awaiting.items] == [b1]
    exempt = show_weapon(b3, uow())
    assert exempt.import_marking is None
    assert [i.temporary for i in exempt.temporary_imports] == ["Africa shooting championship; re-exported"]
    assert findings(engine) == {}


def test_a_weapon_with_no_unique_mark_gets_a_serial_with_its_import_mark_or_none_at_all(
    engine, uow: Uow, clock
) -> None:
    craft = f.imported_unmarked(None, manufacturer="", model="", marking_condition="unmarked", origin="craft")
    wid = add_weapon(craft, uow(), clock).weapon_id
    assert marking.tasks(uow(), clock).items[0].serial_needed
    with pytest.raises(RuleViolation) as refused:
        mark_import(MarkImport(wid, "frame", WHY), uow(), clock)
    assert refused.value.rule == "ITI para 8(b); ISACS 05.30"
    assert [p.field for p in refused.value.problems] == ["serial"]
    recorded = mark_import(MarkImport(wid, "frame", WHY, serial="KEN-I-000123"), uow(), clock)
    assert [g.code for g in recorded.gaps] == []  # the import mark's serial is the unique mark
    assert due(engine, wid) == (None, None)
    assert findings(engine) == {}


def test_marking_a_weapon_that_awaits_no_import_mark_is_refused_with_the_reason(engine, uow: Uow, clock) -> None:
    marked = add_weapon(f.add_weapon("M1"), uow(), clock).weapon_id
    temporary = add_weapon(f.imported_unmarked("M2", temporary="repair at the maker's"), uow(), clock).weapon_id
    with pytest.raises(Conflict, match="carries its import mark already"):
        mark_import(MarkImport(marked, "receiver", WHY), uow(), clock)
    with pytest.raises(RuleViolation, match="imported temporarily") as exempt:
        mark_import(MarkImport(temporary, "receiver", WHY), uow(), clock)
    assert exempt.value.rule == "Firearms Protocol Art. 8"


def test_the_tasks_are_listed_oldest_first_with_their_age_in_days(engine, uow: Uow, clock) -> None:
    for serial, year in (("O1", 2021), ("O2", 2015), ("O3", 2018)):
        add_weapon(f.imported_unmarked(serial, on=f.when(year)), uow(), clock)
    later = FixedClock(clock.now() + timedelta(days=10))
    listed = marking.tasks(uow(), later, per_page=2)
    assert listed.total == 3
    assert [(x.serial, x.year) for x in listed.items] == [("O2", 2015), ("O3", 2018)]
    assert listed.items[0].age_days == (later.now() - f.when(2015)).days


def test_a_correction_that_finds_the_import_temporary_closes_its_task_and_verify_agrees(
    engine, uow: Uow, clock
) -> None:
    r = add_weapon(f.imported_unmarked("C1"), uow(), clock)
    correct_event(CorrectEvent(r.weapon_id, r.seq, "permit was for an exhibition", changes={"temporary": "Expo"}),
                  uow(), clock)  # fmt: skip
    assert due(engine, r.weapon_id) == (None, None)
    assert findings(engine) == {}


def test_verify_names_a_marking_task_edited_by_hand(engine, uow: Uow, clock) -> None:
    wid = add_weapon(f.imported_unmarked(), uow(), clock).weapon_id
    with engine.begin() as conn:
        conn.execute(t.weapons.update().where(t.weapons.c.id == wid).values(marking_due=None, marking_due_since=None))
    report = verify(UnitOfWork(engine, operator("test"), SystemClock()))
    assert report.by_kind == {"projection": 1}
    assert "marking_due" in report.findings[0].detail


def test_the_migration_backfills_the_tasks_of_weapons_recorded_before_it(engine, uow: Uow, clock) -> None:
    waiting = add_weapon(f.imported_unmarked("R1"), uow(), clock).weapon_id
    add_weapon(f.add_weapon("R2"), uow(), clock)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0013")
    upgrade(engine)
    assert due(engine, waiting) == ("KEN 2019", f.when(2019, 5, 2))
    assert marking.tasks(uow(), clock).total == 1
    assert findings(engine) == {}


def test_a_file_import_opens_tasks_and_reads_a_temporary_import_from_its_column_or_a_json_record(
    engine, uow: Uow, clock, tmp_path
) -> None:
    path = tmp_path / "customs.csv"
    path.write_text(
        "Serial,Make,Type,event,why,country,holder,date,Import mark,Temporary import\n"
        "F1,Glock,pistol,imported,Customs entry 1,KEN,Dealer A,2020-03-01,,\n"
        "F2,Glock,pistol,imported,Customs entry 2,KEN,Dealer A,2020-03-01,KEN 20,\n"
        "F3,Glock,pistol,imported,Customs entry 3,KEN,Club B,2020-03-01,,Nairobi open championship\n",
        encoding="utf-8",
    )
    report = import_file(ImportFile(path), uow(), clock)
    assert report.imported == 3, report
    line = {"weapon": {"category": "rifle", "manufacturer": "FN Herstal", "serial": "J1"},
            "events": [{"type": "imported", "why": "IP/1", "occurred_at": "2021-01-05T10:00:00Z", "country": "KEN",
                        "holder": "Club B", "temporary": "exhibition, re-exported"}]}  # fmt: skip
    loaded = load_records(read_records(json.dumps(line), "books.jsonl"), uow(), clock)
    serials = {w.serial: w for w in find_weapons(WeaponFilter(), uow(), per_page=10).items}
    assert [x.serial for x in marking.tasks(uow(), clock).items] == ["F1"]
    assert [i.temporary for i in show_weapon(serials["F3"].id, uow()).temporary_imports] == [
        "Nairobi open championship"
    ]
    assert show_weapon(loaded.weapon_ids[0], uow()).temporary_imports[0].temporary == "exhibition, re-exported"
    assert findings(engine) == {}
