"""Downtimes note the change number of their insert (created_seq), so that an index applying
changes can count an org's downtimes without reading them all (a list's total).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("downtimes") as batch_op:
        batch_op.add_column(sa.Column("created_seq", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("downtimes") as batch_op:
        batch_op.drop_column("created_seq")
