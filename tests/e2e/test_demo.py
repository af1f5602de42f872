"""`armtrace demo` as a newcomer runs it: the real command, in a fresh folder."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ARMTRACE = [sys.executable, "-m", "armtrace.cli.main"]
PASSWORD = "demo passphrase 2026"


def run(cwd: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARMTRACE_")}
    return subprocess.run(
        [*ARMTRACE, *args],
        cwd=cwd,
        env={**env, "COLUMNS": "160"},
        input=input,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_demo_builds_a_registry_that_verifies_and_the_next_commands_find_it(tmp_path: Path) -> None:
    demo = run(tmp_path, "demo")
    assert demo.returncode == 0, demo.stderr
    assert "A national registry of 5,040 weapons" in demo.stdout
    assert f"ARMTRACE_DATABASE_URL=sqlite:///{tmp_path}/armtrace-demo.db" in demo.stdout
    db = sqlite3.connect(tmp_path / "armtrace-demo.db")
    makers = db.execute("SELECT count(DISTINCT manufacturer_id) FROM weapons").fetchone()[0]
    span = db.execute("SELECT min(occurred_at), max(occurred_at) FROM events").fetchone()
    statuses = dict(db.execute("SELECT status, count(*) FROM weapons GROUP BY status").fetchall())
    unmarked = db.execute("SELECT count(*) FROM weapons WHERE marking_condition != 'marked'").fetchone()[0]
    db.close()
    assert makers >= 30
    assert int(span[1][:4]) - int(span[0][:4]) >= 20
    assert statuses["lost"] > 0 and statuses["stolen"] > 0 and unmarked > 0
    story = demo.stdout[demo.stdout.index("Three national nodes") :]
    assert "1. asked BEL" in story and "2. asked KEN" in story
    assert "The weapon left licit control here" in story
    assert "Why traces failed: serial_obliterated (1)" in story
    assert "Answers restricted for: national_security (1)" in story
    assert "16 sent, 16 received and applied: each applied exactly once" in story
    assert story.count("so it waits for a second officer") == 2  # Belgium's and Kenya's answers disclose
    # a request Kenya has not acknowledged waits on Kenya's own clock, with its age, and its contact is told
    assert "about a pistol handed in at Malaba, reached Kenya 9 days ago and is not acknowledged" in story
    assert "Kenya's national point of contact is told" in story
    with sqlite3.connect(tmp_path / "armtrace-demo.db") as db:
        waiting = db.execute(
            "SELECT id, acknowledge_by, expected_acknowledge_by, contact_notified_at FROM trace_requests"
            " WHERE direction = 'incoming' AND status = 'sent'"
        ).fetchall()
    assert len(waiting) == 1 and all(waiting[0]), waiting
    for store, expected in (("bel", [("officer", "supervisor", "approved")]), ("uga", [])):
        with sqlite3.connect(tmp_path / f"armtrace-demo-{store}.db") as db:
            assert db.execute("SELECT requested_by, decided_by, status FROM approvals").fetchall() == expected
    # Kenya: a closed dealer's difference explained, a holder corrected, an answer disclosed
    with sqlite3.connect(tmp_path / "armtrace-demo.db") as db:
        approved = db.execute("SELECT act, requested_by, decided_by, status FROM approvals ORDER BY id").fetchall()
        searched = db.execute("SELECT actor FROM access_log WHERE action = 'identify:search'").fetchall()
        closure = db.execute("SELECT status, closed_on IS NOT NULL, books FROM businesses").fetchone()
    assert approved == [
        ("registry:explain_difference", "registrar", "supervisor", "approved"),
        ("registry:correct_holder", "registrar", "supervisor", "approved"),
        ("tracing:disclose", "officer", "supervisor", "approved"),
    ]
    assert closure[:2] == ("closed", 1) and json.loads(closure[2])["differences"] == 1
    assert "Coast Firearms & Outfitters closed" in demo.stdout
    assert searched == [("officer",)] * 4  # the four recovered weapons, identified by the signed-in officer
    assert "export ARMTRACE_USER=officer" in demo.stdout
    waiting = int(
        demo.stdout.split("imported weapons await Kenya's import mark")[0].rsplit(": ", 1)[1].replace(",", "")
    )
    assert waiting > 0 and f"its task is closed, {waiting - 1:,} remain" in demo.stdout
    for side in ("armtrace-demo-bel.db", "armtrace-demo-uga.db"):
        assert (tmp_path / side).exists()
    verify = run(tmp_path, "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "OK" in verify.stdout and "Using the demo store" in verify.stderr
    refused = run(tmp_path, "trace", "list")
    assert refused.returncode == 5 and "armtrace --user NAME" in refused.stderr
    listed = run(tmp_path, "--user", "officer", "--password-stdin", "trace", "list", input=PASSWORD + "\n")
    assert listed.returncode == 0, listed.stderr
    assert "UGA-NFP" in listed.stdout and "traced" in listed.stdout


def test_the_demo_refuses_to_overwrite_an_existing_store(tmp_path: Path) -> None:
    (tmp_path / "armtrace-demo.db").write_bytes(b"evidence")
    result = run(tmp_path, "demo", "--weapons", "100")
    assert result.returncode == 2 and "already exists" in result.stderr
    assert (tmp_path / "armtrace-demo.db").read_bytes() == b"evidence"
