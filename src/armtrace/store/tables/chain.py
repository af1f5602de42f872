"""The event log, append-only and hash-chained (`chain_head` holds its tip), and the change log the
unit of work writes on every commit."""

from __future__ import annotations

import sqlalchemy as sa

from armtrace.store.tables.base import metadata
from armtrace.store.types import BigId, UTCDateTime

events = sa.Table(
    "events",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("weapon_id", sa.BigInteger, sa.ForeignKey("weapons.id"), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("occurred_at", UTCDateTime, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(120), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("corrects", sa.BigInteger),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Index("ix_events_weapon_id_seq", "weapon_id", "seq"),
)


# Row 1: the event log's tip (seq, hash). Row 2: the change log's (its number of lines, the last hash).
chain_head = sa.Table(
    "chain_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)


change_log = sa.Table(
    "change_log",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(120), nullable=False),
    sa.Column("actor_name", sa.String(300), nullable=False),
    sa.Column("run_id", sa.String(36), nullable=False),
    sa.Column("action", sa.String(80), nullable=False),
    sa.Column("object_type", sa.String(40), nullable=False),
    sa.Column("object_id", sa.String(64), nullable=False),
    sa.Column("before", sa.Text),
    sa.Column("after", sa.Text),
    sa.Column("reason", sa.Text),
    sa.Column("prev_hash", sa.String(64)),  # the change log is chained too: row 2 of chain_head holds its tip
    sa.Column("hash", sa.String(64)),
    sa.Index("ix_change_log_object", "object_type", "object_id"),
)


# Each run of `verify`, kept for the auditor: when, by whom, what it found (the first findings in full).
verifications = sa.Table(
    "verifications",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("scope", sa.String(10), nullable=False),  # store (chains and projections) or anchors
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("by", sa.String(120), nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),  # JSON: counts, findings by kind, first findings
)
