"""Case Management rows: projects, and the cases that belong to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recess.core.db import Base, UTCDateTime


class Project(Base):
    """A Case Management project: what `project:SEC` in a maintenance window's query names."""

    __tablename__ = "case_projects"
    __table_args__ = (UniqueConstraint("org_id", "key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))  # SEC: the prefix of its cases' keys (SEC-1)
    name: Mapped[str] = mapped_column(Text)
    enabled_custom_case_types: Mapped[list[str]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Case(Base):
    __tablename__ = "cases"
    # One number per case of a project (SEC-1, SEC-2 …), whatever creates cases at once.
    __table_args__ = (UniqueConstraint("org_id", "project", "number", name="uq_cases_project_number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    project: Mapped[str] = mapped_column(String(64))  # the project key, such as SEC
    # The project's id: a case is always created in an existing project (0010 gave the cases
    # made before projects existed one per key). It stays when the project is deleted.
    project_id: Mapped[str | None] = mapped_column(String(36), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # OPEN | IN_PROGRESS | CLOSED
    type_id: Mapped[str | None] = mapped_column(String(36))  # the case type the client named, echoed
    attributes: Mapped[dict[str, list[str]]] = mapped_column(JSON)  # key -> values: the case's tags
    assignee: Mapped[str | None] = mapped_column(String(36))  # a user UUID of the case's org
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime())
