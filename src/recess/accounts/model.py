from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from recess.core.db import Base, BigId, UTCDateTime


class Org(Base):
    __tablename__ = "orgs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    # Permission names as Datadog spells them; "*" grants every permission (admin).
    permissions: Mapped[list[str]] = mapped_column(JSON)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    service_account: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiKey(Base):
    """Belongs to an org. Only a SHA-256 digest is kept: keys are long random strings."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    last4: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Refreshed when a request resolves the key, at most once a minute (see accounts.auth).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # A revoked key is refused; the row stays for `recess keys list` and for reactivation.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AppKey(Base):
    """Belongs to a user and carries that user's permissions."""

    __tablename__ = "app_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    last4: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Refreshed when a request resolves the key, at most once a minute (see accounts.auth).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # A revoked key is refused; the row stays for `recess keys list` and for reactivation.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
