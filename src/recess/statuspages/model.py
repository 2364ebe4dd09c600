"""Status page tables: pages, components, degradations, maintenances, their updates, templates,
subscribers (email, Slack, webhook)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recess.core.db import Base, UTCDateTime

Uuid = String(36)


class _Audited:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(Uuid)  # user uuids, as the API relates them
    modified_by: Mapped[str] = mapped_column(Uuid)


class StatusPage(_Audited, Base):
    __tablename__ = "status_pages"

    id: Mapped[str] = mapped_column(Uuid, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    domain_prefix: Mapped[str] = mapped_column(String(200), unique=True)  # unique across the installation
    type: Mapped[str] = mapped_column(String(16))
    visualization_type: Mapped[str] = mapped_column(String(40))
    enabled: Mapped[bool] = mapped_column(Boolean)  # published
    company_logo: Mapped[str | None] = mapped_column(Text)
    favicon: Mapped[str | None] = mapped_column(Text)
    email_header_image: Mapped[str | None] = mapped_column(Text)
    subscriptions_enabled: Mapped[bool] = mapped_column(Boolean)  # email and webhook subscribers
    slack_subscriptions_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    custom_domain: Mapped[str | None] = mapped_column(Text)


class Component(_Audited, Base):
    """A component or a group of components (`parent_id` points at the group)."""

    __tablename__ = "status_page_components"

    id: Mapped[str] = mapped_column(Uuid, primary_key=True)
    page_id: Mapped[str] = mapped_column(ForeignKey("status_pages.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[str | None] = mapped_column(Uuid, index=True)
    type: Mapped[str] = mapped_column(String(16))  # component | group
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)


class Degradation(_Audited, Base):
    __tablename__ = "degradations"
    __table_args__ = (Index("ix_degradations_org_created", "org_id", "created_at"),)

    id: Mapped[str] = mapped_column(Uuid, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    page_id: Mapped[str] = mapped_column(ForeignKey("status_pages.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    is_backfilled: Mapped[bool] = mapped_column(Boolean)


class Maintenance(_Audited, Base):
    __tablename__ = "maintenances"
    __table_args__ = (Index("ix_maintenances_due", "status", "start_date", "completed_date"),)

    id: Mapped[str] = mapped_column(Uuid, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    page_id: Mapped[str] = mapped_column(ForeignKey("status_pages.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # scheduled | in_progress | completed | canceled
    scheduled_description: Mapped[str] = mapped_column(Text)
    in_progress_description: Mapped[str] = mapped_column(Text)
    completed_description: Mapped[str] = mapped_column(Text)
    canceled_description: Mapped[str | None] = mapped_column(Text)
    components_affected: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # [{id, status}] as planned
    start_date: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_date: Mapped[datetime] = mapped_column(UTCDateTime())
    published_date: Mapped[datetime] = mapped_column(UTCDateTime())
    is_backfilled: Mapped[bool] = mapped_column(Boolean)
    # Created with notify_subscribers: the scheduler's start and completion are announced too.
    notify_subscribers: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Update(Base):
    """One entry of a degradation's or a maintenance's timeline."""

    __tablename__ = "status_updates"
    __table_args__ = (Index("ix_status_updates_parent", "parent_id", "started_at"),)

    id: Mapped[str] = mapped_column(Uuid, primary_key=True)
    parent_id: Mapped[str] = mapped_column(Uuid)  # a degradation or a maintenance
    kind: Mapped[str] = mapped_column(String(16))  # degradation | maintenance
    status: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    components_affected: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # [{id, name, status}]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(Uuid)
    modified_by: Mapped[str] = mapped_column(Uuid)
    manual_transition: Mapped[bool] = mapped_column(Boolean)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by: Mapped[str | None] = mapped_column(Uuid)
    seq: Mapped[int] = mapped_column(Integer)  # order within the timeline


class Template(_Audited, Base):
    __tablename__ = "status_page_templates"

    id: Mapped[str] = mapped_column(Uuid, primary_key=True)
    page_id: Mapped[str] = mapped_column(ForeignKey("status_pages.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # degradation | maintenance
    attributes: Mapped[dict[str, object]] = mapped_column(JSON)


class Subscriber(Base):
    """Someone subscribed to a page, to all of it (`components` None) or to the components
    listed, by `channel`: `email` (`address` is an email address; unconfirmed until the link in
    the confirmation mail is opened), `slack` (a Slack incoming-webhook URL) or `webhook` (a URL
    that gets Statuspage's webhook JSON); the last two are confirmed when made. Every unsubscribe
    link (and the confirmation link) carries the random token. URLs are secrets, as addresses
    are: only ever written into what is sent to them."""

    __tablename__ = "status_page_subscribers"
    __table_args__ = (UniqueConstraint("page_id", "channel", "address", name="uq_status_page_subscribers_address"),)

    id: Mapped[str] = mapped_column(Uuid, primary_key=True)
    page_id: Mapped[str] = mapped_column(ForeignKey("status_pages.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    channel: Mapped[str] = mapped_column(String(12), default="email", server_default="email")  # email | slack | webhook
    address: Mapped[str] = mapped_column(String(2048))  # the email address, or the URL posted to
    components: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmation_sent_at: Mapped[datetime] = mapped_column(UTCDateTime())  # email: at most one a RESEND_AFTER
