"""Drop two downtime indexes nothing reads: `modified` (changes are found by change_seq since
0008) and `org_id` alone (ix_downtimes_org_created starts with it). Every downtime written
updated both, and a create's commit wrote their pages.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""
from alembic import op


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("downtimes") as batch_op:
        batch_op.drop_index("ix_downtimes_modified")
        batch_op.drop_index("ix_downtimes_org_id")


def downgrade() -> None:
    with op.batch_alter_table("downtimes") as batch_op:
        batch_op.create_index("ix_downtimes_org_id", ["org_id"], unique=False)
        batch_op.create_index("ix_downtimes_modified", ["modified"], unique=False)
