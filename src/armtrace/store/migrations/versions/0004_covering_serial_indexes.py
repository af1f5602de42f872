"""covering serial indexes on PostgreSQL: identification's lookups read the index only

Identification fetches (id, serial_fold, manufacturer_id) for up to thousands of rows per
lookup. Without those columns in the index, PostgreSQL visits the table for every row, one
random page each; with them (INCLUDE), an index-only scan reads a few leaf pages once the
visibility map is set (autovacuum, or VACUUM after a bulk load). SQLite's indexes already
carry the rowid, which is the weapon's id, so nothing changes there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 08:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# name: (key columns, included columns)
COVERING = {
    "ix_weapons_serial_fold": ("serial_fold text_pattern_ops", "manufacturer_id, id"),
    "ix_weapons_serial_rev": ("serial_rev text_pattern_ops", "serial_fold, manufacturer_id, id"),
    "ix_weapons_maker_serial_fold": ("manufacturer_id, serial_fold text_pattern_ops", "id"),
    "ix_weapons_maker_serial_rev": ("manufacturer_id, serial_rev text_pattern_ops", "serial_fold, id"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (keys, included) in COVERING.items():
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON weapons ({keys}) INCLUDE ({included})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (keys, _) in COVERING.items():
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON weapons ({keys})")
