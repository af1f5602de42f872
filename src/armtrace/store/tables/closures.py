"""A closing business's differences: weapons its books and the registry do not agree on, each waiting
for an explanation that a second person approves (domain/closures.py)."""

from __future__ import annotations

import sqlalchemy as sa

from armtrace.store.tables.base import metadata
from armtrace.store.types import BigId, UTCDateTime

closure_differences = sa.Table(
    "closure_differences",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("business_id", sa.BigInteger, sa.ForeignKey("businesses.id"), nullable=False),
    sa.Column("weapon_id", sa.BigInteger, sa.ForeignKey("weapons.id"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # missing or mismatch
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("found_at", UTCDateTime, nullable=False),
    sa.Column("explanation", sa.Text),  # set once a second person approved it
    sa.Column("explained_by", sa.String(120)),
    sa.Column("approved_by", sa.String(120)),
    sa.Column("explained_at", UTCDateTime),
    sa.Column("approval_id", sa.BigInteger, sa.ForeignKey("approvals.id")),
    sa.UniqueConstraint("business_id", "weapon_id", name="uq_closure_differences_business_weapon"),
)
