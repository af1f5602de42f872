"""Files imported, each known by its SHA-256 with its rows done."""

from __future__ import annotations

import sqlalchemy as sa

from armtrace.store.tables.base import metadata
from armtrace.store.types import UTCDateTime

import_files = sa.Table(
    "import_files",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("format", sa.String(20), nullable=False),
    sa.Column("rows_done", sa.Integer, nullable=False),  # rows committed, in file order: where a rerun resumes
    sa.Column("imported", sa.Integer, nullable=False),
    sa.Column("duplicates", sa.Integer, nullable=False),
    sa.Column("rejected", sa.Integer, nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime),
)
