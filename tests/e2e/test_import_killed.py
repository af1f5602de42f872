"""An import killed with SIGKILL part-way, then run again: every row lands exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from armtrace.domain.accounts import NOBODY, Principal, Role
from armtrace.domain.actors import Actor, SystemClock
from armtrace.services.accounts import AddUser, add_first_administrator
from armtrace.services.integrity import verify
from armtrace.store import tables as t
from armtrace.store.engine import make_engine
from armtrace.store.uow import UnitOfWork
from bench.registry import write_csv

ROWS = 6000
PASSWORD = "bulk loader passphrase 9182"
AUDITOR = Principal(Actor("auditor", "Auditor"), frozenset({Role.AUDITOR}))


def armtrace(url: str, *args: str) -> subprocess.Popen[bytes]:
    """The command, signed in as the registry's administrator (the one account of this store)."""
    env = {**os.environ, "ARMTRACE_DATABASE_URL": url, "ARMTRACE_USER": "registrar", "ARMTRACE_PASSWORD": PASSWORD}
    return subprocess.Popen(
        [sys.executable, "-m", "armtrace.cli.main", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def test_a_killed_import_run_again_imports_every_row_exactly_once(store_url: str, tmp_path: Path) -> None:
    source = tmp_path / "register.csv"
    write_csv(source, ROWS, seed=3)
    engine = make_engine(store_url)
    clock = SystemClock()
    add_first_administrator(
        AddUser("registrar", "Registrar", PASSWORD, ("admin",)), UnitOfWork(engine, NOBODY, clock), clock
    )
    import_cmd = ("import", str(source), "--batch-size", "100")
    first = armtrace(store_url, *import_cmd)
    done = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and first.poll() is None:
        with engine.connect() as conn:
            done = conn.execute(sa.select(t.import_files.c.rows_done)).scalar() or 0
        if done >= 500:
            first.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL, "the import ended before it could be killed: grow ROWS"
    with engine.connect() as conn:
        part = conn.execute(sa.select(sa.func.count()).select_from(t.weapons)).scalar_one()
    assert 0 < part < ROWS
    second = armtrace(store_url, *import_cmd)
    assert second.wait(timeout=300) == 0, second.stderr.read().decode() if second.stderr else ""
    with engine.connect() as conn:
        weapons = conn.execute(sa.select(sa.func.count()).select_from(t.weapons)).scalar_one()
        distinct = conn.execute(sa.select(sa.func.count(sa.distinct(t.weapons.c.serial_key)))).scalar_one()
        progress = conn.execute(sa.select(t.import_files)).one()
    assert weapons == ROWS and progress.rows_done == ROWS and progress.imported == ROWS
    assert distinct == len({line.split(",")[0] for line in source.read_text().splitlines()[1:]})
    assert verify(UnitOfWork(engine, AUDITOR, clock)).ok
    engine.dispose()
