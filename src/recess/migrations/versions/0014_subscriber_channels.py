"""Slack and webhook subscribers: a channel per subscriber, pages' slack_subscriptions_enabled,
and maintenances that remember notify_subscribers for the scheduler's transitions.

- status_page_subscribers: `channel` (email, slack, webhook) and `address` (the email address
  or the URL posted to; it was `email`), unique per page and channel (a named constraint).
  Existing subscribers become `email` ones.
- status_pages.slack_subscriptions_enabled (Datadog's attribute), false for existing pages.
- maintenances.notify_subscribers, false for existing maintenances (they announced nothing on
  time before either).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-20
"""
from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_TABLE = "status_page_subscribers"
# SQLite keeps unnamed unique constraints unnamed: batch mode names reflected ones this way, so
# that the old (page_id, email) one can be dropped; PostgreSQL named it itself.
_CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _old_unique() -> str:
    return "uq_status_page_subscribers_page_id" if op.get_bind().dialect.name == "sqlite" else "status_page_subscribers_page_id_email_key"


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN, never batch mode: on SQLite batch mode may rebuild a table, and
    # dropping the old status_pages (foreign keys on) would cascade-delete every component,
    # incident, maintenance and subscriber of every page.
    op.add_column("status_pages", sa.Column("slack_subscriptions_enabled", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("maintenances", sa.Column("notify_subscribers", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table(_TABLE, schema=None, naming_convention=_CONVENTION) as batch_op:
        batch_op.drop_constraint(_old_unique(), type_="unique")
        batch_op.add_column(sa.Column("channel", sa.String(length=12), server_default="email", nullable=False))
        batch_op.alter_column("email", new_column_name="address", existing_type=sa.String(length=320),
                              type_=sa.String(length=2048), existing_nullable=False)
    with op.batch_alter_table(_TABLE, schema=None) as batch_op:  # a second pass: SQLite's first one drops it
        batch_op.create_unique_constraint("uq_status_page_subscribers_address", ["page_id", "channel", "address"])


def downgrade() -> None:
    op.execute(f"DELETE FROM {_TABLE} WHERE channel <> 'email'")
    with op.batch_alter_table(_TABLE, schema=None, naming_convention=_CONVENTION) as batch_op:
        batch_op.drop_constraint("uq_status_page_subscribers_address", type_="unique")
        batch_op.alter_column("address", new_column_name="email", existing_type=sa.String(length=2048),
                              type_=sa.String(length=320), existing_nullable=False)
        batch_op.drop_column("channel")
    with op.batch_alter_table(_TABLE, schema=None) as batch_op:
        batch_op.create_unique_constraint(_old_unique(), ["page_id", "email"])
    op.drop_column("maintenances", "notify_subscribers")  # ALTER TABLE DROP COLUMN (SQLite 3.35+): no rebuild
    op.drop_column("status_pages", "slack_subscriptions_enabled")
