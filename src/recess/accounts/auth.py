"""DD-API-KEY / DD-APPLICATION-KEY -> the caller, as FastAPI dependencies.

`require(permission)` answers a `Principal` (a user: both keys valid, the permission held);
`api_key_only` answers a `Caller` (the org of a valid API key) for the few routes Datadog opens
to an API key alone. Resolved keys are cached per app for a few seconds (`KeyCache`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from threading import Lock

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool

from recess.accounts import store
from recess.accounts.permissions import grants
from recess.accounts.store import Caller, Principal
from recess.core.application import Key, services
from recess.core.db import Database
from recess.core.errors import forbidden
from recess.core.http import database
from recess.core.worker import Worker

_log = logging.getLogger(__name__)
RENEW_AFTER = 0.05  # seconds from a request asking for a renewal to the renewal
RENEW_IDLE = 60.0  # the renewal loop's sleep while nothing is asked (a request wakes it)


def _resolve(db: Database, api_key: str, app_key: str) -> Caller | None:
    """The caller of a key pair (revoked keys are refused), noting when the keys were last used."""
    with db.read() as session:
        org_id = store.org_of_api_key(session, api_key)
        if org_id is None:
            return None
        if not app_key:
            caller = Caller(org_id=org_id)
        else:
            user = store.user_of_app_key(session, app_key)
            if user is None or user.org_id != org_id or user.disabled:
                return None
            caller = Caller(org_id, Principal(org_id=org_id, user_id=user.id, user_uuid=user.uuid,
                                              permissions=frozenset(user.permissions)))
        stale = store.last_used_is_stale(session, api_key, app_key)
    if stale:
        _record_use(db, api_key, app_key)
    return caller


def _record_use(db: Database, api_key: str, app_key: str) -> None:
    """Write last_used_at (at most once a minute per key) in a transaction of its own; never fails the request."""
    try:
        with db.session() as session:
            store.record_use(session, api_key, app_key)
    except Exception:  # a busy or read-only database must not turn a valid key into an error
        _log.debug("could not record when a key was last used", exc_info=True)


class KeyCache:
    """Resolved key pairs of one app, each trusted for `seconds` after it was resolved (a key
    removed by hand stops working within that long). Keyed by the keys' digests, never the keys.

    With `db` and once started, a pair in use is resolved again in the background during the
    last `renew_within` of its time, so a client that keeps calling never waits for the lookup
    (~3 ms, a read and a thread hop: the first read of a page after a pause paid it every few
    seconds). A pair that is no longer valid then is dropped at once. Renewals run in one loop
    of their own, a moment after a request asked for them: starting a thread from the request
    cost that request ~3 ms, and the lookup would share the interpreter with it."""

    def __init__(self, seconds: float = 5.0, size: int = 10_000, db: Database | None = None,
                 renew_within: float = 0.4) -> None:
        self.seconds = seconds
        self.size = size
        self.db = db
        self.renew_within = renew_within * seconds
        self._entries: dict[tuple[str, str], tuple[float, Caller]] = {}
        # Pairs to renew, with their keys (held only until renewed) and when they were asked for.
        self._pending: dict[tuple[str, str], tuple[str, str, float]] = {}
        self._lock = Lock()
        self._renewals = Worker("key-renewal", self._renew_pending, max_sleep=RENEW_IDLE)

    def start(self) -> None:
        if self.db is not None:
            self._renewals.start()

    def stop(self) -> None:
        self._renewals.stop(timeout=5)

    def cached(self, api_key: str, app_key: str) -> Caller | None:
        """The caller of a pair resolved in the last few seconds, else None (not known now)."""
        key = (store.digest(api_key), store.digest(app_key) if app_key else "")
        now = time.monotonic()
        with self._lock:
            hit = self._entries.get(key)
            if hit is None or hit[0] <= now:
                return None
            renew = hit[0] - now < self.renew_within and key not in self._pending and self._renewals.alive
            if renew:
                self._pending[key] = (api_key, app_key, now)
        if renew:
            self._renewals.wake()
        return hit[1]

    def caller(self, db: Database, api_key: str, app_key: str) -> Caller | None:
        hit = self.cached(api_key, app_key)
        if hit is not None:
            return hit
        key = (store.digest(api_key), store.digest(app_key) if app_key else "")
        now = time.monotonic()
        caller = _resolve(db, api_key, app_key)
        if caller is not None:
            self._keep(key, now, caller)
        return caller

    def _keep(self, key: tuple[str, str], resolved_at: float, caller: Caller | None) -> None:
        with self._lock:
            if caller is None:
                self._entries.pop(key, None)
                return
            if len(self._entries) > self.size:
                self._entries.clear()
            self._entries[key] = (resolved_at + self.seconds, caller)

    def _renew_pending(self) -> float:
        """Renew the pairs asked for at least RENEW_AFTER ago (the request that asked is done by
        then); answer how long until the next is due."""
        assert self.db is not None
        now = time.monotonic()
        with self._lock:
            due = [(key, keys) for key, keys in self._pending.items() if now - keys[2] >= RENEW_AFTER]
            later = [keys[2] + RENEW_AFTER - now for keys in self._pending.values() if now - keys[2] < RENEW_AFTER]
        for key, (api_key, app_key, _asked) in due:
            try:
                resolved_at = time.monotonic()
                self._keep(key, resolved_at, _resolve(self.db, api_key, app_key))
            except Exception:  # the next request past the expiry resolves it itself, and says why
                _log.debug("could not renew a key pair", exc_info=True)
            finally:
                with self._lock:
                    self._pending.pop(key, None)
        return min(later, default=RENEW_IDLE)


KEY_CACHE: Key[KeyCache] = Key("key_cache")


class CachedGate:
    """What a lane (core.lanes) asks: the user of a key pair in the cache, if it may do `permission`."""

    def __init__(self, cache: KeyCache) -> None:
        self.cache = cache

    def cached_principal(self, api_key: str, app_key: str, permission: str) -> Principal | None:
        caller = self.cache.cached(api_key, app_key)
        if caller is None or caller.user is None or not grants(caller.user.permissions, permission):
            return None
        return caller.user


def caller_of(request: Request, db: Database) -> Caller | None:
    api_key = request.headers.get("dd-api-key", "")
    app_key = request.headers.get("dd-application-key", "")
    if not api_key:
        return None
    return services(request).get(KEY_CACHE).caller(db, api_key, app_key)


async def _caller(request: Request, db: Database) -> Caller | None:
    """`caller_of` for the dependencies: a cached pair without leaving the event loop; a lookup
    (which reads, and may note when a key was used) in a worker thread, never blocking the loop."""
    api_key = request.headers.get("dd-api-key", "")
    app_key = request.headers.get("dd-application-key", "")
    if not api_key:
        return None
    cache = services(request).get(KEY_CACHE)
    return cache.cached(api_key, app_key) or await run_in_threadpool(cache.caller, db, api_key, app_key)


# Declared to OpenAPI only (the names Datadog's clients use); the keys are read by `caller_of`.
API_KEY = APIKeyHeader(name="DD-API-KEY", scheme_name="apiKeyAuth", auto_error=False)
APP_KEY = APIKeyHeader(name="DD-APPLICATION-KEY", scheme_name="appKeyAuth", auto_error=False)


async def api_key_only(request: Request, db: Database = Depends(database), _api_key: str | None = Security(API_KEY)) -> Caller:
    caller = await _caller(request, db)
    if caller is None:
        raise forbidden()
    return caller


def require(permission: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency: both keys valid, and the user holds `permission`; otherwise 403."""

    async def dependency(request: Request, db: Database = Depends(database), _api_key: str | None = Security(API_KEY),
                   _app_key: str | None = Security(APP_KEY)) -> Principal:
        caller = await _caller(request, db)
        if caller is None or caller.user is None:
            raise forbidden()
        if not grants(caller.user.permissions, permission):
            raise forbidden(f"Forbidden: this application key lacks the {permission} permission")
        return caller.user

    dependency.__name__ = f"require_{permission}"
    return dependency
