"""Creating orgs, users and keys, and resolving a presented key. SQL only, no HTTP."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from recess.accounts.model import ApiKey, AppKey, Org, User
from recess.accounts.permissions import ADMIN
from recess.core import clock

DEFAULT_ORG = "default"
ADMIN_EMAIL = "admin@recess.local"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_api_key() -> str:
    return secrets.token_hex(16)  # 32 hex characters, as Datadog's API keys


def new_app_key() -> str:
    return secrets.token_hex(20)  # 40 hex characters, as Datadog's application keys


def get_or_create_org(session: Session, name: str) -> Org:
    org = session.scalar(select(Org).where(Org.name == name))
    if org is None:
        org = Org(uuid=str(uuid.uuid4()), name=name, created_at=clock.now())
        session.add(org)
        session.flush()
    return org


def get_or_create_user(session: Session, org: Org, email: str, permissions: list[str], name: str | None = None) -> User:
    user = session.scalar(select(User).where(User.org_id == org.id, User.email == email))
    if user is None:
        now = clock.now()
        user = User(
            uuid=str(uuid.uuid4()), org_id=org.id, email=email, name=name, permissions=sorted(set(permissions)),
            disabled=False, service_account=False, created_at=now, modified_at=now,
        )
        session.add(user)
        session.flush()
    return user


def add_api_key(session: Session, org: Org, key: str, name: str = "recess") -> bool:
    """Store `key` for `org` unless it is already known; True when it was added."""
    if session.scalar(select(ApiKey.id).where(ApiKey.digest == digest(key))) is not None:
        return False
    session.add(ApiKey(org_id=org.id, name=name, digest=digest(key), last4=key[-4:], created_at=clock.now()))
    return True


def add_app_key(session: Session, user: User, key: str, name: str = "recess") -> bool:
    if session.scalar(select(AppKey.id).where(AppKey.digest == digest(key))) is not None:
        return False
    session.add(AppKey(user_id=user.id, name=name, digest=digest(key), last4=key[-4:], created_at=clock.now()))
    return True


def bootstrap_admin(session: Session, api_key: str | None, app_key: str | None) -> None:
    """Idempotently give the default org an admin key pair from RECESS_API_KEY / RECESS_APP_KEY."""
    if not api_key and not app_key:
        return
    org = get_or_create_org(session, DEFAULT_ORG)
    if api_key:
        add_api_key(session, org, api_key, name="RECESS_API_KEY")
    if app_key:
        admin = get_or_create_user(session, org, ADMIN_EMAIL, [ADMIN], name="Administrator")
        add_app_key(session, admin, app_key, name="RECESS_APP_KEY")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the org of the API key and, when an application key came too, its user."""

    org_id: int
    user_id: int | None
    user_uuid: str | None
    permissions: frozenset[str]


def org_of_api_key(session: Session, api_key: str) -> int | None:
    return session.scalar(select(ApiKey.org_id).where(ApiKey.digest == digest(api_key)))


def user_of_app_key(session: Session, app_key: str) -> User | None:
    return session.scalar(select(User).join(AppKey, AppKey.user_id == User.id).where(AppKey.digest == digest(app_key)))
