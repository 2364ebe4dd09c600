from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from recess.core.db import Base, BigId, UTCDateTime


class Monitor(Base):
    __tablename__ = "monitors"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(64))
    query: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON)
    options: Mapped[dict[str, object]] = mapped_column(JSON)
    priority: Mapped[int | None] = mapped_column(SmallInteger)
    assets: Mapped[list[dict[str, str]]] = mapped_column(JSON, server_default=text("'[]'"))  # runbook links, as given (validated)
    draft_status: Mapped[str] = mapped_column(String(16), server_default="published")  # published | draft (a draft notifies no one)
    creator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created: Mapped[datetime] = mapped_column(UTCDateTime())
    modified: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted: Mapped[datetime | None] = mapped_column(UTCDateTime())
    overall_state: Mapped[str] = mapped_column(String(16))
    overall_state_modified: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MonitorGroup(Base):
    """One group of a monitor (`host:web-1`, or `*` when ungrouped): its tags and state."""

    __tablename__ = "monitor_groups"
    __table_args__ = (UniqueConstraint("monitor_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    monitor_id: Mapped[int] = mapped_column(ForeignKey("monitors.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    recent: Mapped[list[int]] = mapped_column(JSON)  # latest run statuses, oldest first
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    nodata_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)  # when No Data is due
    alerting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())  # left OK at; None when OK
    last_triggered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_nodata_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    modified: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(slots=True)
class GroupRow:
    """A MonitorGroup row as plain values, as intake reads, changes and writes back a batch of
    groups (monitors.store.feeding / save_groups): changing one costs an attribute store, not
    the ORM's change tracking. `id` is None until the row is written."""

    id: int | None
    org_id: int
    monitor_id: int
    name: str
    tags: list[str]
    status: str
    recent: list[int]
    last_run_at: datetime | None
    nodata_at: datetime | None
    alerting_since: datetime | None
    last_triggered_at: datetime | None
    last_resolved_at: datetime | None
    last_nodata_at: datetime | None
    modified: datetime


class GroupTransition(Base):
    """A group's state history: every change, with the tags the group had then."""

    __tablename__ = "monitor_group_transitions"
    __table_args__ = (Index("ix_transitions_monitor_at", "monitor_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    monitor_id: Mapped[int] = mapped_column(ForeignKey("monitors.id"))
    group_name: Mapped[str] = mapped_column(Text)
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    tags: Mapped[list[str]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    cause: Mapped[str] = mapped_column(String(16))  # check_run | no_data | report
    episode_start: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when the alert it changes began


class CheckRun(Base):
    __tablename__ = "check_runs"
    __table_args__ = (Index("ix_check_runs_org_check", "org_id", "check", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    check: Mapped[str] = mapped_column(String(200))
    host_name: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[int] = mapped_column(SmallInteger)
    tags: Mapped[list[str]] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(Text)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
