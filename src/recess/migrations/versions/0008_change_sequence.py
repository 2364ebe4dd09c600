"""Downtime change sequence: the index follows committed changes in order, not clocks.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_counters",
        sa.Column("name", sa.String(length=32), primary_key=True),
        sa.Column("value", sa.BigInteger(), nullable=False),
    )
    with op.batch_alter_table("downtimes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("change_seq", sa.BigInteger(), nullable=True))
    # Existing rows get sequences in id order; the counter starts past them.
    op.execute("UPDATE downtimes SET change_seq = id")
    with op.batch_alter_table("downtimes", schema=None) as batch_op:
        batch_op.alter_column("change_seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_index("ix_downtimes_change_seq", ["change_seq"])
    op.execute("INSERT INTO change_counters (name, value) SELECT 'downtimes', COALESCE(MAX(id), 0) FROM downtimes")


def downgrade() -> None:
    with op.batch_alter_table("downtimes", schema=None) as batch_op:
        batch_op.drop_index("ix_downtimes_change_seq")
        batch_op.drop_column("change_seq")
    op.drop_table("change_counters")
