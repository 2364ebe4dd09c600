"""Rate limits as Datadog applies them: per org, per named limit, in calendar-aligned windows.

Why: one runaway script (a loop creating downtimes, a check-run flood, a scraper of a public
status page) must not take the service from everyone else. Each request counts against one named
limit (`classify`: reads, writes, check_run, public_status) for one subject: the org of its key
pair, else the client's address (public status pages always by address). Every limited answer
carries Datadog's X-RateLimit-* headers; one over the limit is a 429 in its path's error shape,
and the official clients wait X-RateLimit-Reset seconds and retry.

Windows are fixed and aligned to the epoch (a 60 s limit resets on the minute), so processes
agree on them without talking. On PostgreSQL a window is one row per (subject, name, window),
raised by one INSERT ... ON CONFLICT DO UPDATE ... RETURNING, so every process sharing the
database enforces one limit; on SQLite (one process) a dict counts. Windows that are over are
pruned about once a minute. A failure to count lets the request through: limits protect the
service, they must never be why it refuses work.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

from prometheus_client import Counter
from sqlalchemy import BigInteger, Column, Integer, String, Table, create_engine, text
from starlette.concurrency import run_in_threadpool

from recess.core.application import Key, Services
from recess.core.db import Base, Database
from recess.core.errors import ErrorShapes

log = logging.getLogger(__name__)

NAMES = ("reads", "writes", "check_run", "public_status")
# Far above what a person or a well-behaved script sends (and above the benchmarks' bursts).
# Per org a minute: far above what one client sends, so they guard against a runaway script
# without capping a benchmark (reads reach ~1,000/s on one core).
DEFAULTS = "reads=600000/60,writes=300000/60,check_run=600000/60,public_status=3000/60"
_EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"})
_EXEMPT_PREFIXES = ("/docs/", "/api/v1/_recess/")  # Swagger UI's assets; test-only endpoints
_SPEC = re.compile(r"(\d+)\s*/\s*(\d+)", re.ASCII)
_PRUNE_EVERY = 60.0  # seconds between deletions of windows that are over, per process


@dataclass(frozen=True)
class Limit:
    count: int  # requests allowed in one window
    period: int  # the window's length in seconds


def parse_limits(value: str) -> dict[str, Limit]:
    """RECESS_RATE_LIMITS: `NAME=COUNT/SECONDS` or `NAME=off`, comma-separated, applied over the
    defaults; `off` alone turns every limit off. A bad item is a ValueError naming it."""
    if value.strip().lower() == "off":
        return {}
    limits: dict[str, Limit] = {}
    for item in filter(None, (part.strip() for part in f"{DEFAULTS},{value}".split(","))):
        name, _, spec = (part.strip() for part in item.partition("="))
        if name not in NAMES:
            raise ValueError(f"unknown rate limit {name!r} in {item!r}: the names are {', '.join(NAMES)}")
        if spec.lower() == "off":
            limits.pop(name, None)
            continue
        match = _SPEC.fullmatch(spec)
        if match is None or int(match[1]) < 1 or int(match[2]) < 1:
            raise ValueError(f"{item!r}: expected {name}=COUNT/SECONDS (both at least 1) or {name}=off")
        limits[name] = Limit(int(match[1]), int(match[2]))
    return limits


def classify(method: str, path: str) -> str | None:
    """The limit a request counts against; None for probes, metrics and docs (never limited)."""
    if path in _EXEMPT_PATHS or path.startswith(_EXEMPT_PREFIXES):
        return None
    if path.startswith("/status/"):
        return "public_status"
    if method == "POST" and path.rstrip("/") == "/api/v1/check_run":
        return "check_run"
    return "reads" if method in ("GET", "HEAD", "OPTIONS") else "writes"


def window_end(now: float, period: int) -> int:
    """The end, in epoch seconds, of the calendar-aligned window that holds `now`."""
    return (math.floor(now / period) + 1) * period


def headers(name: str, limit: Limit, hits: int, now: float, end: int) -> list[tuple[bytes, bytes]]:
    """Datadog's X-RateLimit-* headers after the `hits`-th request of the window ending at `end`.
    Reset is whole seconds rounded up (at least 1): a client that waits it is in the next window."""
    values = (limit.count, limit.period, max(0, limit.count - hits), max(1, math.ceil(end - now)), name)
    return [(header, str(value).encode()) for header, value in zip(_HEADERS, values)]


# Named as Datadog documents them; the HTTP server sends them in lower case, as Datadog does.
_HEADERS = tuple(f"X-RateLimit-{name}".encode() for name in ("Limit", "Period", "Remaining", "Reset", "Name"))


counters = Table(
    "rate_limit_counters", Base.metadata,
    Column("subject", String(64), primary_key=True),  # org:<id> or ip:<address>
    Column("name", String(32), primary_key=True),
    Column("window_end", BigInteger(), primary_key=True),  # epoch seconds
    Column("hits", Integer(), nullable=False),
)
_UPSERT = text(
    "INSERT INTO rate_limit_counters (subject, name, window_end, hits) VALUES (:subject, :name, :end, 1) "
    "ON CONFLICT (subject, name, window_end) DO UPDATE SET hits = rate_limit_counters.hits + 1 RETURNING hits")
_PRUNE = text("DELETE FROM rate_limit_counters WHERE window_end <= :now")


class MemoryCounts:
    """One process's counts: a SQLite database is served by one process."""

    def __init__(self) -> None:
        self._hits: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()
        self._next_prune = 0.0

    def hit(self, subject: str, name: str, end: int, now: float) -> int:
        with self._lock:
            if now >= self._next_prune:
                self._next_prune = now + _PRUNE_EVERY
                self._hits = {key: n for key, n in self._hits.items() if key[2] > now}
            hits = self._hits[subject, name, end] = self._hits.get((subject, name, end), 0) + 1
        return hits


class SharedCounts:
    """Counts every process on the PostgreSQL database shares: one statement per request.

    On two connections of its own, in autocommit and without the app pool's ping before each
    use: ~0.2 ms a count rather than ~0.5 ms (a lost connection fails one count, which lets its
    request through, and is replaced)."""

    def __init__(self, db: Database) -> None:
        self._engine = create_engine(db.url, pool_size=2, max_overflow=0, pool_timeout=2, isolation_level="AUTOCOMMIT",
                                     connect_args={"connect_timeout": 5})
        self._next_prune = 0.0

    def hit(self, subject: str, name: str, end: int, now: float) -> int:
        with self._engine.connect() as connection:
            hits = int(connection.execute(_UPSERT, {"subject": subject, "name": name, "end": end}).scalar_one())
            if now >= self._next_prune:
                self._next_prune = now + _PRUNE_EVERY
                connection.execute(_PRUNE, {"now": int(now)})
        return hits


class _Caller(Protocol):
    @property
    def org_id(self) -> int: ...


class _Keys(Protocol):
    def caller(self, db: Database, api_key: str, app_key: str) -> _Caller | None: ...

    def cached(self, api_key: str, app_key: str) -> _Caller | None: ...


# The accounts feature provides its key cache under this name (accounts.auth.KEY_CACHE; core may
# not import a feature). Asking it for the request's key pair is what its auth check does next,
# so a valid pair costs no extra lookup.
KEY_CACHE: Key[_Keys] = Key("key_cache")


@dataclass(frozen=True)
class Charge:
    """A request counted against a limit: the headers its answer carries, and whether it is over."""

    name: str
    headers: list[tuple[bytes, bytes]]
    refused: bool


CHARGED = "recess.rate_limit"  # scope key: the request was counted already (by a lane), and how


class RateLimiter:
    """Counts requests against their limits: for the middleware below, and for lanes
    (core.lanes), which answer before it."""

    def __init__(self, services: Services, shapes: ErrorShapes) -> None:
        self.services = services
        self.shapes = shapes
        self.limits = parse_limits(services.settings.rate_limits)
        self.refused = Counter("recess_rate_limited", "Requests refused with 429, by rate limit name.", ["name"],
                               registry=services.metrics.registry)
        for name in self.limits:
            self.refused.labels(name)
        self._counts: MemoryCounts | SharedCounts | None = None

    async def charge(self, scope: dict[str, Any], subject: str | None = None) -> Charge | None:
        """Count the request; None when no limit applies or it could not be counted (it goes through).
        `subject`: who it counts for, when the caller knows already (`org:<id>`)."""
        name = classify(scope["method"], scope["path"])
        limit = self.limits.get(name) if name else None
        if name is None or limit is None:
            return None
        if self._counts is None:  # on the event loop, so made once; the database exists by now
            self._counts = SharedCounts(self.services.db) if self.services.db.is_postgres else MemoryCounts()
        now = time.time()
        end = window_end(now, limit.period)
        # In memory, with the caller's key pair already resolved: counted on the loop, no thread hop.
        if name == "public_status":
            subject = None  # by address, always
        elif subject is None and isinstance(self._counts, MemoryCounts):
            subject = self._subject(scope, name, cached_only=True)
        if subject is not None and isinstance(self._counts, MemoryCounts):
            hits: int | None = self._counts.hit(subject, name, end, now)
        else:
            hits = await run_in_threadpool(self._hit, self._counts, scope, name, end, now, subject)
        if hits is None:
            return None
        refused = hits > limit.count
        if refused:
            self.refused.labels(name).inc()
        return Charge(name, headers(name, limit, hits, now, end), refused)

    def _hit(self, counts: MemoryCounts | SharedCounts, scope: dict[str, Any], name: str, end: int, now: float,
             subject: str | None = None) -> int | None:
        try:
            return counts.hit(subject or self._subject(scope, name) or "ip:-", name, end, now)
        except Exception:  # a busy or unreachable database: the route itself will say so
            log.debug("could not count a request against rate limit %s", name, exc_info=True)
            return None

    def _subject(self, scope: dict[str, Any], name: str, cached_only: bool = False) -> str | None:
        """`org:<id>` for a valid key pair, else `ip:<client address>`; with `cached_only`, None
        when telling would take a key lookup."""
        if name != "public_status":
            request_headers = dict(scope["headers"])
            api_key = request_headers.get(b"dd-api-key", b"").decode("latin-1")
            if api_key:
                try:
                    keys = self.services.get(KEY_CACHE)
                except RuntimeError:  # an app without accounts
                    keys = None
                app_key = request_headers.get(b"dd-application-key", b"").decode("latin-1")
                if cached_only:
                    caller = keys.cached(api_key, app_key) if keys else None
                    if caller is None and keys is not None:
                        return None
                else:
                    caller = keys.caller(self.services.db, api_key, app_key) if keys else None
                if caller is not None:
                    return f"org:{caller.org_id}"
        client = scope.get("client")
        return f"ip:{client[0] if client else '-'}"


class RateLimits:
    """ASGI middleware: count each limited request, refuse it over the limit, add the headers."""

    def __init__(self, app: Any, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        charge = scope[CHARGED] if CHARGED in scope else await self.limiter.charge(scope)
        if charge is None:
            await self.app(scope, receive, send)
            return
        if charge.refused:
            response = self.limiter.shapes.response(scope["path"], 429, ["Too many requests"])
            response.raw_headers.extend(charge.headers)
            await response(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *charge.headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)
