"""Status page email subscriptions: subscribers, and emails in the deliveries outbox.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

import recess.core.db

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=12), server_default="webhook", nullable=False))
        batch_op.alter_column("notification_id", existing_type=_ID, nullable=True)
    op.create_table(
        "status_page_subscribers",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("page_id", sa.String(length=36), sa.ForeignKey("status_pages.id", ondelete="CASCADE"), nullable=False),
        sa.Column("org_id", _ID, sa.ForeignKey("orgs.id"), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("components", sa.JSON(), nullable=True),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", recess.core.db.UTCDateTime(), nullable=True),
        sa.Column("created_at", recess.core.db.UTCDateTime(), nullable=False),
        sa.Column("confirmation_sent_at", recess.core.db.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("page_id", "email"),
        sa.UniqueConstraint("token"),
    )
    op.create_index("ix_status_page_subscribers_page_id", "status_page_subscribers", ["page_id"])


def downgrade() -> None:
    op.drop_index("ix_status_page_subscribers_page_id", table_name="status_page_subscribers")
    op.drop_table("status_page_subscribers")
    op.execute("DELETE FROM deliveries WHERE notification_id IS NULL")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.alter_column("notification_id", existing_type=_ID, nullable=False)
        batch_op.drop_column("channel")
