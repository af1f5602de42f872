"""Identifying a recovered weapon from its marks as read, on a registry of a few hundred records."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

from armtrace.domain.errors import RuleViolation
from armtrace.queries.identify import Identification, IdentifyQuery, identify
from armtrace.services.importing.records import WeaponRecord, load_records
from armtrace.store.uow import UnitOfWork
from tests import factories as f

MAKERS = {
    "Glock": {"model": "17", "calibre": "9x19", "category": "self_loading_pistol"},
    "Kalashnikov Concern": {"model": "AK-103", "calibre": "7.62x39", "category": "assault_rifle"},
    "Norinco": {"model": "Type 56", "calibre": "7.62x39", "category": "assault_rifle"},
    "Beretta": {"model": "92FS", "calibre": "9x19", "category": "self_loading_pistol"},
}

# The weapons the queries look for, each beside near-twins that differ by one character.
TARGETS = {
    "KC-40518-934": "Kalashnikov Concern",
    "56-10358": "Norinco",
    "M41235Z": "Beretta",
    "BKX-9034-TR": "Glock",
    "AK-2231-8764": "Kalashnikov Concern",
    "TR 5039 6142": "Beretta",
}
TWINS = {
    "KC-40518-935": "Kalashnikov Concern",
    "KC-4O518-934": "Kalashnikov Concern",  # the same serial up to a look-alike: an exact reading must win
    "56-10359": "Norinco",
    "56-10368": "Norinco",
    "M41235Y": "Beretta",
    "M41236Z": "Beretta",
    "BKX-9134-TR": "Glock",
    "AK-2281-8764": "Kalashnikov Concern",
    "AK-2231-9764": "Kalashnikov Concern",
    "TR 5039 6152": "Beretta",
    "TR 5139 6142": "Beretta",
}


def filler(count: int = 180) -> dict[str, str]:
    """Ordinary records: numeric, alphanumeric and separated serials of four makers."""
    rng = random.Random(20260301)
    digits, letters = "0123456789", "ACEFHJKMNPRTWXY"
    out: dict[str, str] = {}
    shapes: list[tuple[str, Callable[[], str]]] = [
        ("Glock", lambda: "".join(rng.choices(letters, k=3)) + "".join(rng.choices(digits, k=3))),
        ("Kalashnikov Concern", lambda: "".join(rng.choices(digits, k=9))),
        ("Norinco", lambda: "N" + "".join(rng.choices(digits, k=4)) + "-" + "".join(rng.choices(digits, k=4))),
        ("Beretta", lambda: "PX " + "".join(rng.choices(digits, k=3)) + " " + "".join(rng.choices(letters, k=3))),
    ]
    while len(out) < count:
        maker, shape = shapes[len(out) % len(shapes)]
        out.setdefault(shape(), maker)
    return out


def weapon(serial: str, maker: str) -> WeaponRecord:
    kind = MAKERS[maker]
    return WeaponRecord(
        f.add_weapon(
            serial, manufacturer=maker, model=kind["model"], calibre=kind["calibre"], category=kind["category"]
        )
    )


@pytest.fixture
def registry(engine: sa.Engine, uow: Callable[[], UnitOfWork], clock: Any) -> dict[str, int]:
    """Serial -> weapon id for every record loaded."""
    everything = {**TARGETS, **TWINS, **filler()}
    result = load_records([weapon(s, m) for s, m in everything.items()], uow(), clock)
    assert result.loaded == len(everything) == 197 and not result.rejected
    return dict(zip(everything, result.weapon_ids, strict=True))


def find(engine: sa.Engine, **query: Any) -> Identification:
    with engine.connect() as conn:
        return identify(conn, IdentifyQuery(**query))


CASES = [
    # id, query, the serial that must come first, what the explanation must say
    ("exact", {"serial": "KC-40518-934"}, "KC-40518-934", "serial equal"),
    ("exact-without-separators", {"serial": "kc40518934"}, "KC-40518-934", "serial equal"),
    ("O-for-0", {"serial": "56-1O358"}, "56-10358", "look-alike characters (O/0)"),
    ("I-for-1", {"serial": "56-I0358"}, "56-10358", "look-alike characters (I/1)"),
    ("S-for-5", {"serial": "56-103S8"}, "56-10358", "look-alike characters (S/5)"),
    ("B-for-8", {"serial": "56-1035B"}, "56-10358", "look-alike characters (B/8)"),
    ("one-?", {"serial": "M41?35Z"}, "M41235Z", "serial equal up to 1 obliterated character"),
    ("two-?", {"serial": "M4??35Z"}, "M41235Z", "serial equal up to 2 obliterated characters"),
    ("*-at-the-end", {"serial": "BKX-90*"}, "BKX-9034-TR", "around the obliterated run"),
    ("*-at-the-start", {"serial": "*034-TR"}, "BKX-9034-TR", "around the obliterated run"),
    ("missing-prefix", {"serial": "31-8764"}, "AK-2231-8764", "ends with the characters read (4 missing at the start)"),
    (
        "missing-suffix",
        {"serial": "AK-2231-87"},
        "AK-2231-8764",
        "begins with the characters read (2 missing at the end)",
    ),
    ("substitution", {"serial": "TR 5039 6143"}, "TR 5039 6142", "within 1 typing error"),
    ("deletion", {"serial": "TR 503 6142"}, "TR 5039 6142", "within 1 typing error"),
    ("insertion", {"serial": "TR 50349 6142"}, "TR 5039 6142", "within 1 typing error"),
    ("transposition", {"serial": "TR 5093 6142"}, "TR 5039 6142", "within 1 typing error"),
    ("two-typing-errors", {"serial": "TR 5093 6148"}, "TR 5039 6142", "within 2 typing errors"),
    # one error in the first third, one in the last: the module promises the intact middle finds it
    ("two-typing-errors-at-both-ends", {"serial": "TR 4039 6442"}, "TR 5039 6142", "within 2 typing errors"),
    (
        "former-manufacturer-name",
        {"serial": "KC-40518-934", "manufacturer": "Izhmash"},
        "KC-40518-934",
        "serial equal; Izhmash is a former name of Kalashnikov Concern",
    ),
    (
        "typing-error-with-the-manufacturer",
        {"serial": "TR 5093 6142", "manufacturer": "Beretta", "model": "92 FS", "calibre": "9mm Para"},
        "TR 5039 6142",
        "model equal; calibre equal",
    ),
]


@pytest.mark.parametrize(("query", "expected", "why"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_right_weapon_comes_first_with_the_reason_it_fits(
    engine: sa.Engine, registry: dict[str, int], query: dict[str, str], expected: str, why: str
) -> None:
    found = find(engine, **query)
    assert found.candidates, found.advice
    first = found.candidates[0]
    assert (first.weapon_id, first.serial) == (registry[expected], expected)
    assert why in first.explanation
    assert all(c.score <= first.score for c in found.candidates)
    others = [c for c in found.candidates[1:] if c.score == first.score]
    assert not others, f"tied with {[(c.serial, c.explanation) for c in others]}"


def test_an_exact_reading_outranks_its_look_alike_twin_and_its_typing_error_twin(
    engine: sa.Engine, registry: dict[str, int]
) -> None:
    found = find(engine, serial="KC-40518-934")
    ranked = [(c.serial, c.score) for c in found.candidates[:3]]
    assert ranked == [("KC-40518-934", 1.0), ("KC-4O518-934", 0.97), ("KC-40518-935", 0.85)]


def test_a_near_twin_is_listed_below_the_weapon_it_resembles(engine: sa.Engine, registry: dict[str, int]) -> None:
    found = find(engine, serial="56-1O358")
    serials = [c.serial for c in found.candidates]
    assert serials[0] == "56-10358"
    assert "56-10359" in serials[1:] and "56-10368" in serials[1:]
    twin = next(c for c in found.candidates if c.serial == "56-10359")
    assert "1 typing error" in twin.explanation


def test_the_former_manufacturer_name_is_reported_as_how_the_input_was_read(
    engine: sa.Engine, registry: dict[str, int]
) -> None:
    found = find(engine, serial="KC-40518-934", manufacturer="Izhmash")
    assert "Izhmash is a former name of Kalashnikov Concern" in found.read_as
    assert found.candidates[0].score == 1.0


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        ("56-10358", "56-10358"),
        ("56-1O358", "56-10358"),
        ("AK-2231-87", "AK-2231-8764"),
        ("TR 5093 6142", "TR 5039 6142"),
    ],
    ids=["exact", "look-alike", "missing-suffix", "typing-error"],
)
def test_a_wrong_manufacturer_lowers_the_match_but_does_not_hide_it(
    engine: sa.Engine, registry: dict[str, int], serial: str, expected: str
) -> None:
    right = find(engine, serial=serial).candidates[0]
    wrong = find(engine, serial=serial, manufacturer="Glock").candidates
    assert right.weapon_id == registry[expected]
    assert wrong, "the weapon was hidden by the wrong manufacturer"
    assert wrong[0].weapon_id == right.weapon_id
    assert wrong[0].score < right.score
    assert "manufacturer differs (recorded: " in wrong[0].explanation


def test_a_misspelt_manufacturer_is_read_as_the_company_it_resembles(
    engine: sa.Engine, registry: dict[str, int]
) -> None:
    found = find(engine, serial="56-10358", manufacturer="Norinko")
    first = found.candidates[0]
    assert first.serial == "56-10358" and first.score == 1.0
    assert "read as Norinco" in first.explanation


def test_an_unknown_manufacturer_is_said_to_be_unused_and_the_serial_still_finds_the_weapon(
    engine: sa.Engine, registry: dict[str, int]
) -> None:
    found = find(engine, serial="M41235Z", manufacturer="Darra workshop")
    assert found.candidates[0].serial == "M41235Z"
    assert any("'Darra workshop' is not known" in r for r in found.read_as)


@pytest.mark.parametrize("serial", [None, "", "K?", "A*", "??1"])
def test_too_little_to_go_on_is_refused_with_what_else_would_help(
    engine: sa.Engine, registry: dict[str, int], serial: str | None
) -> None:
    with pytest.raises(RuleViolation, match="too little to go on") as err:
        find(engine, serial=serial, manufacturer="Glock")
    hint = err.value.hint or ""
    assert "at least 3 readable characters" in hint and "manufacturer and model together" in hint


def test_a_pattern_without_a_readable_run_is_refused_with_what_to_do(
    engine: sa.Engine, registry: dict[str, int]
) -> None:
    with pytest.raises(RuleViolation, match="no run of 3 readable characters") as err:
        find(engine, serial="K?4?1?9")
    assert "manufacturer and model" in (err.value.hint or "")


def test_a_manufacturer_and_model_without_a_serial_list_that_models_records(
    engine: sa.Engine, registry: dict[str, int]
) -> None:
    found = find(engine, manufacturer="Glock", model="17", limit=100)
    glocks = {s for s, m in {**TARGETS, **TWINS, **filler()}.items() if m == "Glock"}
    assert {c.serial for c in found.candidates} == glocks
    assert all(c.explanation == "no serial compared; manufacturer Glock; model equal" for c in found.candidates)
    assert any("a serial would narrow them" in a for a in found.advice)


def test_a_query_that_fits_nothing_returns_no_candidates_and_advice(
    engine: sa.Engine, registry: dict[str, int]
) -> None:
    found = find(engine, serial="ZZW-4949-HH")
    assert found.candidates == []
    assert any("no record fits" in a for a in found.advice)


IDENTIFY_QUERIES = [
    {"serial": "KC-40518-934"},
    {"serial": "56-1O358"},
    {"serial": "M41?35Z"},
    {"serial": "*034-TR"},
    {"serial": "?C40518?3?"},
    {"serial": "BKX-90*"},
    {"serial": "TR 5093 6148"},
    {"serial": "TR 5093 6148", "manufacturer": "Beretta"},
    {"serial": "31-8764", "manufacturer": "Izhmash"},
    {"manufacturer": "Glock", "model": "17"},
]


@contextmanager
def statements(engine: sa.Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)


def test_identify_reads_the_registry_through_its_indexes_only(engine: sa.Engine, registry: dict[str, int]) -> None:
    with statements(engine) as seen:
        for query in IDENTIFY_QUERIES:
            find(engine, **query)
    on_weapons = [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT") and "FROM weapons" in s]
    assert len(on_weapons) >= len(IDENTIFY_QUERIES)
    assert [s for s, _ in on_weapons if "WHERE" not in s] == []
    if engine.dialect.name == "sqlite":
        scans = []
        with engine.connect() as conn:
            for statement, parameters in on_weapons:
                plan = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
                assert any("weapons" in step for step in plan)
                scans += [(statement, step) for step in plan if step.startswith("SCAN weapons")]
        assert scans == []


def test_a_record_one_error_away_does_not_stop_the_search_for_the_weapon_two_errors_away(
    engine: sa.Engine, registry: dict[str, int], uow: Callable[[], UnitOfWork], clock: Any
) -> None:
    # Read with two wrong digits, one in each half. Another Glock lies one error from the reading and is
    # found by the halves; the weapon itself only by its intact first third, 'XSB'.
    loaded = load_records([weapon("XSB68688", "Glock"), weapon("XSB78679", "Glock")], uow(), clock)
    weapon_id = loaded.weapon_ids[0]
    found = find(engine, serial="XSB78678", manufacturer="Glock")
    ranked = [c.weapon_id for c in found.candidates[:5]]
    assert weapon_id in ranked, [(c.serial, c.explanation) for c in found.candidates]
    assert "within 2 typing errors" in next(c for c in found.candidates if c.weapon_id == weapon_id).explanation
