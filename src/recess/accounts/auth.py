"""DD-API-KEY / DD-APPLICATION-KEY -> Principal, as FastAPI dependencies."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from threading import Lock

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from recess.accounts import store
from recess.accounts.permissions import grants
from recess.accounts.store import Principal
from recess.core.db import Database
from recess.core.errors import forbidden
from recess.core.http import database

_CACHE_SECONDS = 5.0  # a key removed by hand stops working within this long
_cache: dict[tuple[str, str], tuple[float, Principal]] = {}
_cache_lock = Lock()
_log = logging.getLogger(__name__)


def _resolve(db: Database, api_key: str, app_key: str) -> Principal | None:
    """The caller of a key pair (revoked keys are refused), noting when the keys were last used."""
    with db.read() as session:
        org_id = store.org_of_api_key(session, api_key)
        if org_id is None:
            return None
        if not app_key:
            principal = Principal(org_id=org_id, user_id=None, user_uuid=None, permissions=frozenset())
        else:
            user = store.user_of_app_key(session, app_key)
            if user is None or user.org_id != org_id or user.disabled:
                return None
            principal = Principal(
                org_id=org_id, user_id=user.id, user_uuid=user.uuid, permissions=frozenset(user.permissions)
            )
        stale = store.last_used_is_stale(session, api_key, app_key)
    if stale:
        _record_use(db, api_key, app_key)
    return principal


def _record_use(db: Database, api_key: str, app_key: str) -> None:
    """Write last_used_at (at most once a minute per key) in a transaction of its own; never fails the request."""
    try:
        with db.session() as session:
            store.record_use(session, api_key, app_key)
    except Exception:  # a busy or read-only database must not turn a valid key into an error
        _log.debug("could not record when a key was last used", exc_info=True)


def principal_of(request: Request, db: Database) -> Principal | None:
    api_key = request.headers.get("dd-api-key", "")
    app_key = request.headers.get("dd-application-key", "")
    if not api_key:
        return None
    key = (store.digest(api_key), store.digest(app_key) if app_key else "")
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit and hit[0] > now:
        return hit[1]
    principal = _resolve(db, api_key, app_key)
    if principal is not None:
        with _cache_lock:
            if len(_cache) > 10_000:
                _cache.clear()
            _cache[key] = (now + _CACHE_SECONDS, principal)
    return principal


# Declared to OpenAPI only (the names Datadog's clients use); the keys are read by `principal_of`.
API_KEY = APIKeyHeader(name="DD-API-KEY", scheme_name="apiKeyAuth", auto_error=False)
APP_KEY = APIKeyHeader(name="DD-APPLICATION-KEY", scheme_name="appKeyAuth", auto_error=False)


def api_key_only(request: Request, db: Database = Depends(database), _api_key: str | None = Security(API_KEY)) -> Principal:
    principal = principal_of(request, db)
    if principal is None:
        raise forbidden()
    return principal


def require(permission: str) -> Callable[..., Principal]:
    """A dependency: both keys valid, and the user holds `permission`; otherwise 403."""

    def dependency(request: Request, db: Database = Depends(database), _api_key: str | None = Security(API_KEY),
                   _app_key: str | None = Security(APP_KEY)) -> Principal:
        principal = principal_of(request, db)
        if principal is None or principal.user_id is None:
            raise forbidden()
        if not grants(principal.permissions, permission):
            raise forbidden(f"Forbidden: this application key lacks the {permission} permission")
        return principal

    dependency.__name__ = f"require_{permission}"
    return dependency
