"""Rate-limit counters: one row per (subject, limit name, window), shared by every process.

Only PostgreSQL servers write here (several processes must enforce one limit); a SQLite server
counts in memory. The table exists on both so the schema is one. On PostgreSQL it is UNLOGGED:
a count is raised on every request, and a commit that wrote no WAL waits for no disk flush
(the counts are emptied after a crash, which only forgives a minute's requests).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    unlogged = ["UNLOGGED"] if op.get_bind().dialect.name == "postgresql" else []
    op.create_table(
        "rate_limit_counters",
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("window_end", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("subject", "name", "window_end"),
        prefixes=unlogged,
    )


def downgrade() -> None:
    op.drop_table("rate_limit_counters")
