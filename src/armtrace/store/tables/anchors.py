"""Chain heads anchored with peers: those this node lodged (with each peer's signed receipt), and those
peers lodged here."""

from __future__ import annotations

import sqlalchemy as sa

from armtrace.store.tables.base import metadata
from armtrace.store.types import BigId, UTCDateTime

anchors = sa.Table(
    "anchors",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("direction", sa.String(10), nullable=False),  # lodged (ours, with a peer) or held (a peer's, here)
    sa.Column("node", sa.String(40), nullable=False),  # the peer it was lodged with, or the peer that lodged it
    sa.Column("envelope_id", sa.String(36), nullable=False, index=True),  # the anchor message
    sa.Column("seq", sa.BigInteger, nullable=False),  # the event chain's tip: number and hash
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("change_seq", sa.BigInteger, nullable=False),  # the change log's tip: lines and hash
    sa.Column("change_hash", sa.String(64), nullable=False),
    sa.Column("anchored_at", UTCDateTime, nullable=False),
    sa.Column("receipt", sa.Text),  # the peer's signed receipt (lodged anchors), as received
    sa.Column("receipt_at", UTCDateTime),
)
