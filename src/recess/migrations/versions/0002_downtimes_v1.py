"""Downtimes v1: echoed v1 scope and recurrence, a shared v1 id allocator, occurrence ids.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import recess.core.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("downtimes") as batch:
        batch.add_column(sa.Column("v1_scope", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("v1_recurrence", sa.JSON(), nullable=True))
    op.create_table("v1_ids", sa.Column("id", BigId, autoincrement=True, nullable=False), sa.PrimaryKeyConstraint("id"))
    op.create_table(
        "downtime_occurrences",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("downtime_id", BigId, nullable=False),
        sa.Column("start", recess.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["downtime_id"], ["downtimes.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("downtime_id", "start"),
    )
    op.create_index(op.f("ix_downtime_occurrences_downtime_id"), "downtime_occurrences", ["downtime_id"], unique=False)
    # New ids continue after the downtimes that exist already.
    op.execute("INSERT INTO v1_ids (id) SELECT max(id) FROM downtimes HAVING max(id) IS NOT NULL")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('v1_ids', 'id'), coalesce((SELECT max(id) FROM v1_ids), 0) + 1, false)")


def downgrade() -> None:
    op.drop_table("downtime_occurrences")
    op.drop_table("v1_ids")
    with op.batch_alter_table("downtimes") as batch:
        batch.drop_column("v1_scope")
        batch.drop_column("v1_recurrence")
