"""Monitors, their groups and state history, and service check runs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import recess.core.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('check_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('check', sa.String(length=200), nullable=False),
    sa.Column('host_name', sa.String(length=255), nullable=True),
    sa.Column('status', sa.SmallInteger(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('timestamp', sa.BigInteger(), nullable=False),
    sa.Column('received_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_check_runs_org_check', 'check_runs', ['org_id', 'check', 'id'], unique=False)
    op.create_table('monitors',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('query', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('priority', sa.SmallInteger(), nullable=True),
    sa.Column('creator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('modified', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('deleted', recess.core.db.UTCDateTime(), nullable=True),
    sa.Column('overall_state', sa.String(length=16), nullable=False),
    sa.Column('overall_state_modified', recess.core.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['creator_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_monitors_org_id'), 'monitors', ['org_id'], unique=False)
    op.create_table('monitor_group_transitions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('monitor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('group_name', sa.Text(), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=False),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('cause', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['monitor_id'], ['monitors.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_monitor_group_transitions_org_id'), 'monitor_group_transitions', ['org_id'], unique=False)
    op.create_index('ix_transitions_monitor_at', 'monitor_group_transitions', ['monitor_id', 'at'], unique=False)
    op.create_table('monitor_groups',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('monitor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('recent', sa.JSON(), nullable=False),
    sa.Column('last_run_at', recess.core.db.UTCDateTime(), nullable=True),
    sa.Column('nodata_at', recess.core.db.UTCDateTime(), nullable=True),
    sa.Column('last_triggered_at', recess.core.db.UTCDateTime(), nullable=True),
    sa.Column('last_resolved_at', recess.core.db.UTCDateTime(), nullable=True),
    sa.Column('last_nodata_at', recess.core.db.UTCDateTime(), nullable=True),
    sa.Column('modified', recess.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['monitor_id'], ['monitors.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('monitor_id', 'name')
    )
    op.create_index(op.f('ix_monitor_groups_monitor_id'), 'monitor_groups', ['monitor_id'], unique=False)
    op.create_index(op.f('ix_monitor_groups_nodata_at'), 'monitor_groups', ['nodata_at'], unique=False)
    op.create_index(op.f('ix_monitor_groups_org_id'), 'monitor_groups', ['org_id'], unique=False)


def downgrade() -> None:
    for table in ("check_runs", "monitor_group_transitions", "monitor_groups", "monitors"):
        op.drop_table(table)
