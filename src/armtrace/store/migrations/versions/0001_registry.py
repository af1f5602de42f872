"""registry: weapons, marks, hash-chained events, retention archive, change log

Revision ID: 0001
Revises:
Create Date: 2026-11-27 05:28:49.932692
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

GENESIS = "0" * 64  # the previous-hash of the first event (armtrace.domain.chain)

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "archives",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("weapons", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archives")),
    )
    op.create_table(
        "businesses",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("licence", sa.String(length=100), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("records_received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_businesses")),
        sa.UniqueConstraint("name_key", name=op.f("uq_businesses_name_key")),
    )
    op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_head")),
    )
    op.bulk_insert(
        sa.table("chain_head", sa.column("id"), sa.column("seq"), sa.column("hash")),
        [{"id": 1, "seq": 0, "hash": GENESIS}],
    )
    op.create_table(
        "change_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("actor_name", sa.String(length=300), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_change_log_object", ["object_type", "object_id"], unique=False)

    op.create_table(
        "archived_events",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("weapon_id", sa.BigInteger(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("archive_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["archive_id"], ["archives.id"], name=op.f("fk_archived_events_archive_id_archives")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_archived_events")),
    )
    with op.batch_alter_table("archived_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_archived_events_archive_id"), ["archive_id"], unique=False)

    op.create_table(
        "weapons",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("manufacturer", sa.String(length=300), nullable=True),
        sa.Column("manufacturer_id", sa.String(length=80), nullable=True),
        sa.Column("manufacturer_key", sa.String(length=320), nullable=False),
        sa.Column("country_of_manufacture", sa.String(length=3), nullable=True),
        sa.Column("serial", sa.String(length=100), nullable=True),
        sa.Column("serial_key", sa.String(length=100), nullable=True),
        sa.Column("model", sa.String(length=120), nullable=True),
        sa.Column("model_key", sa.String(length=120), nullable=False),
        sa.Column("calibre", sa.String(length=80), nullable=True),
        sa.Column("year_of_manufacture", sa.Integer(), nullable=True),
        sa.Column("marking_condition", sa.String(length=30), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("reference_id", sa.String(length=80), nullable=True),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("holder", sa.String(length=300), nullable=True),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("facility", sa.String(length=120), nullable=True),
        sa.Column("first_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=False),
        sa.Column("business_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["business_id"], ["businesses.id"], name=op.f("fk_weapons_business_id_businesses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weapons")),
        sa.UniqueConstraint("manufacturer_key", "model_key", "serial_key", name="uq_weapons_identity"),
    )
    with op.batch_alter_table("weapons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_weapons_business_id"), ["business_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_weapons_manufacturer_id"), ["manufacturer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_weapons_serial_key"), ["serial_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_weapons_status"), ["status"], unique=False)

    op.create_table(
        "events",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("weapon_id", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("corrects", sa.BigInteger(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["weapon_id"], ["weapons.id"], name=op.f("fk_events_weapon_id_weapons")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_weapon_id_seq", ["weapon_id", "seq"], unique=False)

    op.create_table(
        "marks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("weapon_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("location", sa.String(length=30), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("manufacturer", sa.String(length=300), nullable=True),
        sa.Column("serial", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["weapon_id"], ["weapons.id"], name=op.f("fk_marks_weapon_id_weapons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marks")),
    )
    with op.batch_alter_table("marks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_marks_weapon_id"), ["weapon_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("marks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_marks_weapon_id"))

    op.drop_table("marks")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_weapon_id_seq")

    op.drop_table("events")
    with op.batch_alter_table("weapons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weapons_status"))
        batch_op.drop_index(batch_op.f("ix_weapons_serial_key"))
        batch_op.drop_index(batch_op.f("ix_weapons_manufacturer_id"))
        batch_op.drop_index(batch_op.f("ix_weapons_business_id"))

    op.drop_table("weapons")
    with op.batch_alter_table("archived_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archived_events_archive_id"))

    op.drop_table("archived_events")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_object")
        batch_op.drop_index(batch_op.f("ix_change_log_at"))

    op.drop_table("change_log")
    op.drop_table("chain_head")
    op.drop_table("businesses")
    op.drop_table("archives")
