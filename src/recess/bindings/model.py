"""Binding tables: a component's monitors, a maintenance's downtimes, and automation state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recess.core.db import Base, BigId, UTCDateTime

Uuid = String(36)


class MonitorBinding(Base):
    """A status page component (or group) bound to monitors: a downtime's monitor identifier and
    scope. One per component; it goes when its component does."""

    __tablename__ = "monitor_bindings"

    component_id: Mapped[str] = mapped_column(ForeignKey("status_page_components.id", ondelete="CASCADE"), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    page_id: Mapped[str] = mapped_column(ForeignKey("status_pages.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(Text)
    monitor_id: Mapped[int | None] = mapped_column(BigInteger)
    monitor_tags: Mapped[list[str] | None] = mapped_column(JSON)
    # None: off; else {"alert", "warn", "no_data": component status or None, "delay_minutes": int}
    auto_degradation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    automated: Mapped[bool] = mapped_column(Boolean, index=True)  # auto_degradation is set (what the job reads)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(Uuid)  # user uuids, as status pages relate them
    modified_by: Mapped[str] = mapped_column(Uuid)


class MaintenanceDowntime(Base):
    """A downtime a maintenance made for one bound component. Kept when the binding goes (the
    downtime stays the maintenance's), gone with the maintenance (the downtime stays)."""

    __tablename__ = "maintenance_downtimes"
    __table_args__ = (UniqueConstraint("maintenance_id", "component_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    maintenance_id: Mapped[str] = mapped_column(ForeignKey("maintenances.id", ondelete="CASCADE"), index=True)
    component_id: Mapped[str] = mapped_column(Uuid)  # the bound component, binding or not
    downtime_id: Mapped[int] = mapped_column(ForeignKey("downtimes.id"), index=True)
    canceled_by_maintenance: Mapped[bool] = mapped_column(Boolean)  # else a cancel was someone's, by hand
    noted: Mapped[bool] = mapped_column(Boolean)  # a hand cancel was told on the maintenance's timeline


class AutomaticDegradation(Base):
    """The degradation automation opened for a binding, until every bound group recovers.
    `manual`: a person changed it, so automation leaves it alone."""

    __tablename__ = "automatic_degradations"

    component_id: Mapped[str] = mapped_column(ForeignKey("monitor_bindings.component_id", ondelete="CASCADE"), primary_key=True)
    degradation_id: Mapped[str] = mapped_column(Uuid, index=True)
    manual: Mapped[bool] = mapped_column(Boolean)
    # What automation last wrote: the degradation's modified_at and number of updates then (a
    # difference is a person's change), and the groups it described.
    seen_modified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seen_updates: Mapped[int] = mapped_column(Integer)
    written: Mapped[list[Any]] = mapped_column(JSON)


class BoundGroup(Base):
    """A bad monitor group of an automated binding: since when it is bad and unmuted, when it is
    due to join, and whether it has joined the automatic degradation."""

    __tablename__ = "binding_groups"
    __table_args__ = (UniqueConstraint("component_id", "monitor_id", "group_name"), Index("ix_binding_groups_due", "joined", "due_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    component_id: Mapped[str] = mapped_column(ForeignKey("monitor_bindings.component_id", ondelete="CASCADE"), index=True)
    monitor_id: Mapped[int] = mapped_column(BigInteger)
    group_name: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))  # Alert | Warn | No Data
    status: Mapped[str] = mapped_column(String(16))  # the component status that state maps to
    muted_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    since: Mapped[datetime] = mapped_column(UTCDateTime())  # bad and unmuted since
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())  # since + delay
    joined: Mapped[bool] = mapped_column(Boolean)
