"""Monitors as a feature: the v1 monitor API, check-run intake, and no-data timeouts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from recess.core.application import Feature, Services
from recess.core.scheduler import Job
from recess.monitors import ingest, routes, routes_search, service, store
from recess.notifications.service import NOTIFIER
from recess.monitors.answers import answers


def _jobs(services: Services) -> list[Job]:
    notifier = services.get(NOTIFIER)

    def no_data(session: Session, now: datetime) -> None:
        service.notify(session, notifier, ingest.no_data(session, now))

    return [Job("no_data", store.next_no_data, no_data)]


feature = Feature("monitors", routers=[routes_search.router, routes.router], jobs=_jobs, answers=answers)
