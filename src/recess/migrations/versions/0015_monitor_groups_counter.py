"""A change counter for monitor groups: raised when a group appears or its tags change, so a
process can keep an answer that depends on groups' names and tags (which downtimes match a
monitor's groups) until they change.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""
from alembic import op


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("INSERT INTO change_counters (name, value) VALUES ('monitor_groups', 0)")


def downgrade() -> None:
    op.execute("DELETE FROM change_counters WHERE name = 'monitor_groups'")
