"""The `armtrace` command, as a clerk and an auditor use it, on both stores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from armtrace import i18n
from armtrace.cli.main import app
from armtrace.domain.errors import N_

runner = CliRunner()


def armtrace(url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", url, "--as", "clerk7", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.fixture
def store(store_url: str) -> str:
    return store_url


PASSWORDS = {"admin": "keys of the registry 7731", "clerk": "ledger keeper 4419", "supervisor": "second signature 8820"}


def signed(url: str, user: str, *args: str, password: str | None = None) -> tuple[int, str]:
    """The command as a user of the registry, for the acts held to the two-person rule."""
    env = {"COLUMNS": "200", "ARMTRACE_PASSWORD": password or PASSWORDS[user]}
    result = runner.invoke(app, ["--db", url, "--user", user, *args], env=env)
    return result.exit_code, result.output


def add_user(url: str, user: str, role: str, password: str, by: str | None = "admin") -> tuple[int, str]:
    """`armtrace user add`, as the administrator (signed in) or, for the first account, at the bare console."""
    who = ["--user", by] if by else []
    env = {"ARMTRACE_NEW_PASSWORD": password, "ARMTRACE_PASSWORD": PASSWORDS[by] if by else ""}
    result = runner.invoke(
        app, ["--db", url, *who, "user", "add", user, "--name", user.title(), "--role", role], env=env
    )
    return result.exit_code, result.output


@pytest.fixture
def staff(store: str) -> str:
    """The registry's administrator, and two clerks: one asks, the other approves."""
    assert add_user(store, "admin", "admin", PASSWORDS["admin"], by=None)[0] == 0
    for user in ("clerk", "supervisor"):
        code, out = add_user(store, user, "registry_clerk", PASSWORDS[user])
        assert code == 0, out
    return store


def test_accounts_are_made_by_a_signed_in_administrator_after_the_first(store) -> None:
    code, out = add_user(store, "clerk", "registry_clerk", PASSWORDS["clerk"], by=None)
    assert code == 5 and "the first account of a registry is its administrator" in out
    assert add_user(store, "admin", "admin", PASSWORDS["admin"], by=None)[0] == 0
    code, out = add_user(store, "ghost", "registry_clerk", "nobody signed in 5521", by=None)
    assert code == 5 and "needs a user of the registry" in out and "armtrace --user NAME" in out
    assert add_user(store, "clerk", "registry_clerk", PASSWORDS["clerk"])[0] == 0
    code, out = add_user(store, "ghost", "registry_clerk", "nobody signed in 5521", by="clerk")
    assert code == 5 and "it needs the permission 'accounts.manage'" in out
    for args in (["token", "create", "clerk", "--name", "police RMS"], ["token", "revoke", "1"]):
        code, out = armtrace(store, *args)
        assert code == 5 and "needs a user of the registry" in out


ADD = [
    "weapon",
    "add",
    "--category",
    "assault_rifle",
    "--manufacturer",
    "Izhmash",
    "--model",
    "AKM",
    "--serial",
    "0365292",
    "--calibre",
    "7,62 x 39",
    "--year",
    "2003",
    "--event",
    "imported",
    "--date",
    "2009-05-04",
    "--country",
    "KEN",
    "--holder",
    "National Police Service",
    "--why",
    "IP/2009/17",
    "--mark",
    "import:receiver:KEN 09:KEN:2009",
]


def test_a_clerk_records_a_weapon_and_its_life_and_the_auditor_verifies_it(store) -> None:
    code, out = armtrace(store, *ADD)
    assert code == 0, out
    assert "Recorded weapon #1: event #1, status held" in out
    assert "Izhmash is a former name of Kalashnikov Concern" in out
    code, out = armtrace(
        store,
        "event",
        "add",
        "1",
        "--type",
        "stock_in",
        "--facility",
        "Kahawa Central Armoury",
        "--date",
        "2009-06-01",
        "--why",
        "RV/33",
    )
    assert code == 0 and "status in_stock" in out
    code, out = armtrace(
        store,
        "event",
        "add",
        "1",
        "--type",
        "stolen",
        "--date",
        "2015-02-03",
        "--country",
        "KEN",
        "--place",
        "Kahawa",
        "--why",
        "OB/2015/44",
    )
    assert code == 0 and "status stolen" in out
    code, out = armtrace(store, "weapon", "show", "1")
    assert code == 0
    assert "Kahawa Central Armoury" in out and "OB/2015/44" in out and "7.62x39mm" in out
    assert "ITI marking check: no gap" in out
    code, out = armtrace(store, "weapon", "list", "--status", "stolen")
    assert code == 0 and "0365292" in out and "1 weapons" in out
    code, out = armtrace(store, "verify")
    assert code == 0 and "OK" in out and "Checked 3 events" in out


def test_a_duplicate_is_refused_with_exit_code_4_and_the_existing_id(store) -> None:
    armtrace(store, *ADD)
    code, out = armtrace(store, *ADD)
    assert code == 4
    assert "weapon #1 already has this manufacturer, model and serial" in out


def test_bad_input_lists_every_problem_with_what_to_do_and_exits_2(store) -> None:
    code, out = armtrace(
        store,
        "weapon",
        "add",
        "--category",
        "bazooka",
        "--manufacturer",
        "Glok",
        "--why",
        "",
        "--event",
        "imported",
        "--country",
        "Narnia",
    )
    assert code == 2
    for expected in (
        "category = 'bazooka'",
        "manufacturer = 'Glok'",
        "closest known: Glock",
        "country = 'Narnia'",
        "why: is missing",
        "What to do",
    ):
        assert expected in out, expected


def test_an_event_on_a_missing_weapon_exits_3(store) -> None:
    armtrace(store, "init")
    code, out = armtrace(store, "event", "add", "42", "--type", "lost", "--why", "OB/1")
    assert code == 3 and "there is no weapon #42" in out


def test_a_correction_of_the_holder_waits_for_a_second_clerk_then_shows_on_the_timeline(staff) -> None:
    store = staff
    armtrace(store, *ADD)
    armtrace(
        store,
        "event",
        "add",
        "1",
        "--type",
        "transferred",
        "--holder",
        "Unit 4",
        "--date",
        "2010-01-01",
        "--why",
        "IV/1",
    )
    correct = ["event", "correct", "1", "2", "--set", "holder=Unit 5", "--why", "unit misread"]
    code, out = armtrace(store, *correct)
    assert code == 5 and "two-person rule" in out and "armtrace --user NAME" in out
    code, out = signed(store, "clerk", *correct)
    assert code == 0 and "Waiting for approval #1" in out
    assert "Unit 5" not in armtrace(store, "weapon", "show", "1")[1]
    code, out = signed(store, "clerk", "approval", "decide", "1", "--approve")
    assert code == 5 and "cannot also approve it" in out
    code, out = signed(store, "supervisor", "approval", "decide", "1", "--approve")
    assert code == 0 and "Approval #1: approved by supervisor" in out
    code, out = armtrace(store, "weapon", "show", "1")
    assert "corrected by #3" in out and "restates event #2" in out and "Unit 5" in out
    code, out = armtrace(store, "approval", "list", "--all")
    assert "clerk" in out and "approved (supervisor)" in out


def test_a_correction_that_leaves_the_holder_is_made_at_once_and_a_bad_one_never_waits(staff) -> None:
    store = staff
    armtrace(store, *ADD)
    code, out = signed(store, "clerk", "event", "correct", "1", "1", "--set", "place=Mombasa", "--why", "typo")
    assert code == 0 and "Corrected weapon #1: event #1" in out
    code, out = signed(store, "clerk", "event", "correct", "1", "9", "--set", "holder=Unit 5", "--why", "misread")
    assert code == 3 and "weapon #1 has no event #9" in out
    code, out = armtrace(store, "approval", "list")
    assert "Nothing waits for approval" in out


def test_a_wrong_password_or_a_missing_permission_is_refused_at_the_command_line(staff) -> None:
    store = staff
    armtrace(store, *ADD)
    correct = ["event", "correct", "1", "1", "--set", "holder=Unit 5", "--why", "misread"]
    code, out = signed(store, "clerk", *correct, password="not the passphrase")
    assert code == 5 and "the user name or the password is wrong" in out
    code, out = add_user(store, "analyst", "analyst", "pattern finder 5150")
    assert code == 0, out
    code, out = signed(store, "analyst", *correct, password="pattern finder 5150")
    assert code == 5 and "it needs the permission 'registry.record'" in out


def test_an_unmarked_weapon_is_flagged_and_given_a_state_mark(store) -> None:
    code, out = armtrace(
        store,
        "weapon",
        "add",
        "--category",
        "self_loading_pistol",
        "--condition",
        "unmarked",
        "--origin",
        "craft",
        "--event",
        "recovered",
        "--holder",
        "DCI Firearms Unit",
        "--date",
        "2024-01-01",
        "--why",
        "SR/2024/1",
    )
    assert code == 0 and "has not assigned it a unique mark" in out
    code, out = armtrace(store, "weapon", "list", "--flagged")
    assert "1 weapons" in out
    code, out = armtrace(store, "weapon", "assign-mark", "1", "--country", "KEN", "--why", "MO/1")
    assert code == 0 and "no gap" in out


def test_verify_names_the_tampered_event_and_exits_1(store) -> None:
    import sqlalchemy as sa

    armtrace(store, *ADD)
    armtrace(store, "event", "add", "1", "--type", "lost", "--date", "2012-01-01", "--why", "OB/9")
    engine = sa.create_engine(store.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE events SET payload = replace(payload, 'OB/9', 'OB/8') WHERE seq = 2")
    engine.dispose()
    code, out = armtrace(store, "verify")
    assert code == 1
    assert "Chain broken at event #2" in out and "altered" in out


def test_a_closed_dealers_books_are_taken_over_from_a_file(store, tmp_path: Path) -> None:
    books = tmp_path / "books.jsonl"
    books.write_text(
        "\n".join(
            json.dumps(line)
            for line in [
                {
                    "weapon": {"category": "shotgun", "manufacturer": "Mossberg", "model": "500", "serial": "U123456"},
                    "events": [
                        {
                            "type": "imported",
                            "why": "IP/3",
                            "occurred_at": "2011-05-01",
                            "country": "KEN",
                            "holder": "Coast Firearms & Outfitters",
                        }
                    ],
                }
            ]
        ),
        encoding="utf-8",
    )
    armtrace(store, "init")
    code, out = armtrace(
        store,
        "business",
        "close",
        "Coast Firearms & Outfitters",
        "--kind",
        "dealer",
        "--closed-on",
        "2024-06-30",
        "--why",
        "Firearms Act s.12",
        "--records",
        str(books),
    )
    assert code == 0 and "1 records taken over" in out
    code, out = armtrace(store, "weapon", "list", "--business", "Coast Firearms & Outfitters")
    assert "U123456" in out


def test_an_early_purge_is_refused_with_the_date_before_anyone_is_asked(staff, tmp_path: Path) -> None:
    store = staff
    armtrace(store, *ADD)
    armtrace(store, "event", "add", "1", "--type", "destroyed", "--date", "2012-01-01", "--why", "DO/1")
    purge = ["retention", "purge", "1", "--why", "review", "--archive-dir", str(tmp_path / "a")]
    code, out = signed(store, "clerk", *purge)
    assert code == 2 and "must be kept until 2032-01-01" in out
    assert "Nothing waits for approval" in armtrace(store, "approval", "list")[1]


def test_a_purge_past_retention_is_carried_out_only_when_a_second_clerk_approves(staff, tmp_path: Path) -> None:
    store = staff
    old = [{"2003": "1971", "2009-05-04": "1975-05-04"}.get(arg, arg) for arg in ADD]  # made 1971, imported 1975
    armtrace(store, *old)
    armtrace(store, "event", "add", "1", "--type", "destroyed", "--date", "1980-01-01", "--why", "DO/1")
    purge = ["retention", "purge", "1", "--why", "Order 12/2026", "--archive-dir", str(tmp_path / "a")]
    code, out = signed(store, "clerk", *purge)
    assert code == 0 and "Waiting for approval #1" in out
    assert "Weapon #1" in armtrace(store, "weapon", "show", "1")[1]
    code, out = signed(store, "supervisor", "approval", "decide", "1", "--reject")
    assert code == 2 and "--note" in out
    code, out = signed(store, "supervisor", "approval", "decide", "1", "--approve")
    assert code == 0 and "approved" in out
    assert len(list((tmp_path / "a").iterdir())) == 1
    code, out = armtrace(store, "weapon", "show", "1")
    assert code == 3 and "there is no weapon #1" in out


def test_a_command_on_an_uninitialised_store_says_to_run_init(tmp_path: Path) -> None:
    code, out = armtrace(f"sqlite:///{tmp_path}/new.db", "weapon", "list")
    assert code == 2 and "armtrace init" in out


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_command_line_speaks_the_language_it_is_given(store, lang: str) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "ARMTRACE_LANG": lang, "COLUMNS": "200"}
        command = [sys.executable, "-m", "armtrace.cli.main", "--db", store, *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    missing = run("weapon", "show", "42")
    detail = i18n.word(lang, N_("there is no weapon #%(weapon)s", weapon=42))
    assert missing.returncode == 3 and detail != "there is no weapon #42"
    assert detail in missing.stderr and i18n.word(lang, "What to do:") in missing.stderr
    helped = run("approval", "--help")
    assert i18n.word(lang, "Acts that wait for a second person's approval.") in helped.stdout
