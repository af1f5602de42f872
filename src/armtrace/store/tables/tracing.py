"""Tracing requests, sent and received, and every timed act on them."""

from __future__ import annotations

import sqlalchemy as sa

from armtrace.store.tables.base import metadata
from armtrace.store.types import BigId, UTCDateTime

trace_requests = sa.Table(
    "trace_requests",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # the requester's reference, e.g. KEN-2026-000042
    sa.Column("direction", sa.String(10), nullable=False),  # outgoing or incoming
    sa.Column("requester", sa.String(40), nullable=False),
    sa.Column("requested", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("priority", sa.String(10), nullable=False),
    sa.Column("content", sa.Text, nullable=False),  # the request as sent (JSON)
    sa.Column("weapon_id", sa.BigInteger),  # the record here: the weapon recovered, or the one answered from
    sa.Column("parent_id", sa.String(40)),  # the request this one follows on from, State to State
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime),
    sa.Column("acknowledge_by", UTCDateTime),
    sa.Column("answer_by", UTCDateTime),
    # on a received request the deadlines above are this node's own; the requester's are kept apart
    sa.Column("expected_acknowledge_by", UTCDateTime),
    sa.Column("expected_answer_by", UTCDateTime),
    sa.Column("contact_notified_at", UTCDateTime),  # the point of contact told it waits past acknowledge_by
    sa.Column("acknowledged_at", UTCDateTime),
    sa.Column("answered_at", UTCDateTime),
    sa.Column("outcome", sa.String(20)),
    sa.Column("restriction", sa.String(30)),
    sa.Column("failure", sa.String(40)),
    sa.Column("answer", sa.Text),  # the answer as sent (JSON)
)


trace_events = sa.Table(
    "trace_events",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(40), sa.ForeignKey("trace_requests.id"), nullable=False, index=True),
    sa.Column("act", sa.String(30), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(120), nullable=False),
    sa.Column("detail", sa.Text),
)


attachments = sa.Table(
    "attachments",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),  # how requests refer to it: sha256:<hex>
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("origin", sa.String(40), nullable=False),  # this node's id, or the peer it was fetched from
    sa.Column("added_at", UTCDateTime, nullable=False),
    sa.Column("added_by", sa.String(120), nullable=False),
)
