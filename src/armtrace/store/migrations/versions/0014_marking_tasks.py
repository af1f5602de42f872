"""marking tasks: the import mark each weapon awaits, and since when, kept with its projection

An imported weapon recorded without the importing country's mark awaits it (ITI para 8(b)). What is
due is a projection of the weapon's events (domain/marking.py), so existing weapons get it by
replaying their events with the same code, in batches; only weapons with an import can await one.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import groupby

import sqlalchemy as sa
from alembic import op

from armtrace.domain.errors import ArmtraceError
from armtrace.domain.lifecycle import from_payload, replay
from armtrace.domain.marking import import_marking_due

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000

weapons = sa.table(
    "weapons",
    sa.column("id", sa.BigInteger),
    sa.column("marking_due", sa.String),
    sa.column("marking_due_since", sa.DateTime(timezone=True)),
)
events = sa.table("events", sa.column("seq", sa.BigInteger), sa.column("weapon_id", sa.BigInteger),
                  sa.column("type", sa.String), sa.column("payload", sa.Text))  # fmt: skip


# Plain ALTER TABLE on both stores, never batch mode's copy: on SQLite, copying `weapons` would drop the
# triggers that keep its serial trigram table (migration 0002) in step.
def upgrade() -> None:
    op.add_column("weapons", sa.Column("marking_due", sa.String(40)))
    op.add_column("weapons", sa.Column("marking_due_since", sa.DateTime(timezone=True)))
    op.create_index(op.f("ix_weapons_marking_due_since"), "weapons", ["marking_due_since"])
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    imported = [
        r[0]
        for r in conn.execute(
            sa.select(events.c.weapon_id).where(events.c.type == "imported").distinct().order_by(events.c.weapon_id)
        )
    ]
    sqlite = conn.dialect.name == "sqlite"
    for start in range(0, len(imported), BATCH):
        ids = imported[start : start + BATCH]
        rows = conn.execute(
            sa.select(events.c.weapon_id, events.c.seq, events.c.payload)
            .where(events.c.weapon_id.in_(ids))
            .order_by(events.c.weapon_id, events.c.seq)
        )
        due = []
        for weapon_id, group in groupby(rows, key=lambda r: r.weapon_id):
            try:
                state = replay([(r.seq, from_payload(json.loads(r.payload))) for r in group])
            except (ArmtraceError, ValueError, KeyError, TypeError):
                continue  # a record that no longer replays is for verify to report, not for this to stop on
            task = import_marking_due(state)
            if task is not None:
                since = task.since.replace(tzinfo=None) if sqlite else task.since  # SQLite keeps UTC, naive
                due.append({"wid": weapon_id, "due": task.code, "since": since})
        if due:
            conn.execute(
                weapons.update()
                .where(weapons.c.id == sa.bindparam("wid"))
                .values(marking_due=sa.bindparam("due"), marking_due_since=sa.bindparam("since")),
                due,
            )


def downgrade() -> None:
    op.drop_index(op.f("ix_weapons_marking_due_since"), table_name="weapons")
    op.drop_column("weapons", "marking_due_since")
    op.drop_column("weapons", "marking_due")
