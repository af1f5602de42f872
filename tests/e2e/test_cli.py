"""The `armtrace` command, as a registry's administrator, clerks, an officer and an auditor use it, on both
stores: every act and every read signed in, the reads the access log keeps, and errors as the user sees them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from armtrace import i18n
from armtrace.cli.main import app
from armtrace.domain.accounts import Principal, Role
from armtrace.domain.actors import Actor, SystemClock
from armtrace.domain.errors import N_
from armtrace.domain.tracing import Markings
from armtrace.services import accounts, exchange, tracing
from armtrace.store import tables as t
from armtrace.store.engine import make_engine
from armtrace.store.migrate import upgrade
from armtrace.store.uow import UnitOfWork
from tests.messages import deliver

runner = CliRunner()
PASSWORDS = {
    "admin": "keys of the registry 7731",
    "clerk": "ledger keeper 4419",
    "supervisor": "second signature 8820",
    "analyst": "pattern finder 5150",
    "officer": "focal point desk 6204",
}
ROLES = {"clerk": "registry_clerk", "supervisor": "registry_clerk", "analyst": "analyst", "officer": "tracing_officer"}
NO_USER = {"ARMTRACE_USER": None, "ARMTRACE_PASSWORD": None, "ARMTRACE_NEW_PASSWORD": None}
AUDIT = Principal(Actor("test-auditor", "The test's auditor"), frozenset({Role.AUDITOR}))


def bare(url: str, *args: str, input: str | None = None) -> tuple[int, str]:
    """The command at a console where no user is named."""
    result = runner.invoke(app, ["--db", url, *args], env={"COLUMNS": "200", **NO_USER}, input=input)
    return result.exit_code, result.output


def armtrace(url: str, *args: str, user: str = "clerk", password: str | None = None) -> tuple[int, str]:
    """The command as a user of the registry, signed in with ARMTRACE_PASSWORD."""
    env = {"COLUMNS": "200", **NO_USER, "ARMTRACE_PASSWORD": password or PASSWORDS[user]}
    result = runner.invoke(app, ["--db", url, "--user", user, *args], env=env)
    return result.exit_code, result.output


def add_user(url: str, user: str, role: str, password: str, by: str | None = "admin") -> tuple[int, str]:
    """`armtrace user add`, as the administrator (signed in) or, for the first account, at the bare console."""
    who = ["--user", by] if by else []
    env = {**NO_USER, "ARMTRACE_NEW_PASSWORD": password, "ARMTRACE_PASSWORD": PASSWORDS[by] if by else None}
    result = runner.invoke(
        app, ["--db", url, *who, "user", "add", user, "--name", user.title(), "--role", role], env=env
    )
    return result.exit_code, result.output


def access_log(url: str) -> list[tuple[str, str, str | None, dict[str, object] | None]]:
    """The access log, oldest first, as an auditor reads it: who, what, which object, what was asked."""
    engine = make_engine(url)
    try:
        rows, _total = accounts.access(UnitOfWork(engine, AUDIT, SystemClock()))
    finally:
        engine.dispose()
    return [(r.actor, r.action, r.object, r.query) for r in reversed(rows)]


@pytest.fixture
def store(store_url: str) -> str:
    """A store with no account yet."""
    return store_url


@pytest.fixture
def staff(store: str) -> str:
    """The registry's administrator, who adds two clerks (one asks, the other approves), an analyst and an
    officer."""
    assert add_user(store, "admin", "admin", PASSWORDS["admin"], by=None)[0] == 0
    for user, role in ROLES.items():
        code, out = add_user(store, user, role, PASSWORDS[user])
        assert code == 0, out
    return store


def test_accounts_are_made_by_a_signed_in_administrator_after_the_first(store) -> None:
    code, out = add_user(store, "clerk", "registry_clerk", PASSWORDS["clerk"], by=None)
    assert code == 5 and "the first account of a registry is its administrator" in out
    assert add_user(store, "admin", "admin", PASSWORDS["admin"], by=None)[0] == 0
    code, out = add_user(store, "ghost", "admin", "nobody signed in 5521", by=None)
    assert code == 5 and "this registry has an administrator already" in out and "armtrace --user ADMIN" in out
    code, out = add_user(store, "ghost", "registry_clerk", "nobody signed in 5521", by=None)
    assert code == 5 and "this registry has an administrator already" in out  # not "the first must be admin"
    assert add_user(store, "clerk", "registry_clerk", PASSWORDS["clerk"])[0] == 0
    code, out = add_user(store, "ghost", "registry_clerk", "nobody signed in 5521", by="clerk")
    assert code == 5 and "it needs the permission 'accounts.manage'" in out
    for args in (["token", "create", "clerk", "--name", "police RMS"], ["token", "revoke", "1"]):
        code, out = bare(store, *args)
        assert code == 5 and "needs a user of the registry" in out
    code, out = armtrace(store, "token", "create", "clerk", "--name", "police RMS", user="admin")
    assert code == 0 and "armtrace_" in out


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


@pytest.mark.parametrize(
    "command",
    [
        ["weapon", "list"],
        ["weapon", "show", "1"],
        ADD,
        ["identify", "--serial", "0365?92"],
        ["trace", "list"],
        ["approval", "list"],
        ["retention", "due"],
        ["node", "show"],
        ["outbox", "deliver"],
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_a_console_without_a_user_is_refused_with_exit_5_and_told_how_to_sign_in(staff, command) -> None:
    armtrace(staff, *ADD)
    before = access_log(staff)
    code, out = bare(staff, *command)
    assert code == 5
    assert "this needs a user of the registry" in out
    for way in ("armtrace --user NAME", "ARMTRACE_USER", "--password-stdin", "ARMTRACE_PASSWORD"):
        assert way in out, way
    assert access_log(staff) == before


def test_the_operator_at_the_console_initialises_and_verifies_the_store_without_signing_in(staff) -> None:
    armtrace(staff, *ADD)
    code, out = bare(staff, "init")
    assert code == 0 and "Store ready" in out
    code, out = bare(staff, "verify")
    assert code == 0 and "OK" in out and "Checked 1 events" in out


def test_a_script_signs_in_with_the_password_on_standard_input(staff) -> None:
    armtrace(staff, *ADD)
    listed = ["--user", "clerk", "--password-stdin", "weapon", "list"]
    code, out = bare(staff, *listed, input=PASSWORDS["clerk"] + "\n")
    assert code == 0 and "0365292" in out
    result = runner.invoke(
        app,
        ["--db", staff, *listed],
        env={"COLUMNS": "200", **NO_USER, "ARMTRACE_PASSWORD": "not the passphrase"},
        input=PASSWORDS["clerk"] + "\n",
    )
    assert result.exit_code == 0, "the password given on standard input is the one used"
    code, out = bare(staff, "--user", "clerk", "--password-stdin", "weapon", "list", input="wrong passphrase\n")
    assert code == 5 and "the user name or the password is wrong" in out
    code, out = bare(staff, "--user", "clerk", "--password-stdin", "weapon", "list", input="")
    assert code == 5 and "standard input held no password" in out
    # The first line signs in; the lines after it answer the command's own prompts (a new user's password).
    typed = f"{PASSWORDS['admin']}\nfresh account words 3310\nfresh account words 3310\n"
    adding = ["--user", "admin", "--password-stdin", "user", "add", "ana", "--name", "Ana", "--role", "auditor"]
    code, out = bare(staff, *adding, input=typed)
    assert code == 0, out
    assert armtrace(staff, "approval", "list", user="ana", password="fresh account words 3310")[0] == 0


def test_an_unexpected_error_prints_one_line_naming_the_log_and_no_traceback(staff, tmp_path: Path) -> None:
    state = tmp_path / "state"
    script = (
        "import sys\n"
        "import armtrace.services.registry as registry\n"
        "def broken(*args, **kwargs):\n"
        "    raise KeyError('holder_name')\n"
        "registry.find_weapons = broken\n"
        "from armtrace.cli.main import app\n"
        "app(sys.argv[1:])\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARMTRACE_")}
    env.update(
        {"XDG_STATE_HOME": str(state), "COLUMNS": "200", "ARMTRACE_LANG": "en", "ARMTRACE_PASSWORD": PASSWORDS["clerk"]}
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "--db", staff, "--user", "clerk", "weapon", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr and "holder_name" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("armtrace hit a bug (KeyError)")
    [log] = (state / "armtrace").iterdir()
    assert str(log) in lines[0]
    written = log.read_text()
    assert "Traceback" in written and "KeyError: 'holder_name'" in written and "weapon" in written
    assert log.stat().st_mode & 0o077 == 0, "only its owner may read a traceback"


def test_a_clerk_records_a_weapon_and_its_life_and_the_operator_verifies_it(staff) -> None:
    store = staff
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
    code, out = bare(store, "verify")
    assert code == 0 and "OK" in out and "Checked 3 events" in out


def test_reading_a_weapons_holders_is_written_to_the_access_log_and_withheld_from_the_analyst(staff) -> None:
    armtrace(staff, *ADD)
    code, out = armtrace(staff, "weapon", "show", "1")
    assert code == 0 and "National Police Service" in out
    assert access_log(staff)[-1] == ("clerk", "registry:holders:read", "weapon:1", None)
    code, out = armtrace(staff, "weapon", "show", "1", user="analyst")
    assert code == 0 and "0365292" in out and "National Police Service" not in out
    assert [line[0] for line in access_log(staff)] == ["clerk"], "a read that shows no holder is not logged"


def test_a_filtered_weapon_list_is_a_search_written_to_the_access_log(staff) -> None:
    armtrace(staff, *ADD)
    code, out = armtrace(staff, "weapon", "list", "--status", "held", "--serial", "0365")
    assert code == 0 and "0365292" in out and "National Police Service" in out
    assert access_log(staff) == [
        ("clerk", "registry:weapons:search:holders", None, {"serial": "0365", "status": "held", "page": 1})
    ]


def test_identifying_a_recovered_weapon_writes_the_search_to_the_access_log(staff) -> None:
    armtrace(staff, *ADD)
    code, out = armtrace(staff, "identify", "--serial", "0365?92", "--manufacturer", "Izhmash", user="officer")
    assert code == 0 and "#1" in out and "armtrace weapon show 1" in out
    assert access_log(staff) == [
        ("officer", "identify:search", None, {"serial": "0365?92", "manufacturer": "Izhmash", "limit": 10})
    ]


@pytest.fixture
def incoming(staff: str, tmp_path: Path) -> Iterator[str]:
    """A request from Kenya waiting at this store's node (Belgium), about the rifle its clerk recorded: this
    node is set up at the command line by its administrator, Kenya's in-process by the services."""
    clock = SystemClock()
    armtrace(staff, *ADD)
    code, out = armtrace(
        staff, "node", "init", "--country", "BEL", "--id", "BEL-FPS", "--contact", "Federal Police",
        "--key", str(tmp_path / "bel.pem"), user="admin",
    )  # fmt: skip
    assert code == 0, out
    bel_key = out.split("for peers: ")[1].split()[0]
    ken = make_engine(f"sqlite:///{tmp_path}/ken.db")
    upgrade(ken)
    kenyan = Principal(Actor("ken-officer", "KEN officer"), frozenset({Role.ADMIN, Role.TRACING_OFFICER}))
    ken_key = exchange.init_node(
        exchange.InitNode("KEN-NFP", "KEN", tmp_path / "ken.pem", "Kenya NFP"), UnitOfWork(ken, kenyan, clock), clock
    )
    peer = exchange.AddPeer("BEL-FPS", "state", "http://127.0.0.1:1", bel_key, "BEL")
    exchange.add_peer(peer, UnitOfWork(ken, kenyan, clock), clock)
    code, out = armtrace(
        staff, "peer", "add", "KEN-NFP", "--address", "http://127.0.0.1:2", "--key", ken_key, "--country", "KEN",
        user="admin",
    )  # fmt: skip
    assert code == 0, out
    marks = Markings("Izhmash", "0365292", "RUS", "AKM")
    draft = tracing.DraftRequest(
        ("a",), "Firearms Act s.4", "seized", marks, "assault_rifle", "7.62x39", "prosecution", requested="BEL-FPS"
    )
    ref = tracing.draft_request(draft, UnitOfWork(ken, kenyan, clock), clock)
    tracing.send_request(ref, UnitOfWork(ken, kenyan, clock), clock)
    bel = make_engine(staff)
    deliver(ken, lambda: UnitOfWork(bel, kenyan, clock), clock)
    bel.dispose()
    yield ref
    ken.dispose()


def test_drafting_an_answer_reads_the_record_and_is_written_to_the_access_log(staff, incoming: str) -> None:
    code, out = armtrace(staff, "trace", "answer", incoming, user="officer")
    assert code == 0, out
    assert "drafted from the registry" in out and "National Police Service" in out and "Nothing sent" in out
    assert access_log(staff)[-1] == ("officer", "tracing:answer:draft", incoming, None)
    code, out = armtrace(staff, "trace", "answer", incoming, "--send", user="officer")
    assert code == 0 and "Waiting for approval #1" in out
    code, out = armtrace(staff, "approval", "decide", "1", "--approve", user="officer")
    assert code == 5 and "cannot also approve it" in out


def test_a_duplicate_is_refused_with_exit_code_4_and_the_existing_id(staff) -> None:
    armtrace(staff, *ADD)
    code, out = armtrace(staff, *ADD)
    assert code == 4
    assert "weapon #1 already has this manufacturer, model and serial" in out


def test_bad_input_lists_every_problem_with_what_to_do_and_exits_2(staff) -> None:
    code, out = armtrace(
        staff,
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


def test_an_event_on_a_missing_weapon_exits_3(staff) -> None:
    code, out = armtrace(staff, "event", "add", "42", "--type", "lost", "--why", "OB/1")
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
    code, out = bare(store, *correct)
    assert code == 5 and "needs a user of the registry" in out and "armtrace --user NAME" in out
    code, out = armtrace(store, *correct)
    assert code == 0 and "Waiting for approval #1" in out
    assert "Unit 5" not in armtrace(store, "weapon", "show", "1")[1]
    code, out = armtrace(store, "approval", "decide", "1", "--approve")
    assert code == 5 and "cannot also approve it" in out
    code, out = armtrace(store, "approval", "decide", "1", "--approve", user="supervisor")
    assert code == 0 and "Approval #1: approved by supervisor" in out
    code, out = armtrace(store, "weapon", "show", "1")
    assert "corrected by #3" in out and "restates event #2" in out and "Unit 5" in out
    code, out = armtrace(store, "approval", "list", "--all")
    assert "clerk" in out and "approved (supervisor)" in out


def test_a_correction_that_leaves_the_holder_is_made_at_once_and_a_bad_one_never_waits(staff) -> None:
    store = staff
    armtrace(store, *ADD)
    code, out = armtrace(store, "event", "correct", "1", "1", "--set", "place=Mombasa", "--why", "typo")
    assert code == 0 and "Corrected weapon #1: event #1" in out
    code, out = armtrace(store, "event", "correct", "1", "9", "--set", "holder=Unit 5", "--why", "misread")
    assert code == 3 and "weapon #1 has no event #9" in out
    code, out = armtrace(store, "approval", "list")
    assert "Nothing waits for approval" in out


def test_a_wrong_password_or_a_missing_permission_is_refused_at_the_command_line(staff) -> None:
    store = staff
    armtrace(store, *ADD)
    correct = ["event", "correct", "1", "1", "--set", "holder=Unit 5", "--why", "misread"]
    code, out = armtrace(store, *correct, password="not the passphrase")
    assert code == 5 and "the user name or the password is wrong" in out
    code, out = armtrace(store, *correct, user="analyst")
    assert code == 5 and "it needs the permission 'registry.record'" in out


def test_an_unmarked_weapon_is_flagged_and_given_a_state_mark(staff) -> None:
    code, out = armtrace(
        staff,
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
    code, out = armtrace(staff, "weapon", "list", "--flagged")
    assert "1 weapons" in out
    code, out = armtrace(staff, "weapon", "assign-mark", "1", "--country", "KEN", "--why", "MO/1")
    assert code == 0 and "no gap" in out


IMPORTED = ["weapon", "add", "--category", "assault_rifle", "--manufacturer", "Izhmash", "--model", "AKM", "--event",
            "imported", "--country", "KEN", "--holder", "National Police Service", "--date", "2019-05-02"]  # fmt: skip


def test_an_import_without_its_mark_awaits_it_until_the_clerk_marks_it_and_a_temporary_one_is_exempt(staff) -> None:
    code, out = armtrace(staff, *IMPORTED, "--serial", "0365292", "--why", "Import permit IP/19/7")
    assert code == 0 and "no import mark although imported into KEN in 2019" in out
    code, out = armtrace(staff, *IMPORTED, "--serial", "0365293", "--why", "IP/19/8", "--temporary", "Expo 2019")
    assert code == 0 and "no import mark" not in out
    code, out = armtrace(staff, "weapon", "show", "1")
    assert "Awaiting its import mark since 2019-05-02: KEN, 2019" in out
    code, out = armtrace(staff, "weapon", "show", "2")
    assert "Temporary import, exempt from import marking: Expo 2019" in out and "Awaiting" not in out
    code, out = armtrace(staff, "weapon", "list", "--awaiting-marking")
    assert code == 0 and "1 weapons" in out and "0365292" in out and "0365293" not in out
    code, out = armtrace(staff, "marking", "list")
    assert code == 0 and "1 weapons await their import mark" in out and "KEN 2019" in out
    code, out = armtrace(staff, "marking", "mark", "2", "--location", "receiver", "--why", "MO/7")
    assert code == 2 and "imported temporarily" in out and "Firearms Protocol Art. 8" in out
    code, out = armtrace(staff, "marking", "mark", "1", "--location", "nowhere", "--why", "MO/7")
    assert code == 2 and "is not a place on a weapon" in out and "Traceback" not in out
    code, out = armtrace(staff, "marking", "mark", "1", "--location", "receiver", "--why", "MO/7")
    assert code == 0 and "Marked weapon #1" in out and "no import mark" not in out
    code, out = armtrace(staff, "marking", "list")
    assert "0 weapons await their import mark" in out
    code, out = armtrace(staff, "marking", "mark", "1", "--location", "receiver", "--why", "MO/7")
    assert code == 4 and "carries its import mark already" in out
    code, out = bare(staff, "verify")
    assert code == 0 and "OK" in out


def test_verify_names_the_tampered_event_and_exits_1(staff) -> None:
    import sqlalchemy as sa

    armtrace(staff, *ADD)
    armtrace(staff, "event", "add", "1", "--type", "lost", "--date", "2012-01-01", "--why", "OB/9")
    engine = sa.create_engine(staff.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE events SET payload = replace(payload, 'OB/9', 'OB/8') WHERE seq = 2")
    engine.dispose()
    code, out = bare(staff, "verify")
    assert code == 1
    assert "event #2 was altered: its content does not match its hash" in out
    assert "The first bad event is #2, the last #2." in out


def test_verify_names_an_unreadable_payload_an_unreadable_time_and_a_changed_change_log_line(staff) -> None:
    assert armtrace(staff, *ADD)[0] == 0
    done = armtrace(staff, "event", "add", "1", "--type", "transferred", "--holder", "Unit 4", "--why", "FC/1")
    assert done[0] == 0, done[1]
    done = armtrace(staff, "event", "add", "1", "--type", "lost", "--why", "OB/9")
    assert done[0] == 0, done[1]
    engine = make_engine(staff)
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE events SET payload = payload || 'x' WHERE seq = 1")
        conn.exec_driver_sql(
            "UPDATE events SET recorded_at = 'yesterday-ish' WHERE seq = 3"
            if sqlite  # PostgreSQL's column holds only real times: there, the time in the payload
            else 'UPDATE events SET payload = replace(payload, \'"occurred_at":"\', \'"occurred_at":"x\') WHERE seq = 3'
        )
        conn.exec_driver_sql("UPDATE change_log SET reason = 'nothing happened' WHERE id = 2")
    engine.dispose()
    code, out = bare(staff, "verify")
    assert code == 1 and "Traceback" not in out, out
    assert "event #1: its payload cannot be read" in out
    assert ("event #3: its recording time" if sqlite else "event #3: the time it happened") in out
    assert "change-log line 2 was altered" in out
    code, out = bare(staff, "verify", "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["bad_events"] == [1, 3]
    assert {"unreadable_payload", "unreadable_time", "change_log_altered"} <= set(report["by_kind"])


def test_a_closed_dealers_books_are_taken_over_from_a_file(staff, tmp_path: Path) -> None:
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
    code, out = armtrace(
        staff,
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
    assert code == 0 and "1 records read, 1 taken in (1 events)" in out and "Closed business #1" in out
    code, out = armtrace(staff, "weapon", "list", "--business", "Coast Firearms & Outfitters")
    assert "U123456" in out


CLOSE = ["business", "close", "Coast Firearms & Outfitters", "--kind", "dealer", "--closed-on", "2024-06-30",
         "--why", "Firearms Act s.12"]  # fmt: skip


def test_a_business_closure_waits_for_its_difference_to_be_explained_and_approved(staff, tmp_path: Path) -> None:
    dealers = ["Coast Firearms & Outfitters" if arg == "National Police Service" else arg for arg in ADD]
    assert armtrace(staff, *dealers)[0] == 0  # weapon #1, on record as the dealer's
    code, out = armtrace(staff, *CLOSE)
    assert code == 2 and "ITI, section on record-keeping (para 13)" in out and "--records FILE" in out
    books = tmp_path / "books.jsonl"
    line = {"weapon": {"category": "shotgun", "manufacturer": "Mossberg", "model": "500", "serial": "U9"},
            "events": [{"type": "imported", "why": "IP/3", "occurred_at": "2011-05-01", "country": "KEN",
                        "holder": "Coast Firearms & Outfitters"}]}  # fmt: skip
    books.write_text(json.dumps(line) + "\n", encoding="utf-8")
    code, out = armtrace(staff, *CLOSE, "--records", str(books))
    assert code == 0 and "1 weapons held, 1 transactions" in out
    assert "#1 missing: on record here as held by Coast Firearms & Outfitters (held), missing from the books" in out
    assert "Closing" in out and "1 differences wait for an explanation" in out
    code, out = armtrace(staff, "business", "explain", "Coast Firearms & Outfitters", "1", "--why", "sold, FC/7")
    assert code == 0 and "Waiting for approval #1" in out
    assert "waiting for approval #1" in armtrace(staff, "business", "show")[1]
    assert armtrace(staff, "approval", "decide", "1", "--approve")[0] == 5  # not the one who asked
    code, out = armtrace(staff, "approval", "decide", "1", "--approve", user="supervisor")
    assert code == 0, out
    code, out = armtrace(staff, "business", "show", "Coast Firearms & Outfitters")
    assert code == 0 and "closed · 2024-06-30" in out and "sold, FC/7 (by clerk, approved by supervisor)" in out
    assert "No closure waits for explanations." in armtrace(staff, "business", "show")[1]


def test_an_early_purge_is_refused_with_the_date_before_anyone_is_asked(staff, tmp_path: Path) -> None:
    store = staff
    armtrace(store, *ADD)
    armtrace(store, "event", "add", "1", "--type", "destroyed", "--date", "2012-01-01", "--why", "DO/1")
    purge = ["retention", "purge", "1", "--why", "review", "--archive-dir", str(tmp_path / "a")]
    code, out = armtrace(store, *purge)
    assert code == 2 and "must be kept until 2032-01-01" in out
    assert "Nothing waits for approval" in armtrace(store, "approval", "list")[1]


def test_a_purge_past_retention_is_carried_out_only_when_a_second_clerk_approves(staff, tmp_path: Path) -> None:
    store = staff
    old = [{"2003": "1971", "2009-05-04": "1975-05-04"}.get(arg, arg) for arg in ADD]  # made 1971, imported 1975
    armtrace(store, *old)
    armtrace(store, "event", "add", "1", "--type", "destroyed", "--date", "1980-01-01", "--why", "DO/1")
    code, out = armtrace(store, "retention", "due")
    assert code == 0 and "1 weapon record(s) past retention: 1" in out
    purge = ["retention", "purge", "--expired", "--why", "Order 12/2026", "--archive-dir", str(tmp_path / "a")]
    code, out = armtrace(store, *purge)
    assert code == 0 and "Waiting for approval #1" in out
    assert "Weapon #1" in armtrace(store, "weapon", "show", "1")[1]
    code, out = armtrace(store, "approval", "decide", "1", "--reject", user="supervisor")
    assert code == 2 and "--note" in out
    code, out = armtrace(store, "approval", "decide", "1", "--approve", user="supervisor")
    assert code == 0 and "approved" in out
    assert len(list((tmp_path / "a").iterdir())) == 1
    code, out = armtrace(store, "weapon", "show", "1")
    assert code == 3 and "there is no weapon #1" in out


def test_a_command_on_an_uninitialised_store_says_to_run_init(tmp_path: Path) -> None:
    code, out = armtrace(f"sqlite:///{tmp_path}/new.db", "weapon", "list")
    assert code == 2 and "armtrace init" in out


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_command_line_speaks_the_language_it_is_given(staff, lang: str) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "ARMTRACE_LANG": lang, "COLUMNS": "200", "ARMTRACE_PASSWORD": PASSWORDS["clerk"]}
        command = [sys.executable, "-m", "armtrace.cli.main", "--db", staff, "--user", "clerk", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    missing = run("weapon", "show", "42")
    detail = i18n.word(lang, N_("there is no weapon #%(weapon)s", weapon=42))
    assert missing.returncode == 3 and detail != "there is no weapon #42"
    assert detail in missing.stderr and i18n.word(lang, "What to do:") in missing.stderr
    helped = run("approval", "--help")
    assert i18n.word(lang, "Acts that wait for a second person's approval.") in helped.stdout


def test_a_request_at_the_command_line_lists_every_missing_element_with_its_rule(
    staff, incoming: str, tmp_path: Path
) -> None:
    from armtrace.demo.pictures import plate

    picture = tmp_path / "frame.png"
    picture.write_bytes(plate())
    code, out = armtrace(
        staff, "trace", "new", "--basis", "a", "--legal", "Firearms Act s.4", "--circumstances", "seized",
        "--use", "other:", "--manufacturer", "Izhmash", "--serial", "0365292", "--category", "assault_rifle",
        "--calibre", "7.62x39", "--to", "KEN-NFP", user="officer",
    )  # fmt: skip
    assert code == 2, out
    assert "markings.model" in out and "markings.country" in out and "ISACS 05.31" in out
    assert "intended_use_detail" in out and "ITI para 17(c)" in out
    code, out = armtrace(
        staff, "trace", "new", "--basis", "a", "--legal", "Firearms Act s.4", "--circumstances", "seized",
        "--use", "other: civil forfeiture", "--craft-made", "--category", "pistol", "--calibre", "9x19",
        "--photo", str(picture), "--to", "KEN-NFP", user="officer",
    )  # fmt: skip
    assert code == 0, out
    ref = out.split("Drafted request ")[1].split(".")[0].strip()
    code, shown = armtrace(staff, "trace", "show", ref, "--json", user="officer")
    content = json.loads(shown)["content"]
    assert (content["intended_use"], content["intended_use_detail"]) == ("other", "civil forfeiture")
    assert content["markings"]["unreadable"] == ["manufacturer", "model", "serial", "country"]


def test_an_officer_withdraws_a_request_at_the_command_line_and_a_withdrawal_is_sent(staff, incoming: str) -> None:
    code, out = armtrace(
        staff, "trace", "new", "--basis", "a", "--legal", "Firearms Act s.4", "--circumstances", "seized",
        "--use", "prosecution", "--manufacturer", "Izhmash", "--serial", "0365292", "--category", "assault_rifle",
        "--calibre", "7.62x39", "--model", "AKM", "--made-in", "RUS", "--to", "KEN-NFP", user="officer",
    )  # fmt: skip
    assert code == 0, out
    ref = out.split("Drafted request ")[1].split(".")[0].strip()
    assert armtrace(staff, "trace", "send", ref, user="officer")[0] == 0
    code, out = armtrace(staff, "trace", "withdraw", ref, "--why", "identified by the police", user="analyst")
    assert code == 5 and "tracing.act" in out  # an analyst may not
    code, out = armtrace(staff, "trace", "withdraw", ref, "--why", "identified by the police", user="officer")
    assert code == 0 and f"Request {ref} withdrawn" in out, out
    code, out = armtrace(staff, "outbox", "list", user="officer")
    assert code == 0 and "KEN-NFP" in out and ref in out
    engine = make_engine(staff)
    with engine.connect() as conn:
        kinds = [json.loads(e)["type"] for e in conn.execute(sa.select(t.outbox.c.envelope)).scalars()]
    engine.dispose()
    assert kinds[-2:] == ["trace.request", "trace.withdrawal"]
