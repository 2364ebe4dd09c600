"""Status pages as a feature: the management API, the public page, maintenances moved on time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from recess.core.application import Feature, Services
from recess.core.scheduler import Job
from recess.statuspages import internal, public, subscriptions, routes_degradations, routes_maintenances, routes_pages, routes_templates, store
from recess.statuspages.cache import CACHE, WAKER, RenderCache
from recess.statuspages.http import PREFIX
from recess.statuspages.answers import answers
from recess.statuspages.listeners import MAINTENANCE_LISTENER, NO_LISTENER
from recess.statuspages.service_maintenances import advance_maintenances


def _start(services: Services) -> None:
    # Told of every maintenance change; a feature started later (bindings) provides its own.
    services.provide(MAINTENANCE_LISTENER, NO_LISTENER)
    # The public pages' rendered answers, per app, told of every status page commit.
    cache = RenderCache()
    services.provide(CACHE, cache)
    services.db.wakers[WAKER] = cache.changed


def _jobs(services: Services) -> list[Job]:
    listener = services.get(MAINTENANCE_LISTENER)

    def maintenances(session: Session, now: datetime) -> None:
        advance_maintenances(session, now, listener)

    return [Job("maintenances", store.next_maintenance_due, maintenances)]


feature = Feature(
    "statuspages",
    # Incidents first: /statuspages/degradations and /statuspages/maintenances must not be taken
    # for a page id.
    routers=[routes_degradations.router, routes_maintenances.router, routes_templates.router, routes_pages.router,
             public.router, internal.router, subscriptions.router],
    object_error_prefixes=[PREFIX],  # Status Pages answer JSON:API error objects
    start=_start,
    jobs=_jobs,
    answers=answers,
)
