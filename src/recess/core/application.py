"""An application made of features: what they share, and the one place that assembles them.

A feature is a package that brings routers, scheduler jobs and services (`Feature`). The app
holds the shared services (`Services`: settings, instruments, the database, the scheduler and
the deliverer, and whatever features provide to one another under typed keys) on `app.state`;
routes reach them through dependencies and jobs through their closures, so two apps in one
process never share anything. Nothing here knows a feature by name: `recess.app` lists them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from functools import partial
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from fastapi import APIRouter, FastAPI, Request
from starlette.types import Receive, Scope, Send

from recess import __version__
from recess.core import clock, collector, errors, openapi, routing
from recess.core.collector import IdleCollector
from recess.core.db import Database
from recess.core.guards import Guard, RequestGuards
from recess.core.http import JsonBodies
from recess.core.metrics import Metrics
from recess.core.observe import ObserveRequests, Observer
from recess.core.leader import Leadership
from recess.core.scheduler import Job, Scheduler
from recess.core.worker import Worker
from recess.settings import Settings

log = logging.getLogger("recess")
T = TypeVar("T")


class Key(Generic[T]):
    """A typed name for a service one feature provides and others use (`Services.get`)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Key({self.name!r})"


class Services:
    """What an app's features share. `db` exists once the app has started."""

    def __init__(self, settings: Settings, metrics: Metrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self._db: Database | None = None
        self.scheduler: Scheduler | None = None
        self.leadership: Leadership | None = None  # whether this process runs the loops (SQLite)
        self.lanes: list[Any] = []  # the features' lanes (core.lanes), once the app has started
        self._provided: dict[str, object] = {}

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("the app has not started: no database yet")
        return self._db

    @db.setter
    def db(self, value: Database) -> None:
        self._db = value

    @property
    def started(self) -> bool:
        return self._db is not None

    def provide(self, key: Key[T], value: T) -> None:
        self._provided[key.name] = value

    def get(self, key: Key[T]) -> T:
        try:
            return cast(T, self._provided[key.name])
        except KeyError:
            raise RuntimeError(f"no feature provides {key.name}; is it listed (and before its users) in recess.app?") from None


def services(request: Request) -> Services:
    """The dependency that gives a route its app's services."""
    found: Services = request.app.state.services
    return found


async def settings(request: Request) -> Settings:
    return services(request).settings


@dataclass(frozen=True)
class Feature:
    name: str
    routers: Sequence[APIRouter] = ()
    # Path prefixes whose errors are JSON:API error objects rather than Datadog's string list.
    object_error_prefixes: Sequence[str] = ()
    # At start, once the database is there: build what the feature provides to others.
    start: Callable[[Services], None] | None = None
    # At shutdown, in reverse order: stop what `start` began in every process.
    stop: Callable[[Services], None] | None = None
    # Things that change by themselves, run by the app's scheduler in this order.
    jobs: Callable[[Services], Sequence[Job]] = field(default=lambda _services: ())
    # Plain requests of some routes, answered without FastAPI's per-request work (core.lanes).
    lanes: Callable[[Services], Sequence[Any]] = field(default=lambda _services: ())
    # Background loops beyond the scheduler (started after it, stopped before it).
    workers: Callable[[Services], Sequence[Any]] = field(default=lambda _services: ())
    # What its routes answer, for /openapi.json: success bodies and path parameter formats.
    answers: openapi.Answers = field(default_factory=dict)


STANDBY_RETRY = 2.0  # seconds between a standby process's tries to take the loops over
CHECKPOINT_EVERY = 0.25  # seconds between SQLite WAL checkpoints (at ~7,000 creates/s, ~20 MB of WAL)


def _checkpoint(db: Database) -> float:
    db.checkpoint()
    return CHECKPOINT_EVERY


def _take_over(leadership: Leadership, run_loops: Callable[[], None], standby: Worker) -> float:
    if not leadership.try_acquire():
        return STANDBY_RETRY
    run_loops()
    standby.finish()  # this process runs the loops from now on
    return 0.0


class App(FastAPI):
    """FastAPI with the lanes (core.lanes) in front of all of it, FastAPI's own middleware
    included: a laned request costs only what its answer does. It counts the requests in
    flight for the idle collector (core.collector)."""

    lanes: Any = None
    collector: IdleCollector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        self.collector.begin()
        try:
            if self.lanes is None:
                await super().__call__(scope, receive, send)
            else:
                await self.lanes(scope, receive, send)
        finally:
            self.collector.end()


def build(settings: Settings, features: Sequence[Feature], *, description: str) -> FastAPI:
    """The ASGI app: features' routers in list order, their jobs in one scheduler."""
    metrics = Metrics()
    shared = Services(settings, metrics)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url, metrics=metrics)
        db.migrate()
        shared.db = db
        for feature in features:
            if feature.start is not None:
                feature.start(shared)
        shared.lanes = [lane for feature in features for lane in feature.lanes(shared)]
        jobs = [job for feature in features for job in feature.jobs(shared)]
        scheduler = Scheduler(db, jobs, after_tick=lambda: db.wake("delivery"), metrics=metrics)
        db.wakers["scheduler"] = scheduler.wake
        shared.scheduler = scheduler
        workers = [worker for feature in features for worker in feature.workers(shared)]
        if db.dialect == "sqlite":
            workers.append(Worker("checkpoint", lambda: _checkpoint(db), max_sleep=CHECKPOINT_EVERY))
        leadership = Leadership(settings.database_url)
        shared.leadership = leadership

        def run_loops() -> None:
            scheduler.start()
            for worker in workers:
                worker.start()

        # One process of several on a SQLite database runs the loops; the others stand by.
        standby = Worker("standby", lambda: _take_over(leadership, run_loops, standby), max_sleep=STANDBY_RETRY)
        if leadership.try_acquire():
            run_loops()
        else:
            standby.start()
        collector.tune()
        idle_collections = asyncio.get_running_loop().create_task(app.collector.run())  # type: ignore[attr-defined]
        log.info("recess %s ready: database %s%s", __version__, db.describe(), "" if leadership.held else " (standing by)")
        try:
            yield
        finally:
            idle_collections.cancel()
            standby.stop(timeout=5)
            if leadership.held:
                for worker in reversed(workers):
                    worker.stop()
                scheduler.stop()
            leadership.release()
            for feature in reversed(features):
                if feature.stop is not None:
                    feature.stop(shared)
            db.dispose()

    app = App(
        title="recess", version=__version__, description=description, lifespan=lifespan,
        docs_url=None, redoc_url=None,  # openapi.install serves /docs from local assets
        # No OpenTelemetry of FastAPI's own: /metrics and the access log say what recess does, and
        # asking OpenTelemetry whether it is configured cost ~5% of every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.collector = IdleCollector()
    app.state.services = shared
    app.state.metrics = metrics
    shapes = errors.ErrorShapes([prefix for feature in features for prefix in feature.object_error_prefixes])
    errors.install(app, shapes)
    answers = {endpoint: answer for feature in features for endpoint, answer in feature.answers.items()}
    openapi.install(app, shapes, openapi.by_operation([r for feature in features for r in feature.routers], answers))
    app.add_middleware(JsonBodies)
    # Before routing, whatever the route: body size, JSON depth, NUL, lone surrogates, int64.
    guard = Guard(settings.max_body_bytes)
    app.add_middleware(RequestGuards, shapes=shapes, max_body_bytes=settings.max_body_bytes)
    from recess.core.ratelimit import RateLimiter, RateLimits  # it imports this module (Key, Services)
    limiter = RateLimiter(shared, shapes)
    app.add_middleware(RateLimits, limiter=limiter)  # inside ObserveRequests: 429s are measured
    observer = Observer(metrics, settings.access_log)
    app.add_middleware(ObserveRequests, observer=observer)  # sees every answer but the lanes', which they note alike
    from recess.core.lanes import Lanes  # it imports this module (Key, Services)
    app.lanes = Lanes(partial(FastAPI.__call__, app), services=shared, router=app.router, clock=clock.now,
                      guard=guard, limiter=limiter, observer=observer)
    for feature in features:
        for router in feature.routers:
            # Its routes as they are (paths whole, no include-time prefix or dependencies):
            # plain routes let `routing.install` index them.
            app.router.routes.extend(router.routes)
    routing.install(app.router)
    return app
