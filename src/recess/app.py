"""The ASGI application: routers, error handling and start-up (migrations, admin keys)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from recess import __version__
from recess.accounts import routes as accounts_routes
from recess.accounts.store import bootstrap_admin
from recess.core import errors
from recess.core.db import Database
from recess.core.http import JsonBodies
from recess.downtimes import routes_matches as downtime_matches
from recess.downtimes import routes_v1 as downtimes_v1
from recess.downtimes import routes_v2 as downtimes_v2
from recess.downtimes.matching import DowntimeIndex
from recess.monitors import ingest
from recess.monitors import routes as monitors_routes
from recess.monitors import store as monitors_store
from recess.scheduler import Job, Scheduler
from recess.settings import Settings, get_settings

log = logging.getLogger("recess")


def jobs() -> list[Job]:
    """Everything that changes by itself, in the order a tick applies it."""
    return [Job("no_data", monitors_store.next_no_data, ingest.no_data)]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        db.migrate()
        with db.session() as session:
            bootstrap_admin(session, settings.api_key, settings.app_key)
        app.state.db = db
        app.state.downtime_index = DowntimeIndex()
        scheduler = Scheduler(db, jobs())
        scheduler.start()
        log.info("recess %s ready on %s", __version__, db.engine.dialect.name)
        try:
            yield
        finally:
            scheduler.stop()
            db.dispose()

    app = FastAPI(
        title="recess",
        version=__version__,
        description="Datadog's downtime, status page and maintenance window APIs, self-hosted.",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    errors.install(app)
    app.add_middleware(JsonBodies)
    app.include_router(accounts_routes.router)
    app.include_router(downtimes_v1.router)
    app.include_router(downtime_matches.router)
    app.include_router(downtimes_v2.router)
    app.include_router(monitors_routes.router)
    if settings.test_clock:
        from recess import testing

        app.include_router(testing.router)
    return app
