"""Shared fixtures: real stores (SQLite and PostgreSQL), a clock, a unit-of-work factory.

Every test that asks for `engine` runs once on SQLite and once on PostgreSQL. PostgreSQL
comes from ARMTRACE_TEST_POSTGRES_URL (a server where the test may create a database), or
else from a local server on 127.0.0.1:5432 if one answers. On CI a missing PostgreSQL is
an error, not a skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from armtrace.domain.accounts import Principal, Role
from armtrace.domain.actors import Actor, FixedClock
from armtrace.store import tables as t
from armtrace.store.engine import make_engine
from armtrace.store.migrate import upgrade
from armtrace.store.uow import UnitOfWork

LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# Tests read the command line's English; a French or Arabic test asks for its language itself.
os.environ["ARMTRACE_LANG"] = "en"


def _postgres_url() -> str | None:
    url = os.environ.get("ARMTRACE_TEST_POSTGRES_URL")
    if url:
        return url
    probe = sa.create_engine(LOCAL_PG, connect_args={"connect_timeout": 2})
    try:
        with probe.connect():
            return LOCAL_PG
    except sa.exc.OperationalError:
        return None
    finally:
        probe.dispose()


PG_URL = _postgres_url()
STORES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "armtrace.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("ARMTRACE_TEST_POSTGRES_URL is not set on CI: PostgreSQL tests must run")
        pytest.skip("no PostgreSQL answered on 127.0.0.1:5432 and ARMTRACE_TEST_POSTGRES_URL is not set")
    name = f"armtrace_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def reset_postgres(engine: sa.Engine) -> None:
    names = ", ".join(table.name for table in t.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        conn.execute(
            t.chain_head.insert(), [{"id": 1, "seq": 0, "hash": "0" * 64}, {"id": 2, "seq": 0, "hash": "0" * 64}]
        )


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "armtrace.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_database")
    engine = make_engine(url)
    reset_postgres(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(store_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 1, 9, 30, tzinfo=UTC))


# The tests' principal: an administrator, who holds every permission of the table.
CLERK = Principal(Actor("clerk1", "Amina Clerk"), frozenset({Role.ADMIN}))


@pytest.fixture
def uow(engine: sa.Engine, clock: FixedClock) -> Callable[[], UnitOfWork]:
    return lambda: UnitOfWork(engine, CLERK, clock)
