"""Alembic environment: the URL comes from the caller or from ARMTRACE_DATABASE_URL."""

from __future__ import annotations

from alembic import context

from armtrace.settings import Settings
from armtrace.store.engine import make_engine
from armtrace.store.tables import SUBSTRING_INDEXES, metadata

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or Settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


def _include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave out the substring indexes that live outside the metadata (see tables.py)."""
    return not (reflected and compare_to is None and name in SUBSTRING_INDEXES)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
        include_object=_include,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
