"""Archives of records removed after retention, and the hashes kept of their events."""

from __future__ import annotations

import sqlalchemy as sa

from armtrace.store.tables.base import metadata
from armtrace.store.types import BigId, UTCDateTime

archives = sa.Table(
    "archives",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(120), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("weapons", sa.Integer, nullable=False),
    sa.Column("events", sa.Integer, nullable=False),
)


archived_events = sa.Table(
    "archived_events",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("weapon_id", sa.BigInteger, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("archive_id", sa.BigInteger, sa.ForeignKey("archives.id"), nullable=False, index=True),
)
