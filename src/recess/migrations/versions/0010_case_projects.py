"""Case Management projects; monitors' assets and draft status; metric monitors as `query alert`.

Cases now belong to projects that exist. Cases made before this revision named a project by
its key only: each distinct key gets a project (named after the key) and its cases its id.
Monitors gain `assets` (runbook links) and `draft_status`, which Datadog stores and returns.
Datadog answers metric monitors as `query alert` whichever of the two names created them, so
stored `metric alert` rows take that name.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10
"""
import uuid
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
import recess.core.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_projects",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("enabled_custom_case_types", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", recess.core.db.UTCDateTime(), nullable=False),
        sa.Column("modified_at", recess.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["orgs.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "key"),
    )
    op.create_index(op.f("ix_case_projects_org_id"), "case_projects", ["org_id"], unique=False)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("project_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("type_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("assignee", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_project_id"), ["project_id"], unique=False)
    _projects_for_existing_cases()
    with op.batch_alter_table("monitors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assets", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column("draft_status", sa.String(length=16), nullable=False, server_default="published"))
    op.execute("UPDATE monitors SET type = 'query alert' WHERE type = 'metric alert'")


def _projects_for_existing_cases() -> None:
    bind = op.get_bind()
    projects = sa.table(
        "case_projects", sa.column("id"), sa.column("org_id"), sa.column("key"), sa.column("name"),
        sa.column("enabled_custom_case_types", sa.JSON()), sa.column("created_by"),
        sa.column("created_at", recess.core.db.UTCDateTime()), sa.column("modified_at", recess.core.db.UTCDateTime()),
    )
    cases = sa.table("cases", sa.column("org_id"), sa.column("project"), sa.column("project_id"), sa.column("created_by"))
    now = datetime.now(timezone.utc)
    found = bind.execute(sa.select(cases.c.org_id, cases.c.project, sa.func.min(cases.c.created_by))
                         .group_by(cases.c.org_id, cases.c.project)).all()
    for org_id, key, creator in found:
        project_id = str(uuid.uuid4())
        bind.execute(projects.insert().values(id=project_id, org_id=org_id, key=key, name=key, enabled_custom_case_types=[],
                                              created_by=creator, created_at=now, modified_at=now))
        bind.execute(cases.update().where(cases.c.org_id == org_id, cases.c.project == key).values(project_id=project_id))


def downgrade() -> None:
    op.execute("UPDATE monitors SET type = 'metric alert' WHERE type = 'query alert'")
    with op.batch_alter_table("monitors", schema=None) as batch_op:
        batch_op.drop_column("draft_status")
        batch_op.drop_column("assets")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_project_id"))
        batch_op.drop_column("assignee")
        batch_op.drop_column("type_id")
        batch_op.drop_column("project_id")
    op.drop_index(op.f("ix_case_projects_org_id"), table_name="case_projects")
    op.drop_table("case_projects")
