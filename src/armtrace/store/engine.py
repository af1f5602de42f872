"""Connecting to the store: a SQLite file by default, PostgreSQL in production."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from armtrace.domain.errors import N_, RuleViolation


def make_engine(url: str, **kwargs: Any) -> sa.Engine:
    """An engine with armtrace's connection rules applied.

    SQLite: WAL (readers never block the writer), foreign keys on, and BEGIN IMMEDIATE so
    two writers queue for the chain head instead of failing half-way (readers begin
    DEFERRED and never block a writer).
    """
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            parent = Path(parsed.database).expanduser().resolve().parent
            if not parent.is_dir():
                raise RuleViolation(
                    N_("the folder for the SQLite file does not exist: %(folder)s", folder=str(parent)),
                    hint=N_("create the folder, or point ARMTRACE_DATABASE_URL at another file"),
                )
        engine = sa.create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _sqlite_rules(engine)
        return engine
    if parsed.get_backend_name() != "postgresql":
        raise RuleViolation(
            N_("unsupported database '%(database)s'", database=parsed.get_backend_name()),
            hint=N_("use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB"),
        )
    # No server-side prepared statements: a plan cached while a table was small (a sequential
    # scan) would be reused as it grows, and a prefix LIKE needs its value to use the index.
    connect_args = {"prepare_threshold": None, **kwargs.pop("connect_args", {})}
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def _sqlite_rules(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # Writers (units of work) take the write lock up front; readers never do.
        mode = "IMMEDIATE" if conn.get_execution_options().get("armtrace_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")
