from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recess.core.db import Base, BigId, UTCDateTime


class Webhook(Base):
    """A destination from Datadog's Webhooks integration, mentioned as @webhook-NAME."""

    __tablename__ = "webhooks"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(Text)
    payload: Mapped[str | None] = mapped_column(Text)
    custom_headers: Mapped[str | None] = mapped_column(Text)
    encode_as: Mapped[str] = mapped_column(String(8))


class Notification(Base):
    """One alert event of a monitor group, muted or not. Served as an event by the Events API."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_org_at", "org_id", "at"), Index("ix_notifications_monitor", "monitor_id", "id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    monitor_id: Mapped[int] = mapped_column(ForeignKey("monitors.id"))
    group_name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # transition | downtime_end
    transition: Mapped[str] = mapped_column(String(16))  # Triggered | Recovered | Warn | No Data
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    muted: Mapped[bool] = mapped_column(Boolean)
    muted_by: Mapped[list[str]] = mapped_column(JSON)  # downtime ids (v2)
    downtime: Mapped[str | None] = mapped_column(String(36))  # the downtime whose end caused it
    reason: Mapped[str | None] = mapped_column(Text)


class Delivery(Base):
    """The outbox: one notification to one webhook (channel "webhook"), one email (channel
    "email": `url` is mailto:ADDRESS, `body` the whole message, no notification), or one JSON post
    to a status page subscriber's URL (channels "slack" and "statuspage", see posts.py; no
    notification), delivered with retries. `webhook` is the webhook's name, or for the others a
    label for logs (`status page {prefix}`)."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"), index=True)
    channel: Mapped[str] = mapped_column(String(12), default="webhook", server_default="webhook")
    webhook: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    body: Mapped[str] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(12))  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column(SmallInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
