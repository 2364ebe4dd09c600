"""Key lifecycle: when each API and application key was last used, and when it was revoked.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import recess.core.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("api_keys", "app_keys"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('last_used_at', recess.core.db.UTCDateTime(), nullable=True))
            batch_op.add_column(sa.Column('revoked_at', recess.core.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    for table in ("api_keys", "app_keys"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("revoked_at")
            batch_op.drop_column("last_used_at")
