"""Acts waiting for a second person, and the decisions on them."""

from __future__ import annotations

import sqlalchemy as sa

from armtrace.store.tables.base import metadata
from armtrace.store.types import BigId, UTCDateTime

approvals = sa.Table(
    "approvals",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("act", sa.String(40), nullable=False),  # retention:purge, registry:correct_holder, tracing:disclose
    sa.Column("payload", sa.Text, nullable=False),  # the command, as JSON, carried out once approved
    sa.Column("summary", sa.Text, nullable=False),  # what the approver reads
    sa.Column("subject", sa.String(64)),  # e.g. the request or weapon it concerns
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("requested_by", sa.String(120), nullable=False),
    sa.Column("requested_at", UTCDateTime, nullable=False),
    sa.Column("decided_by", sa.String(120)),
    sa.Column("decided_at", UTCDateTime),
    sa.Column("note", sa.Text),  # the rejection's reason, or why carrying it out failed
    sa.Column("carried_out_at", UTCDateTime),  # set in the act's own transaction: an approval serves once
)
