"""approvals: acts that wait for a second authorized user (the two-person rule)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 08:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "approvals",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("act", sa.String(40), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("subject", sa.String(64)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("requested_by", sa.String(120), nullable=False),
        sa.Column("requested_at", WHEN, nullable=False),
        sa.Column("decided_by", sa.String(120)),
        sa.Column("decided_at", WHEN),
        sa.Column("note", sa.Text),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approvals")),
    )
    op.create_index(op.f("ix_approvals_status"), "approvals", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_approvals_status"), table_name="approvals")
    op.drop_table("approvals")
