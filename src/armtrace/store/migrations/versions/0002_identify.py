"""identify: look-alike-folded serial keys, their reverse, substring indexes; import progress

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The fold of armtrace.domain.identify, frozen here as this migration's own copy.
_FOLD = str.maketrans("ODQIL7SBZGVАВЕКМНОРСТХУ", "0001115826UA8EKMH0PCTXY")


def _fold(key: str) -> str:
    return re.sub(r"[\W_]+", "", key.translate(_FOLD))


def upgrade() -> None:
    with op.batch_alter_table("weapons") as batch:
        batch.add_column(sa.Column("serial_fold", sa.String(100), nullable=True))
        batch.add_column(sa.Column("serial_rev", sa.String(100), nullable=True))
    conn = op.get_bind()
    weapons = sa.table(
        "weapons", sa.column("id"), sa.column("serial_key"), sa.column("serial_fold"), sa.column("serial_rev")
    )
    rows = conn.execute(sa.select(weapons.c.id, weapons.c.serial_key).where(weapons.c.serial_key.is_not(None))).all()
    if rows:
        conn.execute(
            weapons.update()
            .where(weapons.c.id == sa.bindparam("wid"))
            .values(serial_fold=sa.bindparam("f"), serial_rev=sa.bindparam("r")),
            [{"wid": r.id, "f": _fold(r.serial_key), "r": _fold(r.serial_key)[::-1]} for r in rows],
        )
    # Prefix search: PostgreSQL needs the pattern operator class whatever the database's collation.
    fold_ops = {"postgresql_ops": {"serial_fold": "text_pattern_ops"}}
    rev_ops = {"postgresql_ops": {"serial_rev": "text_pattern_ops"}}
    with op.batch_alter_table("weapons") as batch:
        # Searches go through the folded keys now; these two would only slow every insert.
        batch.drop_index("ix_weapons_serial_key")
        batch.drop_index("ix_weapons_manufacturer_id")
        batch.create_index("ix_weapons_serial_fold", ["serial_fold"], **fold_ops)
        batch.create_index("ix_weapons_serial_rev", ["serial_rev"], **rev_ops)
        batch.create_index("ix_weapons_maker_serial_fold", ["manufacturer_id", "serial_fold"], **fold_ops)
        batch.create_index("ix_weapons_maker_serial_rev", ["manufacturer_id", "serial_rev"], **rev_ops)
    if conn.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_weapons_serial_trgm ON weapons USING gin (serial_fold gin_trgm_ops)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE serial_trigrams USING fts5(serial_fold, content='weapons', "
            "content_rowid='id', tokenize='trigram')"
        )
        op.execute("INSERT INTO serial_trigrams(serial_trigrams) VALUES ('rebuild')")
        # New weapons reach the trigram table through the bulk insert itself (store/bulk.py):
        # a row trigger costs several times more per row than one INSERT ... SELECT per batch.
        op.execute(
            "CREATE TRIGGER weapons_trigrams_delete AFTER DELETE ON weapons BEGIN "
            "INSERT INTO serial_trigrams(serial_trigrams, rowid, serial_fold) "
            "VALUES ('delete', old.id, old.serial_fold); END"
        )
        op.execute(
            "CREATE TRIGGER weapons_trigrams_update AFTER UPDATE OF serial_fold ON weapons "
            "WHEN old.serial_fold IS NOT new.serial_fold BEGIN "
            "INSERT INTO serial_trigrams(serial_trigrams, rowid, serial_fold) "
            "VALUES ('delete', old.id, old.serial_fold); "
            "INSERT INTO serial_trigrams(rowid, serial_fold) VALUES (new.id, new.serial_fold); END"
        )
    op.create_table(
        "import_files",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_import_files")),
    )


def downgrade() -> None:
    op.drop_table("import_files")
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_weapons_serial_trgm")
    else:
        for trigger in ("weapons_trigrams_delete", "weapons_trigrams_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS serial_trigrams")
    with op.batch_alter_table("weapons") as batch:
        for name in (
            "ix_weapons_maker_serial_rev",
            "ix_weapons_maker_serial_fold",
            "ix_weapons_serial_rev",
            "ix_weapons_serial_fold",
        ):
            batch.drop_index(name)
        batch.create_index("ix_weapons_serial_key", ["serial_key"])
        batch.create_index("ix_weapons_manufacturer_id", ["manufacturer_id"])
        batch.drop_column("serial_rev")
        batch.drop_column("serial_fold")
