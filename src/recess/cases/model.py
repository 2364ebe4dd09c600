from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recess.core.db import Base, UTCDateTime


class Case(Base):
    __tablename__ = "cases"
    # One number per case of a project (SEC-1, SEC-2 …), whatever creates cases at once.
    __table_args__ = (UniqueConstraint("org_id", "project", "number", name="uq_cases_project_number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    project: Mapped[str] = mapped_column(String(64))  # the project key, such as SEC
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # OPEN | IN_PROGRESS | CLOSED
    attributes: Mapped[dict[str, list[str]]] = mapped_column(JSON)  # key -> values: the case's tags
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime())
