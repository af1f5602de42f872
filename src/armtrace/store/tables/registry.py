"""Weapons, their marks, and the businesses whose records the State keeps: the projections of the
events, rewritten in the same transaction as the events they come from."""

from __future__ import annotations

import sqlalchemy as sa

from armtrace.store.tables.base import metadata
from armtrace.store.types import BigId, UTCDateTime

businesses = sa.Table(
    "businesses",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("name_key", sa.String(300), nullable=False, unique=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("country", sa.String(3)),
    sa.Column("licence", sa.String(100)),
    sa.Column("closed_on", sa.Date),  # set when the closure completes (domain/closures.py)
    sa.Column("records_received_at", UTCDateTime),
    sa.Column("status", sa.String(20)),  # closing (records received, differences pending) or closed
    sa.Column("closing_on", sa.Date),  # the date of closure as decided, while the closure is pending
    sa.Column("books", sa.Text),  # JSON: the books counted and reconciled when they were taken in
    sa.Column("note", sa.Text),
)


weapons = sa.Table(
    "weapons",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("manufacturer", sa.String(300)),
    sa.Column("manufacturer_id", sa.String(80)),  # indexed first in ix_weapons_maker_serial_*
    sa.Column("manufacturer_key", sa.String(320), nullable=False),
    sa.Column("country_of_manufacture", sa.String(3)),
    sa.Column("serial", sa.String(100)),
    sa.Column("serial_key", sa.String(100)),  # compared through uq_weapons_identity; searched by serial_fold
    sa.Column("serial_fold", sa.String(100)),  # look-alikes folded (domain.identify.fold)
    sa.Column("serial_rev", sa.String(100)),  # serial_fold reversed: a missing prefix is a prefix here
    sa.Column("model", sa.String(120)),
    sa.Column("model_key", sa.String(120), nullable=False),
    sa.Column("calibre", sa.String(80)),
    sa.Column("year_of_manufacture", sa.Integer),
    sa.Column("marking_condition", sa.String(30), nullable=False),
    sa.Column("origin", sa.String(20), nullable=False),
    sa.Column("reference_id", sa.String(80)),
    sa.Column("flagged", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("holder", sa.String(300)),
    sa.Column("holder_key", sa.String(300), index=True),  # name_key(holder): a closing business's holdings
    sa.Column("country", sa.String(3)),
    sa.Column("place", sa.String(300)),
    sa.Column("facility", sa.String(120)),
    sa.Column("first_seq", sa.BigInteger, nullable=False),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    sa.Column("retain_until", sa.Date, nullable=False),
    sa.Column("business_id", sa.BigInteger, sa.ForeignKey("businesses.id"), index=True),
    # The import mark the weapon awaits ('KEN 2019', 'KEN 2019 +serial'; domain/marking.py) and since when;
    # the index lists the tasks oldest first (migration 0013).
    sa.Column("marking_due", sa.String(40)),
    sa.Column("marking_due_since", UTCDateTime, index=True),
    sa.UniqueConstraint("manufacturer_key", "model_key", "serial_key", name="uq_weapons_identity"),
    # Prefix search: PostgreSQL needs the pattern operator class whatever the database's collation,
    # and the columns identification reads INCLUDEd, for index-only scans (migration 0004).
    sa.Index(
        "ix_weapons_serial_fold",
        "serial_fold",
        postgresql_ops={"serial_fold": "text_pattern_ops"},
        postgresql_include=["manufacturer_id", "id"],
    ),
    sa.Index(
        "ix_weapons_serial_rev",
        "serial_rev",
        postgresql_ops={"serial_rev": "text_pattern_ops"},
        postgresql_include=["serial_fold", "manufacturer_id", "id"],
    ),
    sa.Index(
        "ix_weapons_maker_serial_fold",
        "manufacturer_id",
        "serial_fold",
        postgresql_ops={"serial_fold": "text_pattern_ops"},
        postgresql_include=["id"],
    ),
    sa.Index(
        "ix_weapons_maker_serial_rev",
        "manufacturer_id",
        "serial_rev",
        postgresql_ops={"serial_rev": "text_pattern_ops"},
        postgresql_include=["serial_fold", "id"],
    ),
)


marks = sa.Table(
    "marks",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("weapon_id", sa.BigInteger, sa.ForeignKey("weapons.id"), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("location", sa.String(30), nullable=False),
    sa.Column("text", sa.String(300), nullable=False),
    sa.Column("country", sa.String(3)),
    sa.Column("year", sa.Integer),
    sa.Column("manufacturer", sa.String(300)),
    sa.Column("serial", sa.String(100)),
)


# Made by migration 0002 outside this metadata, for substring search of serials ('*123*'):
# on PostgreSQL a pg_trgm GIN index, on SQLite an FTS5 trigram table kept by triggers.
SUBSTRING_INDEXES = frozenset(
    {
        "ix_weapons_serial_trgm",
        "serial_trigrams",
        "serial_trigrams_data",
        "serial_trigrams_idx",
        "serial_trigrams_config",
        "serial_trigrams_docsize",
        "serial_trigrams_content",
    }
)
