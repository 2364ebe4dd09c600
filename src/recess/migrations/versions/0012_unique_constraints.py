"""Unique case numbers per project, and data that older versions let in and this one refuses.

- cases: a unique (org_id, project, number), so that two cases created at once can never share
  a number (the create retries with the next one). Numbers that already collide are first moved
  after the project's last, in creation order.
- api_keys, app_keys: a `last4` that is the whole key (a key of 4 characters or fewer) is blanked;
  such keys can no longer be created.
- status_pages: a favicon, company_logo or email_header_image that is not an http(s) URL (such
  as `javascript:…`) is cleared: the API now refuses them, and the public page shows these.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10
"""
import hashlib
import re

from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_HTTP = re.compile(r"^https?://[^/?#\s]", re.IGNORECASE)


def _renumber_colliding_cases(bind: sa.Connection) -> None:
    rows = bind.execute(sa.text(
        "SELECT id, org_id, project, number FROM cases ORDER BY org_id, project, created_at, id")).all()
    last: dict[tuple[int, str], int] = {}
    for row in rows:
        key = (row.org_id, row.project)
        last[key] = max(last.get(key, 0), row.number)
    seen: set[tuple[int, str, int]] = set()
    for row in rows:
        number = (row.org_id, row.project, row.number)
        if number in seen:
            last[(row.org_id, row.project)] += 1
            bind.execute(sa.text("UPDATE cases SET number = :n WHERE id = :id"),
                         {"n": last[(row.org_id, row.project)], "id": row.id})
        else:
            seen.add(number)


def _blank_whole_keys(bind: sa.Connection) -> None:
    for table in ("api_keys", "app_keys"):
        for row in bind.execute(sa.text(f"SELECT id, digest, last4 FROM {table}")).all():
            if row.last4 and hashlib.sha256(row.last4.encode()).hexdigest() == row.digest:
                bind.execute(sa.text(f"UPDATE {table} SET last4 = '' WHERE id = :id"), {"id": row.id})


def _clear_non_http_images(bind: sa.Connection) -> None:
    for column in ("favicon", "company_logo", "email_header_image"):
        rows = bind.execute(sa.text(f"SELECT id, {column} AS url FROM status_pages WHERE {column} IS NOT NULL")).all()
        for row in rows:
            if not _HTTP.match(row.url) or any(ch in row.url for ch in ' "<>`'):
                bind.execute(sa.text(f"UPDATE status_pages SET {column} = NULL WHERE id = :id"), {"id": row.id})


def upgrade() -> None:
    bind = op.get_bind()
    _renumber_colliding_cases(bind)
    _blank_whole_keys(bind)
    _clear_non_http_images(bind)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_cases_project_number", ["org_id", "project", "number"])


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint("uq_cases_project_number", type_="unique")
