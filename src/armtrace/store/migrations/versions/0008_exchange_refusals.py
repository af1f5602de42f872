"""exchange: messages refused by a peer for good, and received messages refused, each with its coded reason;
the request an outgoing message is about, so only its own messages wait behind it

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("subject", sa.String(64)))
        batch.add_column(sa.Column("refused_at", WHEN))
        batch.add_column(sa.Column("refused_reason", sa.String(40)))
    with op.batch_alter_table("inbox") as batch:
        batch.add_column(sa.Column("refused_reason", sa.String(40)))
    # Messages written before: their subject is the request their body names.
    outbox = sa.table("outbox", sa.column("seq"), sa.column("envelope"), sa.column("subject"))
    conn = op.get_bind()
    for seq, envelope in conn.execute(sa.select(outbox.c.seq, outbox.c.envelope)).all():
        subject = json.loads(envelope).get("body", {}).get("request_id")
        if subject:
            conn.execute(outbox.update().where(outbox.c.seq == seq).values(subject=str(subject)[:64]))


def downgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.drop_column("refused_reason")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("refused_reason")
        batch.drop_column("refused_at")
        batch.drop_column("subject")
