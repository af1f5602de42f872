"""This node's identity, the peers it trusts, and the outbox and inbox of signed envelopes."""

from __future__ import annotations

import sqlalchemy as sa

from armtrace.store.tables.base import metadata
from armtrace.store.types import BigId, UTCDateTime

node = sa.Table(
    "node",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # one row: this node
    sa.Column("node_id", sa.String(40), nullable=False),
    sa.Column("country", sa.String(3), nullable=False),
    sa.Column("key_path", sa.Text, nullable=False),
    sa.Column("public_key", sa.String(64), nullable=False),
    sa.Column("contact_name", sa.String(200), nullable=False),  # national point of contact (ITI para 25)
    sa.Column("contact_email", sa.String(200)),
    sa.Column("contact_phone", sa.String(60)),
    sa.Column("created_at", UTCDateTime, nullable=False),
)


peers = sa.Table(
    "peers",
    metadata,
    sa.Column("node_id", sa.String(40), primary_key=True),
    sa.Column("country", sa.String(3)),
    sa.Column("role", sa.String(20), nullable=False),  # state or hub
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("public_key", sa.String(64), nullable=False),
    sa.Column("added_at", UTCDateTime, nullable=False),
)


outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=True),  # the order messages were written in
    sa.Column("id", sa.String(36), nullable=False, unique=True),  # the envelope's id
    sa.Column("recipient", sa.String(40), nullable=False),
    sa.Column("envelope", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False, index=True),
    sa.Column("delivered_at", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("subject", sa.String(64)),  # the request it is about: its messages go in order, others do not wait
    sa.Column("refused_at", UTCDateTime),  # the peer refused it for good: never sent again
    sa.Column("refused_reason", sa.String(40)),  # the peer's coded reason
)


inbox = sa.Table(
    "inbox",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),  # the envelope's id: delivered twice, applied once
    sa.Column("sender", sa.String(40), nullable=False),
    sa.Column("type", sa.String(40), nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("envelope", sa.Text, nullable=False),
    sa.Column("refused_reason", sa.String(40)),  # set when a signed message was refused, never applied
)
