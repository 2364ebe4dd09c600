"""Creating orgs, users and keys, and resolving a presented key. SQL only, no HTTP."""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select, update
from sqlalchemy.orm import Session

from recess.accounts.model import ApiKey, AppKey, Org, User
from recess.accounts.permissions import ADMIN
from recess.core import clock
from recess.core.driver import DriverStatement

log = logging.getLogger(__name__)

DEFAULT_ORG = "default"
ADMIN_EMAIL = "admin@recess.local"
API_KEY_VAR, APP_KEY_VAR = "RECESS_API_KEY", "RECESS_APP_KEY"  # also the names of the keys they create
LAST_USED_PRECISION = timedelta(seconds=60)  # last_used_at is rewritten at most this often
# The shortest key accepted (`keys create --api-key/--app-key`, RECESS_API_KEY/RECESS_APP_KEY):
# a short key is guessed, and its last 4 characters, which are shown, would be most of it.
MIN_KEY_LENGTH = 16


def key_too_short(key: str) -> str | None:
    """Why `key` is refused as a key value (never quoting it), or None when it will do."""
    if len(key) < MIN_KEY_LENGTH:
        return f"a key must be at least {MIN_KEY_LENGTH} characters long (this one has {len(key)})"
    return None


def last4(key: str) -> str:
    """The last 4 characters of `key`, which `keys list` shows: never the whole of a key."""
    return key[-4:] if len(key) >= MIN_KEY_LENGTH else ""


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


def find_user(session: Session, org: Org, email: str) -> User | None:
    return session.scalar(select(User).where(User.org_id == org.id, User.email == email))


def set_permissions(session: Session, user: User, permissions: list[str]) -> list[str]:
    """Give `user` exactly `permissions`; returns the ones it held before."""
    before = list(user.permissions)
    wanted = sorted(set(permissions))
    if sorted(set(before)) != wanted:
        user.permissions = wanted
        user.modified_at = clock.now()
    return before


def _refuse_short(key: str) -> None:
    problem = key_too_short(key)
    if problem:
        raise ValueError(problem)


def add_api_key(session: Session, org: Org, key: str, name: str = "recess") -> bool:
    """Store `key` for `org` unless it is already known; True when it was added."""
    _refuse_short(key)
    if session.scalar(select(ApiKey.id).where(ApiKey.digest == digest(key))) is not None:
        return False
    session.add(ApiKey(org_id=org.id, name=name, digest=digest(key), last4=last4(key), created_at=clock.now()))
    return True


def add_app_key(session: Session, user: User, key: str, name: str = "recess") -> bool:
    _refuse_short(key)
    if session.scalar(select(AppKey.id).where(AppKey.digest == digest(key))) is not None:
        return False
    session.add(AppKey(user_id=user.id, name=name, digest=digest(key), last4=last4(key), created_at=clock.now()))
    return True


def bootstrap_admin(session: Session, api_key: str | None, app_key: str | None) -> None:
    """Give the default org an admin key pair from RECESS_API_KEY / RECESS_APP_KEY.

    Starting again with the same values changes nothing. A new value rotates: the keys that
    earlier values of that variable created (named after it, in the default org) are revoked. A
    value equal to one of those revoked keys reactivates it, so that a rotation can be rolled
    back. An unset variable leaves the keys it once created alone.
    """
    if not api_key and not app_key:
        return
    org = get_or_create_org(session, DEFAULT_ORG)
    if api_key:
        earlier = session.scalars(select(ApiKey).where(ApiKey.org_id == org.id, ApiKey.name == API_KEY_VAR)).all()
        if not _rotate(earlier, api_key) and not add_api_key(session, org, api_key, name=API_KEY_VAR):
            log.warning("%s is a key created otherwise (recess keys create); it is left as it is", API_KEY_VAR)
    if app_key:
        admin = get_or_create_user(session, org, ADMIN_EMAIL, [ADMIN], name="Administrator")
        earlier_app = session.scalars(
            select(AppKey).join(User, User.id == AppKey.user_id).where(User.org_id == org.id, AppKey.name == APP_KEY_VAR)
        ).all()
        if not _rotate(earlier_app, app_key) and not add_app_key(session, admin, app_key, name=APP_KEY_VAR):
            log.warning("%s is a key created otherwise (recess keys create); it is left as it is", APP_KEY_VAR)


def _rotate(earlier: Sequence[ApiKey | AppKey], key: str) -> bool:
    """Revoke the `earlier` keys other than `key`, and reactivate `key` among them; True when it is one."""
    wanted, now, found = digest(key), clock.now(), False
    for row in earlier:
        if row.digest == wanted:
            found = True
            if row.revoked_at is not None:
                log.warning("reactivating the revoked key ...%s: it is the value of %s again", row.last4, row.name)
                row.revoked_at = None
        elif row.revoked_at is None:
            log.warning("revoking the key ...%s: %s has a new value", row.last4, row.name)
            row.revoked_at = now
    return found


@dataclass(frozen=True)
class Principal:
    """A user calling with both keys: the org, the user, and what the user may do."""

    org_id: int
    user_id: int
    user_uuid: str
    permissions: frozenset[str]


@dataclass(frozen=True)
class Caller:
    """Whoever holds a valid API key: its org and, when a valid application key came too, its user."""

    org_id: int
    user: Principal | None = None


def org_of_api_key(session: Session, api_key: str) -> int | None:
    """The org of an active (not revoked) API key."""
    return session.scalar(
        select(ApiKey.org_id).where(ApiKey.digest == digest(api_key), ApiKey.revoked_at.is_(None))
    )


def user_of_app_key(session: Session, app_key: str) -> User | None:
    """The user of an active (not revoked) application key."""
    return session.scalar(
        select(User)
        .join(AppKey, AppKey.user_id == User.id)
        .where(AppKey.digest == digest(app_key), AppKey.revoked_at.is_(None))
    )


def active_app_key(session: Session, *, key: str | None = None, key_id: int | None = None) -> tuple[AppKey, User] | None:
    """An active (not revoked) application key, by its value or its row id, with its user (who
    may be disabled: the caller decides). For sessions that must not keep the key itself."""
    where = AppKey.digest == digest(key) if key is not None else AppKey.id == key_id
    row = session.execute(
        select(AppKey, User).join(User, AppKey.user_id == User.id).where(where, AppKey.revoked_at.is_(None))
    ).first()
    return (row[0], row[1]) if row is not None else None


def _stale(model: type[ApiKey] | type[AppKey], key: str, now: datetime) -> list[object]:
    cutoff = now - LAST_USED_PRECISION
    return [model.digest == digest(key), or_(model.last_used_at.is_(None), model.last_used_at < cutoff)]


def last_used_is_stale(session: Session, api_key: str, app_key: str) -> bool:
    """Whether recording a use of these keys now would change a last_used_at (unset or a minute old)."""
    now = clock.now()
    if session.scalar(select(ApiKey.id).where(*_stale(ApiKey, api_key, now))) is not None:
        return True
    return bool(app_key) and session.scalar(select(AppKey.id).where(*_stale(AppKey, app_key, now))) is not None


def record_use(session: Session, api_key: str, app_key: str) -> None:
    """Set last_used_at to now on these keys where it is unset or at least a minute old."""
    now = clock.now()
    session.execute(update(ApiKey).where(*_stale(ApiKey, api_key, now)).values(last_used_at=now))
    if app_key:
        session.execute(update(AppKey).where(*_stale(AppKey, app_key, now)).values(last_used_at=now))


@dataclass(frozen=True)
class KeyInfo:
    """One API or application key as operators see it: never more of the key than its last 4."""

    kind: str  # "api" or "app"
    id: int
    org: str
    email: str | None  # the user of an application key
    name: str
    last4: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _api_key_infos(session: Session, *where: object) -> list[KeyInfo]:
    rows = session.execute(select(ApiKey, Org.name).join(Org, Org.id == ApiKey.org_id).where(*where)).all()
    return [
        KeyInfo("api", k.id, org, None, k.name, k.last4, k.created_at, k.last_used_at, k.revoked_at) for k, org in rows
    ]


def _app_key_infos(session: Session, *where: object) -> list[KeyInfo]:
    rows = session.execute(
        select(AppKey, User.email, Org.name)
        .join(User, User.id == AppKey.user_id)
        .join(Org, Org.id == User.org_id)
        .where(*where)
    ).all()
    return [
        KeyInfo("app", k.id, org, email, k.name, k.last4, k.created_at, k.last_used_at, k.revoked_at)
        for k, email, org in rows
    ]


def _ordered(keys: list[KeyInfo]) -> list[KeyInfo]:
    return sorted(keys, key=lambda k: (k.kind, k.org, k.created_at, k.id))


def list_keys(session: Session) -> list[KeyInfo]:
    return _ordered(_api_key_infos(session) + _app_key_infos(session))


def keys_with_value(session: Session, key: str) -> list[KeyInfo]:
    """The key (API or application) whose whole value is `key`: none or one of each kind."""
    return _ordered(_api_key_infos(session, ApiKey.digest == digest(key)) + _app_key_infos(session, AppKey.digest == digest(key)))


def keys_ending_in(session: Session, last4: str) -> list[KeyInfo]:
    return _ordered(_api_key_infos(session, ApiKey.last4 == last4) + _app_key_infos(session, AppKey.last4 == last4))


def revoke(session: Session, key: KeyInfo) -> bool:
    """Revoke one key; False when it was revoked already."""
    model = ApiKey if key.kind == "api" else AppKey
    done = session.execute(
        update(model).where(model.id == key.id, model.revoked_at.is_(None)).values(revoked_at=clock.now())
    )
    return bool(done.rowcount)


def users_by_id(session: Session, ids: Iterable[int]) -> dict[int, User]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}


_USER_ROW = DriverStatement(select(User.__table__).where(User.__table__.c.id == bindparam("user_id")))


def user_row(connection: Connection, user_id: int) -> Any:
    """A user's columns as a plain object, on a Core connection (for writes made without a
    session: the hot create, see core.driver)."""
    [row] = _USER_ROW.objects(connection, {"user_id": user_id})
    return row


def users_by_uuid(session: Session, org_id: int, uuids: Iterable[str]) -> dict[str, User]:
    """The org's users among `uuids` (lower-case UUIDs), by UUID; another org's users are absent."""
    wanted = {u.lower() for u in uuids}
    if not wanted:
        return {}
    return {u.uuid: u for u in session.scalars(select(User).where(User.org_id == org_id, User.uuid.in_(wanted)))}
