"""Notifications: webhooks, alert events, the delivery outbox; downtime end instants.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import recess.core.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('webhooks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=True),
    sa.Column('custom_headers', sa.Text(), nullable=True),
    sa.Column('encode_as', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('org_id', 'name')
    )
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhooks_org_id'), ['org_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('monitor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('group_name', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('transition', sa.String(length=16), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=False),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('muted', sa.Boolean(), nullable=False),
    sa.Column('muted_by', sa.JSON(), nullable=False),
    sa.Column('downtime', sa.String(length=36), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['monitor_id'], ['monitors.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_monitor', ['monitor_id', 'id'], unique=False)
        batch_op.create_index('ix_notifications_org_at', ['org_id', 'at'], unique=False)

    op.create_table('deliveries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('notification_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('webhook', sa.String(length=200), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=36), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', recess.core.db.UTCDateTime(), nullable=True),
    sa.Column('lease_until', recess.core.db.UTCDateTime(), nullable=True),
    sa.Column('last_status', sa.SmallInteger(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('delivered_at', recess.core.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_due', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliveries_notification_id'), ['notification_id'], unique=False)

    with op.batch_alter_table('downtimes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ends_next', recess.core.db.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_downtimes_ends_next'), ['ends_next'], unique=False)
        batch_op.create_index('ix_downtimes_modified', ['modified'], unique=False)

    with op.batch_alter_table('monitor_group_transitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('episode_start', recess.core.db.UTCDateTime(), nullable=True))

    with op.batch_alter_table('monitor_groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alerting_since', recess.core.db.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table("monitor_groups") as batch_op:
        batch_op.drop_column("alerting_since")
    with op.batch_alter_table("monitor_group_transitions") as batch_op:
        batch_op.drop_column("episode_start")
    with op.batch_alter_table("downtimes") as batch_op:
        batch_op.drop_index("ix_downtimes_modified")
        batch_op.drop_index("ix_downtimes_ends_next")
        batch_op.drop_column("ends_next")
    for table in ("deliveries", "notifications", "webhooks"):
        op.drop_table(table)
