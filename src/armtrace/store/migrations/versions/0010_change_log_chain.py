"""change_log: chained like the events, its tip in row 2 of chain_head, so an edited line is caught

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from armtrace.domain.chain import GENESIS, change_hash
from armtrace.domain.lifecycle import utc_text

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64)))
        batch.add_column(sa.Column("hash", sa.String(64)))
    conn = op.get_bind()
    log = sa.table(
        "change_log", *(sa.column(c) for c in ("id", "at", "actor", "actor_name", "run_id", "action", "object_type",
                                                "object_id", "before", "after", "reason", "prev_hash", "hash"))
    )  # fmt: skip
    prev, count = GENESIS, 0
    for row in conn.execute(sa.select(log).order_by(log.c.id)).mappings().all():  # lines written before: chained now
        line = {**row, "at": utc_text(_utc(row["at"]))}
        digest = change_hash(prev, line)
        conn.execute(log.update().where(log.c.id == row["id"]).values(prev_hash=prev, hash=digest))
        prev, count = digest, count + 1
    head = sa.table("chain_head", sa.column("id"), sa.column("seq"), sa.column("hash"))
    conn.execute(head.insert().values(id=2, seq=count, hash=prev))


def _utc(value: object) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def downgrade() -> None:
    op.execute("DELETE FROM chain_head WHERE id = 2")
    with op.batch_alter_table("change_log") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
