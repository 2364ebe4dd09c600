"""Status pages as a feature: the management API, the public page and its subscribers, maintenances
moved on time (and announced to subscribers when they asked to be)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from recess.core.application import Feature, Services
from recess.core.scheduler import Job
from recess.notifications.targets import parse_allow
from recess.statuspages import (
    internal, public, routes_degradations, routes_maintenances, routes_pages, routes_subscriptions, routes_templates, store,
)
from recess.statuspages import service_subscriptions as subscriptions
from recess.statuspages.cache import CACHE, WAKER, RenderCache
from recess.statuspages.http import PREFIX
from recess.statuspages.answers import answers
from recess.statuspages.listeners import MAINTENANCE_LISTENER, NO_LISTENER
from recess.statuspages.model import Maintenance
from recess.statuspages.service_maintenances import advance_maintenances
from recess.statuspages.service_subscriptions import Outbound


def _start(services: Services) -> None:
    # Told of every maintenance change; a feature started later (bindings) provides its own.
    services.provide(MAINTENANCE_LISTENER, NO_LISTENER)
    # The public pages' rendered answers, per app, told of every status page commit.
    cache = RenderCache()
    services.provide(CACHE, cache)
    services.db.wakers[WAKER] = cache.changed


def _jobs(services: Services) -> list[Job]:
    listener = services.get(MAINTENANCE_LISTENER)
    settings = services.settings
    out = Outbound(settings.public_url, settings.smtp_from, parse_allow(settings.webhook_allow))

    def announce(session: Session, row: Maintenance, now: datetime) -> None:
        subscriptions.announce_maintenance(session, row, out, now)

    def maintenances(session: Session, now: datetime) -> None:
        advance_maintenances(session, now, listener, announce)

    return [Job("maintenances", store.next_maintenance_due, maintenances)]


feature = Feature(
    "statuspages",
    # Incidents first: /statuspages/degradations and /statuspages/maintenances must not be taken
    # for a page id.
    routers=[routes_degradations.router, routes_maintenances.router, routes_templates.router, routes_pages.router,
             public.router, internal.router, routes_subscriptions.router],
    object_error_prefixes=[PREFIX],  # Status Pages answer JSON:API error objects
    start=_start,
    jobs=_jobs,
    answers=answers,
)
