"""Lanes: the few requests people repeat most, answered without FastAPI's per-request work.

Why: for a GET of one downtime, resolving the route's dependencies, validating its parameters
and building Request and Response objects cost more than the lookup itself; FastAPI alone caps
one process at ~5,000 answers a second on this kind of machine. A lane answers a request of its
route only when the request is plain: no query parameter but those the lane reads (each given
once), a key pair already in the key cache that holds the lane's permission, and an answer the
lane can give. Anything else (a bad id, a 404, an unknown key, `?include=`) goes on to the app
unchanged, so a lane refuses nothing itself: every refusal is the route's. The lane's body is
built by the route's own functions.

A lane is bound to a route of the app (by method and path template): it matches with that
route's own pattern, and only where the full route walk would pick that route too. Lanes sit in
front of FastAPI itself (core.application.App), so a laned request passes no middleware; they
apply the same request guards, rate limit and observation (metrics, access log, version
header) through the objects those middlewares use, a request handed on is not checked or
counted twice, and a lane that fails answers as the error handlers would (503 for an
unavailable database, else 500 in the path's error shape).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from typing import Any, Generic, Hashable, Protocol, TypeVar
from urllib.parse import parse_qsl

from prometheus_client import Counter
from starlette.routing import BaseRoute, Route, Router

from recess.core.application import Key, Services
from recess.core.errors import unavailable
from recess.core.guards import GUARDED, Guard, Refused
from recess.core.observe import STARTED, VERSION_HEADER, Observer
from recess.core.ratelimit import CHARGED, RateLimiter
from recess.core.routing import RouteIndex, index_of

T = TypeVar("T")
log = logging.getLogger("recess")


class Principal(Protocol):
    @property
    def org_id(self) -> int: ...


class Gate(Protocol):
    def cached_principal(self, api_key: str, app_key: str, permission: str) -> Principal | None:
        """The user of a key pair resolved lately that holds `permission`; None otherwise (not
        known now, or refused: the route decides which)."""


# The accounts feature provides this (core may not import a feature).
GATE: Key[Gate] = Key("lane_gate")


@dataclass(frozen=True)
class Lane:
    """`answer(principal, params, now, body)` gives the body of a 200, or None: let the route
    answer. `params` holds the path's parameters and the query's (only names in `query`, each
    given once, as text); `body` is the request's, as the request guards checked it (b"" for a
    GET)."""

    method: str
    path: str  # the route's path template, as declared
    permission: str
    answer: Callable[[Any, dict[str, Any], datetime, bytes], Awaitable[bytes | None]]
    content_type: bytes = b"application/json"
    query: frozenset[str] = frozenset()  # the query parameters it reads; any other goes the long way


@dataclass(frozen=True)
class _Kept(Generic[T]):
    version: int
    since: datetime
    until: datetime | None
    value: T


class KeptAnswers(Generic[T]):
    """Answers kept while a change counter holds its value and time stays in [since, until):
    a change anywhere in what the counter counts drops them all."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._kept: dict[Hashable, _Kept[T]] = {}
        self._lock = Lock()

    def get(self, key: Hashable, version: int, now: datetime) -> T | None:
        kept = self._kept.get(key)
        if kept is None or kept.version != version or now < kept.since or (kept.until is not None and now >= kept.until):
            return None
        return kept.value

    def put(self, key: Hashable, version: int, since: datetime, until: datetime | None, value: T) -> None:
        with self._lock:
            if len(self._kept) >= self.size:
                self._kept.clear()
            self._kept[key] = _Kept(version, since, until, value)


def _query(raw: bytes, names: frozenset[str]) -> dict[str, str] | None:
    """The query's parameters when each is one of `names`, given once; None otherwise (the route
    reads it: it knows what to ignore and what to refuse)."""
    if not names:
        return None
    try:
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    found = dict(pairs)
    if len(found) != len(pairs) or not names.issuperset(found):
        return None
    return found


class Lanes:
    """ASGI app in front of FastAPI's: a plain request of a laned route is answered here, with the
    same request guards, rate limit and observation as any other; others go on."""

    def __init__(self, app: Any, services: Services, router: Router,
                 clock: Callable[[], datetime], guard: Guard, limiter: RateLimiter, observer: Observer) -> None:
        self.app = app
        self.services = services
        self._router = router
        self._clock = clock
        self.guard = guard
        self.limiter = limiter
        self.observer = observer
        self._bound: dict[str, list[tuple[BaseRoute, Lane]]] | None = None
        self._index: RouteIndex | None = None
        # How many requests each lane answered (the rest of its route's went the long way).
        self.answered = Counter("recess_lane_answers", "Requests answered by a lane, by route template and method.",
                                ["route", "method"], registry=services.metrics.registry)
        self._answered: dict[tuple[str, str], Any] = {}

    def _bind(self) -> dict[str, list[tuple[BaseRoute, Lane]]]:
        routes = list(self._router.routes)
        by_template = {(method, getattr(r, "path", None)): r for r in routes for method in (getattr(r, "methods", None) or ())}
        bound: dict[str, list[tuple[BaseRoute, Lane]]] = {}
        for lane in self.services.lanes:
            route = by_template.get((lane.method, lane.path))
            if route is None:
                raise RuntimeError(f"lane {lane.method} {lane.path} has no route")
            bound.setdefault(lane.method, []).append((route, lane))
        self._index = index_of(self._router)  # the router's own: the same route wins here as there
        return bound

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not scope.get("root_path"):
            if self._bound is None and self.services.started:
                self._bound = self._bind()
            laned = self._bound.get(scope["method"]) if self._bound else None
            if laned:
                try:
                    receive = await self._answer(laned, scope, receive, send)
                except Exception as exc:  # FastAPI's handlers are behind: answer as they would
                    await self._failed(scope, receive, send, exc)
                    return
                if receive is None:
                    return
                scope.pop("route", None)  # handed on: routing says which route, as for any request
        await self.app(scope, receive, send)

    def _lane_of(self, laned: list[tuple[BaseRoute, Lane]], scope: dict[str, Any]) -> tuple[Lane, Route, dict[str, Any], Any] | None:
        assert self._index is not None
        found = self._index.route_for(scope["path"], scope["method"])
        if found is None:
            return None
        route, params = found
        lane = next((lane for bound, lane in laned if bound is route), None)
        if lane is None:
            return None
        if scope.get("query_string"):
            query = _query(scope["query_string"], lane.query)
            if query is None:
                return None
            params = {**params, **query}
        api_key = app_key = ""
        for name, value in scope["headers"]:
            if name == b"dd-api-key":
                api_key = value.decode("latin-1")
            elif name == b"dd-application-key":
                app_key = value.decode("latin-1")
        if not api_key or not app_key:
            return None
        principal = self.services.get(GATE).cached_principal(api_key, app_key, lane.permission)
        return None if principal is None else (lane, route, params, principal)

    async def _answer(self, laned: list[tuple[BaseRoute, Lane]], scope: dict[str, Any], receive: Any, send: Any) -> Any:
        """None once answered here; otherwise the `receive` the app reads the request with."""
        found = self._lane_of(laned, scope)
        if found is None:
            return receive
        lane, route, params, principal = found
        scope[STARTED] = time.perf_counter()
        scope["route"] = route  # for metrics and the access log, as routing would set it
        try:
            body = await self.guard.checked_body(scope, receive)
        except Refused as refused:  # the guards inside answer it, in the path's error shape
            scope[GUARDED] = refused
            return receive
        if body is None:  # the client went away
            return None
        scope[GUARDED] = body  # checked: the guards inside hand it on without reading it again
        # Counted once, for the principal's org: the middleware inside reuses the count.
        charge = scope[CHARGED] = await self.limiter.charge(scope, f"org:{principal.org_id}")
        if charge is None or not charge.refused:
            try:
                answer = await lane.answer(principal, params, self._clock(), body)
            except Exception as exc:  # as the route's error handlers answer: 503 for the database
                refusal = unavailable(self.limiter.shapes, scope["method"], scope["path"], exc)
                if refusal is None:
                    raise
                refusal.raw_headers.extend([*(charge.headers if charge is not None else ()), VERSION_HEADER])
                await refusal(scope, receive, send)
                self.observer.record(scope, 503, scope[STARTED])
                return None
            if answer is not None:
                await self._send(scope, send, route, lane, answer, charge)
                return None
        return receive

    async def _failed(self, scope: dict[str, Any], receive: Any, send: Any, exc: Exception) -> None:
        log.error("unhandled error on %s %s", scope["method"], scope["path"], exc_info=exc)
        answer = self.limiter.shapes.response(scope["path"], 500, ["Internal Server Error"])
        answer.raw_headers.append(VERSION_HEADER)
        await answer(scope, receive, send)
        self.observer.record(scope, 500, scope.get(STARTED) or time.perf_counter())

    async def _send(self, scope: dict[str, Any], send: Any, route: Route, lane: Lane, answer: bytes, charge: Any) -> None:
        which = (route.path_format, lane.method)
        counted = self._answered.get(which)
        if counted is None:  # the labelled counter, looked up once per route and method
            counted = self._answered[which] = self.answered.labels(*which)
        counted.inc()
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-length", str(len(answer)).encode()), (b"content-type", lane.content_type),
            *(charge.headers if charge is not None else ()), VERSION_HEADER]})
        await send({"type": "http.response.body", "body": answer})
        self.observer.record(scope, 200, scope[STARTED])
