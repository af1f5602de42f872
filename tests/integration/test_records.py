"""Bulk loading of records and the take-over of a closed business's books."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from armtrace.domain.errors import Conflict, RuleViolation
from armtrace.queries.registry import WeaponFilter, list_weapons
from armtrace.services.closures import CloseBusiness, close_business
from armtrace.services.importing.intake import EventInput
from armtrace.services.importing.records import WeaponRecord, load_records, record_from_json
from armtrace.services.registry import AddWeapon
from armtrace.store import tables as t
from tests import factories as f


def record(serial: str, *, later: tuple[EventInput, ...] = ()) -> WeaponRecord:
    return WeaponRecord(f.add_weapon(serial), later)


def sold(year: int, holder: str) -> EventInput:
    return EventInput("transferred", why=f"FC/{year}", occurred_at=f.when(year), holder=holder, country="KEN")


def test_good_records_load_and_bad_ones_are_reported_with_their_reasons(engine, uow, clock) -> None:
    bad = WeaponRecord(
        AddWeapon({"category": "rifle", "manufacturer": "Glock", "serial": "X1"}, EventInput("lost", why="OB 1"))
    )
    result = load_records([record("A1", later=(sold(2012, "H1"),)), bad, record("A2")], uow(), clock)
    assert (result.read, result.loaded, result.events) == (3, 2, 3)
    [rejected] = result.rejected
    assert rejected.index == 1 and "cannot start with a lost event" in rejected.detail
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.weapons.c.serial, t.weapons.c.first_seq, t.weapons.c.last_seq, t.weapons.c.holder).order_by(
                t.weapons.c.id
            )
        ).all()
        seqs = conn.execute(sa.select(t.events.c.seq, t.events.c.weapon_id).order_by(t.events.c.seq)).all()
    assert [tuple(r) for r in rows] == [("A1", 1, 2, "H1"), ("A2", 3, 3, "Kenya Police Service")]
    assert [s for s, _ in seqs] == [1, 2, 3]


def test_loading_the_same_records_twice_adds_nothing(engine, uow, clock) -> None:
    batch = [record("B1"), record("B2", later=(sold(2013, "H2"),))]
    load_records(batch, uow(), clock)
    again = load_records(batch, uow(), clock)
    assert again.loaded == 0 and [i for i, _ in again.duplicates] == [0, 1]
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.events)).scalar_one() == 3


def test_two_copies_of_one_weapon_in_a_load_are_one_weapon(engine, uow, clock) -> None:
    result = load_records([record("C1"), record("C-1")], uow(), clock)
    assert result.loaded == 1 and result.duplicates == [(1, -1)]


def test_a_bulk_load_leaves_one_change_log_entry_with_the_counts(engine, uow, clock) -> None:
    load_records([record("D1"), record("D2")], uow(), clock)
    with engine.connect() as conn:
        [log] = conn.execute(sa.select(t.change_log)).all()
    assert log.action == "registry:records:load" and '"weapons": 2' in log.after


def closure(name: str = "Coast Firearms & Outfitters") -> CloseBusiness:
    return CloseBusiness(name, "dealer", date(2025, 6, 30), "Firearms Act s.12", country="KEN", licence="FD/1")


def test_a_closed_dealers_records_are_taken_over_and_searchable_by_the_company(engine, uow, clock) -> None:
    books = [
        record_from_json(
            {
                "weapon": {
                    "category": "self_loading_pistol",
                    "manufacturer": "Glock",
                    "model": "19",
                    "serial": "ABC123",
                },
                "events": [
                    {
                        "type": "imported",
                        "why": "IP/1",
                        "occurred_at": "2012-03-04",
                        "country": "KEN",
                        "holder": "Coast Firearms & Outfitters",
                    },
                    {
                        "type": "transferred",
                        "why": "FC/9",
                        "occurred_at": "2013-01-02",
                        "holder": "Licensed holder FC/9",
                    },
                ],
            }
        )
    ]
    done = close_business(closure(), books, uow(), clock)
    business_id = done.business_id
    assert done.load.loaded == 1 and done.status == "closed"  # nothing on record for it: no difference
    with engine.connect() as conn:
        page = list_weapons(conn, WeaponFilter(business="coast firearms and outfitters"))
        biz = conn.execute(sa.select(t.businesses)).one()
    assert [w.serial for w in page.items] == ["ABC123"]
    assert (biz.id, biz.closed_on, biz.country) == (business_id, date(2025, 6, 30), "KEN")
    with pytest.raises(Conflict, match="already closed"):
        close_business(closure(), [], uow(), clock)


def test_a_closure_with_invalid_records_takes_over_nothing(engine, uow, clock) -> None:
    books = [record("E1"), WeaponRecord(AddWeapon({"category": "rifle"}, EventInput("imported", why="")))]
    with pytest.raises(RuleViolation, match="1 of 2 records") as err:
        close_business(closure(), books, uow(), clock)
    assert err.value.problems[0].field == "record 2"
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.weapons)).scalar_one() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(t.businesses)).scalar_one() == 0


def test_a_record_line_without_events_is_refused_with_the_expected_shape() -> None:
    with pytest.raises(RuleViolation, match="needs a 'weapon' object and a non-empty 'events' list"):
        record_from_json({"weapon": {"category": "rifle"}})
