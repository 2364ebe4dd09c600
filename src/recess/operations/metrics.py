"""`GET /metrics`: the app's counters plus gauges read from the database when scraped.

Each process answers for itself (its own requests, deliveries, ticks and index); the gauges
read from the shared database (downtimes by status, monitor groups by state, the delivery
queue) are the same from every process.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from recess.core import clock
from recess.core.application import services
from recess.core.db import Database
from recess.downtimes import live
from recess.downtimes.matching import DowntimeIndex
from recess.downtimes.model import Downtime
from recess.monitors.model import Monitor, MonitorGroup
from recess.notifications.model import Delivery

router = APIRouter(tags=["Operations"])
log = logging.getLogger("recess.metrics")


class StoreCollector(Collector):
    """Gauges computed at scrape time from the database and this process's downtime index."""

    def __init__(self, db: Database, index: DowntimeIndex) -> None:
        self.db = db
        self.index = index

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = clock.now()
        # How stale the index was when asked: the scrape's own refresh below would hide it.
        refreshed = self.index.refreshed_at
        lag = (now - refreshed).total_seconds() if refreshed is not None else float("nan")
        try:
            with self.db.read() as session:
                live.refresh(session, self.index, now)
                canceled = session.scalar(select(func.count()).where(Downtime.canceled.is_not(None))) or 0
                ended = session.scalar(select(func.count()).where(Downtime.canceled.is_(None), Downtime.end <= now)) or 0
                groups = session.execute(
                    select(MonitorGroup.status, func.count()).join(Monitor, Monitor.id == MonitorGroup.monitor_id)
                    .where(Monitor.deleted.is_(None)).group_by(MonitorGroup.status)).all()
                depth, oldest = session.execute(
                    select(func.count(), func.min(Delivery.created_at)).where(Delivery.state == "pending")).one()
        except Exception:  # a scrape still answers the process's own counters
            log.warning("metrics: could not read the database", exc_info=True)
            return
        # Downtimes neither canceled nor over are in the index; its windows say which are active.
        entries = self.index.entries()
        active = sum(1 for e in entries if e.active_at(now))
        downtimes = GaugeMetricFamily("recess_downtimes", "Downtimes by status.", labels=["status"])
        for status, count in (("active", active), ("scheduled", len(entries) - active), ("ended", ended), ("canceled", canceled)):
            downtimes.add_metric([status], count)
        yield downtimes
        states = GaugeMetricFamily("recess_monitor_groups", "Monitor groups by state.", labels=["state"])
        for status, count in groups:
            states.add_metric([status], count)
        yield states
        yield GaugeMetricFamily("recess_delivery_queue_depth", "Webhook deliveries waiting to be sent.", value=depth)
        age = (now - oldest).total_seconds() if oldest is not None else 0.0
        yield GaugeMetricFamily("recess_delivery_oldest_pending_age_seconds",
                                "Age of the oldest delivery not yet sent (0 when none waits).", value=max(0.0, age))
        yield GaugeMetricFamily("recess_downtime_index_size", "Downtimes in this process's matching index.", value=len(self.index))
        yield GaugeMetricFamily("recess_downtime_index_refresh_lag_seconds",
                                "Seconds since this process's index had last read the database's changes.", value=lag)


@router.get("/metrics", response_class=Response)
def metrics(request: Request) -> Response:
    """Prometheus text format."""
    return Response(generate_latest(services(request).metrics.registry), media_type=CONTENT_TYPE_LATEST)
