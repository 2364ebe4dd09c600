"""Downtimes as a feature: the v1 and v2 APIs, this app's matching index, and downtime ends."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from sqlalchemy.orm import Session

from recess.core import clock, collector
from recess.core.application import Feature, Services
from recess.core.scheduler import Job
from recess.downtimes import lanes, live, routes_matches, routes_v1, routes_v2, service, store
from recess.downtimes.matches import MATCHES, MonitorMatches
from recess.downtimes.matching import DowntimeIndex
from recess.downtimes.muter import DowntimeMuter
from recess.downtimes.references import DowntimeReferences
from recess.monitors import store as monitors
from recess.monitors.references import REFERENCES
from recess.notifications.muter import MUTER
from recess.notifications.service import NOTIFIER
from recess.downtimes.answers import answers

log = logging.getLogger("recess")


def _warm(services: Services, index: DowntimeIndex) -> None:
    try:
        with services.db.read() as session:
            live.refresh(session, index, clock.now())
            # The statements of a monitor's matches, compiled now rather than in the first read
            # (~8 ms of it): SQLAlchemy compiles each statement once per process.
            monitors.ref(session, 0, 0)
            monitors.groups_changed(session)
            list(monitors.group_tag_texts(session, 0))
    except Exception:  # the first request that needs the index loads it instead
        log.exception("could not load the downtime index at start")
        return
    collector.settle()  # the index lives on: out of every full collection's walk


def _start(services: Services) -> None:
    index = DowntimeIndex()
    services.provide(live.INDEX, index)
    muter = DowntimeMuter(index)
    services.provide(MUTER, muter)  # what notifications ask whether a group is muted
    # Each monitor's last answer to which downtimes match it, first put together from the
    # decisions the muter kept for its groups when it can.
    services.provide(MATCHES, MonitorMatches(index, decisions=muter.decisions))
    services.provide(REFERENCES, DowntimeReferences())  # what monitors ask before a monitor is deleted
    # Load the index now rather than in the first request that needs it.
    threading.Thread(target=_warm, args=(services, index), name="recess-index-warmup", daemon=True).start()


def _jobs(services: Services) -> list[Job]:
    notifier = services.get(NOTIFIER)

    def downtime_ends(session: Session, now: datetime) -> None:
        service.expire_due(session, notifier, now)

    return [Job("downtime_ends", store.next_due_end, downtime_ends)]


feature = Feature("downtimes", routers=[routes_v1.router, routes_matches.router, routes_v2.router], start=_start, jobs=_jobs,
                  lanes=lanes.lanes, answers=answers)
