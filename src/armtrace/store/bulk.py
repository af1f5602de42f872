"""The bulk path: many rows in one statement's worth of work, through the driver directly.

Imports write hundreds of thousands of rows; SQLAlchemy's per-row bookkeeping would cost
more than the writing. Rows go as tuples: `executemany` on SQLite, `COPY` on
PostgreSQL, inside the unit of work's transaction. Weapon ids are taken up front, under
the chain-head lock every writer holds, so events can name their weapon before insert.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from armtrace.store import tables as t
from armtrace.store.types import UTCDateTime


def new_weapon_ids(conn: sa.Connection, n: int) -> list[int]:
    """`n` fresh weapon ids, never one a purged weapon had."""
    if n == 0:
        return []
    if conn.dialect.name == "postgresql":
        return list(
            conn.execute(
                sa.text("SELECT nextval(pg_get_serial_sequence('weapons', 'id')) FROM generate_series(1, :n)"), {"n": n}
            ).scalars()
        )
    top = conn.execute(sa.select(sa.func.max(t.weapons.c.id))).scalar() or 0
    archived = conn.execute(sa.select(sa.func.max(t.archived_events.c.weapon_id))).scalar() or 0
    first = max(top, archived) + 1
    return list(range(first, first + n))


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, datetime):  # the form SQLAlchemy's SQLite DateTime reads back
        return v.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    return v


def insert(conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert tuples (in `columns` order) into `table` within the current transaction."""
    if not rows:
        return
    raw = conn.connection.driver_connection
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    # Convert only the columns that need it (dates, times, booleans), found from the table's types.
    special = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, (sa.Date, sa.Boolean, UTCDateTime))]
    if special:
        converted = []
        for row in rows:
            values = list(row)
            for i in special:
                values[i] = _sqlite_value(values[i])
            converted.append(values)
        rows = converted
    cur = raw.cursor()  # type: ignore[union-attr]
    try:
        cur.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
    finally:
        cur.close()


def index_serials(conn: sa.Connection, ids: Sequence[int]) -> None:
    """Add new weapons to SQLite's trigram table (PostgreSQL's GIN index keeps itself)."""
    if conn.dialect.name != "sqlite" or not ids:
        return
    conn.exec_driver_sql(
        "INSERT INTO serial_trigrams(rowid, serial_fold) SELECT id, serial_fold FROM weapons "
        "WHERE id BETWEEN ? AND ?",  # every row, even without a serial: the delete trigger expects it
        (min(ids), max(ids)),
    )
