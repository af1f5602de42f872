"""Users, their API tokens, and the access log."""

from __future__ import annotations

import sqlalchemy as sa

from armtrace.store.tables.base import metadata
from armtrace.store.types import BigId, UTCDateTime

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(80), nullable=False, unique=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),  # argon2id
    sa.Column("roles", sa.String(300), nullable=False),  # comma-separated role names
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("failures", sa.Integer, nullable=False),  # failed sign-ins in a row
    sa.Column("last_failure_at", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
)


api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("name", sa.String(120), nullable=False),  # what system uses it
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # sha256 of a 256-bit random token
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime),
    sa.Column("last_used_at", UTCDateTime),
)


access_log = sa.Table(
    "access_log",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(120), nullable=False),
    sa.Column("action", sa.String(80), nullable=False),  # e.g. identify:search, registry:holders:read
    sa.Column("object", sa.String(120)),
    sa.Column("query", sa.Text),  # what was asked, as JSON
)
