"""tracing clocks: the requester's expected deadlines kept beside the receiving node's own, and when the
national point of contact was told that a request waits past its acknowledgement time

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("expected_acknowledge_by", "expected_answer_by", "contact_notified_at")


def upgrade() -> None:
    with op.batch_alter_table("trace_requests") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("trace_requests") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
