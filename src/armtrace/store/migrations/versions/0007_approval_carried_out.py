"""approvals: when the approved act was carried out, so one approval serves one act only

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("approvals") as batch:
        batch.add_column(sa.Column("carried_out_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("approvals") as batch:
        batch.drop_column("carried_out_at")
