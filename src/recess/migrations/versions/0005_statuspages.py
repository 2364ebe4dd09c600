"""Status pages: pages, components, degradations, maintenances, their updates, templates.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import recess.core.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('status_updates',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('parent_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('components_affected', sa.JSON(), nullable=False),
    sa.Column('started_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('created_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('modified_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=False),
    sa.Column('modified_by', sa.String(length=36), nullable=False),
    sa.Column('manual_transition', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', recess.core.db.UTCDateTime(), nullable=True),
    sa.Column('deleted_by', sa.String(length=36), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_status_updates_parent', 'status_updates', ['parent_id', 'started_at'], unique=False)
    op.create_table('status_pages',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('domain_prefix', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('visualization_type', sa.String(length=40), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('company_logo', sa.Text(), nullable=True),
    sa.Column('favicon', sa.Text(), nullable=True),
    sa.Column('email_header_image', sa.Text(), nullable=True),
    sa.Column('subscriptions_enabled', sa.Boolean(), nullable=False),
    sa.Column('custom_domain', sa.Text(), nullable=True),
    sa.Column('created_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('modified_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=False),
    sa.Column('modified_by', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('domain_prefix')
    )
    op.create_index(op.f('ix_status_pages_org_id'), 'status_pages', ['org_id'], unique=False)
    op.create_table('degradations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('page_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('is_backfilled', sa.Boolean(), nullable=False),
    sa.Column('created_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('modified_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=False),
    sa.Column('modified_by', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], ),
    sa.ForeignKeyConstraint(['page_id'], ['status_pages.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_degradations_org_created', 'degradations', ['org_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_degradations_page_id'), 'degradations', ['page_id'], unique=False)
    op.create_table('maintenances',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('page_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('scheduled_description', sa.Text(), nullable=False),
    sa.Column('in_progress_description', sa.Text(), nullable=False),
    sa.Column('completed_description', sa.Text(), nullable=False),
    sa.Column('canceled_description', sa.Text(), nullable=True),
    sa.Column('components_affected', sa.JSON(), nullable=False),
    sa.Column('start_date', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('completed_date', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('published_date', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('is_backfilled', sa.Boolean(), nullable=False),
    sa.Column('created_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('modified_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=False),
    sa.Column('modified_by', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], ),
    sa.ForeignKeyConstraint(['page_id'], ['status_pages.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_maintenances_due', 'maintenances', ['status', 'start_date', 'completed_date'], unique=False)
    op.create_index(op.f('ix_maintenances_org_id'), 'maintenances', ['org_id'], unique=False)
    op.create_index(op.f('ix_maintenances_page_id'), 'maintenances', ['page_id'], unique=False)
    op.create_table('status_page_components',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('page_id', sa.String(length=36), nullable=False),
    sa.Column('parent_id', sa.String(length=36), nullable=True),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('modified_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=False),
    sa.Column('modified_by', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['status_pages.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_status_page_components_page_id'), 'status_page_components', ['page_id'], unique=False)
    op.create_index(op.f('ix_status_page_components_parent_id'), 'status_page_components', ['parent_id'], unique=False)
    op.create_table('status_page_templates',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('page_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('created_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('modified_at', recess.core.db.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=False),
    sa.Column('modified_by', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['status_pages.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_status_page_templates_page_id'), 'status_page_templates', ['page_id'], unique=False)


def downgrade() -> None:
    for table in ("status_page_templates", "status_updates", "maintenances", "degradations", "status_page_components", "status_pages"):
        op.drop_table(table)
