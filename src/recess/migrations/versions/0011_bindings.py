"""Bindings: status page components bound to monitors, the downtimes maintenances make from
them, and the state of automatic degradations.

Revision ID: 0011
Revises: 0009 (0010, case projects, is on another branch: the merge re-chains this after it)
Create Date: 2026-12-10
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "monitor_bindings",
        sa.Column("component_id", sa.String(length=36),
                  sa.ForeignKey("status_page_components.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("org_id", sa.BigInteger(), sa.ForeignKey("orgs.id"), nullable=False),
        sa.Column("page_id", sa.String(length=36), sa.ForeignKey("status_pages.id", ondelete="CASCADE"), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("monitor_id", sa.BigInteger(), nullable=True),
        sa.Column("monitor_tags", sa.JSON(), nullable=True),
        sa.Column("auto_degradation", sa.JSON(), nullable=True),
        sa.Column("automated", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("modified_by", sa.String(length=36), nullable=False),
    )
    op.create_index("ix_monitor_bindings_org_id", "monitor_bindings", ["org_id"])
    op.create_index("ix_monitor_bindings_page_id", "monitor_bindings", ["page_id"])
    op.create_index("ix_monitor_bindings_automated", "monitor_bindings", ["automated"])
    op.create_table(
        "maintenance_downtimes",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("maintenance_id", sa.String(length=36), sa.ForeignKey("maintenances.id", ondelete="CASCADE"), nullable=False),
        sa.Column("component_id", sa.String(length=36), nullable=False),
        sa.Column("downtime_id", sa.BigInteger(), sa.ForeignKey("downtimes.id"), nullable=False),
        sa.Column("canceled_by_maintenance", sa.Boolean(), nullable=False),
        sa.Column("noted", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("maintenance_id", "component_id"),
    )
    op.create_index("ix_maintenance_downtimes_maintenance_id", "maintenance_downtimes", ["maintenance_id"])
    op.create_index("ix_maintenance_downtimes_downtime_id", "maintenance_downtimes", ["downtime_id"])
    op.create_table(
        "automatic_degradations",
        sa.Column("component_id", sa.String(length=36),
                  sa.ForeignKey("monitor_bindings.component_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("degradation_id", sa.String(length=36), nullable=False),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.Column("seen_modified_at", sa.DateTime(), nullable=False),
        sa.Column("seen_updates", sa.Integer(), nullable=False),
        sa.Column("written", sa.JSON(), nullable=False),
    )
    op.create_index("ix_automatic_degradations_degradation_id", "automatic_degradations", ["degradation_id"])
    op.create_table(
        "binding_groups",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("component_id", sa.String(length=36),
                  sa.ForeignKey("monitor_bindings.component_id", ondelete="CASCADE"), nullable=False),
        sa.Column("monitor_id", sa.BigInteger(), nullable=False),
        sa.Column("group_name", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("muted_until", sa.DateTime(), nullable=True),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("joined", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("component_id", "monitor_id", "group_name"),
    )
    op.create_index("ix_binding_groups_component_id", "binding_groups", ["component_id"])
    op.create_index("ix_binding_groups_due", "binding_groups", ["joined", "due_at"])


def downgrade() -> None:
    op.drop_table("binding_groups")
    op.drop_table("automatic_degradations")
    op.drop_table("maintenance_downtimes")
    op.drop_table("monitor_bindings")
