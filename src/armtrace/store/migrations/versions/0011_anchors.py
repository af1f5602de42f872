"""anchors: chain heads lodged with peers and their signed receipts, and those peers lodged here

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 00:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "anchors",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("node", sa.String(40), nullable=False),
        sa.Column("envelope_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
        sa.Column("change_hash", sa.String(64), nullable=False),
        sa.Column("anchored_at", WHEN, nullable=False),
        sa.Column("receipt", sa.Text),
        sa.Column("receipt_at", WHEN),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anchors")),
    )
    op.create_index(op.f("ix_anchors_envelope_id"), "anchors", ["envelope_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_anchors_envelope_id"), table_name="anchors")
    op.drop_table("anchors")
