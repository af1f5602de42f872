"""business closures: a closing business's differences, its closure's status, and holders by name key

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 09:00:00

`weapons.holder_key` is name_key(holder), part of the projection (store/registry.py
projection_row), indexed so that what the registry holds for a closing business is read
through an index rather than by scanning every weapon. Rows written before are filled
here, a batch of ids at a time. Columns are added without batch mode: on SQLite a copy of
`weapons` would drop the triggers of its serial index (migration 0002).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from armtrace.domain.registry import name_key

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)
BATCH = 10_000


def upgrade() -> None:
    op.add_column("weapons", sa.Column("holder_key", sa.String(300)))
    op.add_column("businesses", sa.Column("status", sa.String(20)))
    op.add_column("businesses", sa.Column("closing_on", sa.Date))
    op.add_column("businesses", sa.Column("books", sa.Text))
    conn = op.get_bind()
    weapons = sa.table("weapons", sa.column("id"), sa.column("holder"), sa.column("holder_key"))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(weapons.c.id, weapons.c.holder)
            .where(weapons.c.id > last, weapons.c.holder.is_not(None))
            .order_by(weapons.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        conn.execute(
            weapons.update().where(weapons.c.id == sa.bindparam("wid")).values(holder_key=sa.bindparam("key")),
            [{"wid": r.id, "key": name_key(r.holder) if r.holder else None} for r in rows],
        )
        last = rows[-1].id
    op.create_index(op.f("ix_weapons_holder_key"), "weapons", ["holder_key"])
    businesses = sa.table("businesses", sa.column("closed_on"), sa.column("status"))
    conn.execute(businesses.update().where(businesses.c.closed_on.is_not(None)).values(status="closed"))
    op.create_table(
        "closure_differences",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("business_id", sa.BigInteger, nullable=False),
        sa.Column("weapon_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("found_at", WHEN, nullable=False),
        sa.Column("explanation", sa.Text),
        sa.Column("explained_by", sa.String(120)),
        sa.Column("approved_by", sa.String(120)),
        sa.Column("explained_at", WHEN),
        sa.Column("approval_id", sa.BigInteger),
        sa.ForeignKeyConstraint(
            ["business_id"], ["businesses.id"], name=op.f("fk_closure_differences_business_id_businesses")
        ),
        sa.ForeignKeyConstraint(["weapon_id"], ["weapons.id"], name=op.f("fk_closure_differences_weapon_id_weapons")),
        sa.ForeignKeyConstraint(
            ["approval_id"], ["approvals.id"], name=op.f("fk_closure_differences_approval_id_approvals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closure_differences")),
        sa.UniqueConstraint("business_id", "weapon_id", name="uq_closure_differences_business_weapon"),
    )


def downgrade() -> None:
    op.drop_table("closure_differences")
    op.drop_index(op.f("ix_weapons_holder_key"), table_name="weapons")
    for column in ("books", "closing_on", "status"):
        op.drop_column("businesses", column)
    op.drop_column("weapons", "holder_key")
