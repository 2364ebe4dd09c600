"""Monitors as a feature: the v1 monitor API, check-run intake, and no-data timeouts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from recess.core.application import Feature, Services
from recess.core.scheduler import Job
from recess.downtimes.live import INDEX
from recess.monitors import ingest, routes, store
from recess.notifications import outbox


def _jobs(services: Services) -> list[Job]:
    index = services.get(INDEX)

    def no_data(session: Session, now: datetime) -> None:
        outbox.on_transitions(session, index, ingest.no_data(session, now), now)

    return [Job("no_data", store.next_no_data, no_data)]


feature = Feature("monitors", routers=[routes.router], jobs=_jobs)
