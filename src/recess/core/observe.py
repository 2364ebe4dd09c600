"""ASGI middleware that watches every request: metrics by route template, the access log, and
the `X-Recess-Version` header on every answer."""

from __future__ import annotations

import logging
import time
from typing import Any

from recess import __version__
from recess.core.metrics import Metrics

access_log = logging.getLogger("recess.access")
VERSION_HEADER = (b"x-recess-version", __version__.encode())
STARTED = "recess.started"  # scope key: when a request was first seen (by a lane), for its duration


def route_template(scope: dict[str, Any]) -> str:
    """`/api/v2/downtime/{downtime_id}` rather than the path itself, so labels stay few (the
    format, without path convertors such as `:id`)."""
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return path if isinstance(path, str) and path else "unmatched"


class Observer:
    """What is noted of each answer: the metrics by route template, and the access log line."""

    def __init__(self, metrics: Metrics, access: bool = False) -> None:
        self.metrics = metrics
        self.access = access
        self._instruments: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def record(self, scope: dict[str, Any], status: int, started: float) -> None:
        elapsed = time.perf_counter() - started
        route, method = route_template(scope), scope["method"]
        which = (route, method, status)
        instruments = self._instruments.get(which)
        if instruments is None:  # labels() takes a lock and builds a key: once per route, method and status
            instruments = (self.metrics.http_requests.labels(route, method, str(status)),
                           self.metrics.http_latency.labels(route, method))
            if len(self._instruments) < 1024:  # methods are the client's to make up
                self._instruments[which] = instruments
        instruments[0].inc()
        instruments[1].observe(elapsed)
        if self.access:
            client = scope.get("client") or ("-", 0)
            query = scope.get("query_string", b"").decode("latin-1")
            path = scope["path"] + (f"?{query}" if query else "")
            access_log.info(
                '%s "%s %s" %d %.1fms', client[0], method, path, status, elapsed * 1000,
                extra={"client": client[0], "method": method, "path": scope["path"], "route": route,
                       "status": status, "duration_ms": round(elapsed * 1000, 2)},
            )


class ObserveRequests:
    def __init__(self, app: Any, observer: Observer) -> None:
        self.app = app
        self.observer = observer

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = scope.get(STARTED) or time.perf_counter()
        status = 500  # what the client sees if the app fails before answering

        async def send_observed(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), VERSION_HEADER]
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            self.observer.record(scope, status, started)
