"""The ASGI application: routers, error handling and start-up (migrations, admin keys)."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from sqlalchemy.orm import Session

from recess import __version__
from recess.accounts import routes as accounts_routes
from recess.accounts.store import bootstrap_admin
from recess.core import clock, errors, openapi
from recess.core.db import Database
from recess.core.http import JsonBodies
from recess.core.metrics import Metrics
from recess.core.observe import ObserveRequests
from recess.downtimes import routes_matches as downtime_matches
from recess.downtimes import routes_v1 as downtimes_v1
from recess.downtimes import routes_v2 as downtimes_v2
from recess.downtimes import live
from recess.downtimes import store as downtimes_store
from recess.downtimes.matching import DowntimeIndex
from recess.monitors import ingest
from recess.monitors import routes as monitors_routes
from recess.monitors import store as monitors_store
from recess.scheduler import Job, Scheduler
from recess.notifications import delivery, edges, outbox
from recess.notifications import events as events_routes
from recess.notifications import webhooks as webhooks_routes
from recess.notifications.delivery import Deliverer
from recess.cases import routes as cases_routes
from recess.maintenance_windows import routes as maintenance_windows_routes
from recess.operations import health
from recess.operations import metrics as operations_metrics
from recess.operations.metrics import StoreCollector
from recess.settings import Settings, get_settings
from recess.statuspages import public as public_pages
from recess.statuspages import routes_incidents as incidents_routes
from recess.statuspages import routes_pages as pages_routes
from recess.statuspages import routes_templates as templates_routes
from recess.statuspages import store as statuspages_store

log = logging.getLogger("recess")


def _warm(db: Database, index: DowntimeIndex) -> None:
    try:
        with db.read() as session:
            live.refresh(session, index, clock.now())
    except Exception:  # the first request that needs the index loads it instead
        log.exception("could not load the downtime index at start")


def jobs(index: DowntimeIndex) -> list[Job]:
    """Everything that changes by itself, in the order a tick applies it."""

    def no_data(session: Session, now: datetime) -> None:
        outbox.on_transitions(session, index, ingest.no_data(session, now), now)

    def downtime_ends(session: Session, now: datetime) -> None:
        edges.expire_due(session, index, now)

    return [
        Job("downtime_ends", downtimes_store.next_due_end, downtime_ends),
        Job("no_data", monitors_store.next_no_data, no_data),
        Job("maintenances", statuspages_store.next_maintenance_due, incidents_routes.advance_maintenances),
    ]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url, metrics=metrics)
        db.migrate()
        with db.session() as session:
            bootstrap_admin(session, settings.api_key, settings.app_key)
        app.state.db = db
        app.state.downtime_index = index = DowntimeIndex()
        app.state.scheduler = scheduler = Scheduler(db, jobs(index), after_tick=delivery.wake, metrics=metrics)
        app.state.deliverer = deliverer = Deliverer(db, timeout=settings.delivery_timeout, metrics=metrics)
        collector = StoreCollector(db, index)
        metrics.registry.register(collector)
        scheduler.start()
        deliverer.start()
        # Load the downtime index now rather than in the first request that needs it.
        threading.Thread(target=_warm, args=(db, index), name="recess-index-warmup", daemon=True).start()
        log.info("recess %s ready: database %s", __version__, db.describe())
        try:
            yield
        finally:
            metrics.registry.unregister(collector)
            scheduler.stop()
            deliverer.stop()
            db.dispose()

    app = FastAPI(
        title="recess",
        version=__version__,
        description="Datadog's downtime, status page and maintenance window APIs, self-hosted.",
        lifespan=lifespan,
        docs_url=None,  # openapi.install serves /docs from local assets
        redoc_url=None,
    )
    app.state.metrics = metrics
    errors.install(app)
    openapi.install(app)
    app.add_middleware(JsonBodies)
    app.add_middleware(ObserveRequests, metrics=metrics, access=settings.access_log)  # outermost: sees every answer
    app.include_router(health.router)
    app.include_router(operations_metrics.router)
    app.include_router(accounts_routes.router)
    app.include_router(downtimes_v1.router)
    app.include_router(downtime_matches.router)
    app.include_router(downtimes_v2.router)
    app.include_router(monitors_routes.router)
    app.include_router(webhooks_routes.router)
    app.include_router(events_routes.router)
    # Incidents first: /statuspages/degradations must not be taken for a page id.
    app.include_router(incidents_routes.router)
    app.include_router(templates_routes.router)
    app.include_router(pages_routes.router)
    app.include_router(public_pages.router)
    app.include_router(maintenance_windows_routes.router)
    app.include_router(cases_routes.router)
    if settings.test_clock:
        import faulthandler
        import signal

        from recess import testing

        faulthandler.register(signal.SIGUSR1)  # a test can ask a stuck test server where its threads are

        app.include_router(testing.router)
    return app
