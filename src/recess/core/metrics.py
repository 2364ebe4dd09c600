"""The process's Prometheus instruments, one set per application.

Each app owns its registry (two apps in one process never share counters), and code that only
has a session reaches the app's instruments through the session (`of(session)`): Database puts
them in every session's `info`. Counts tied to a transaction are applied when it commits
(`core.db.after_commit`), so a rolled-back notification is never counted.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics
from sqlalchemy.orm import Session, sessionmaker

from recess import __version__

# Request latencies from a fast GET (~1 ms) to a slow list or a stalled write (seconds).
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# How long after its due instant a scheduled change was applied: ticks are ~1 s apart at most.
_LATENESS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)


# The `_created` timestamp series only double what a scrape shows; Prometheus needs none of them.
disable_created_metrics()  # type: ignore[no-untyped-call]


class Metrics:
    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        Gauge("recess_build_info", "The running recess version.", ["version"], registry=r).labels(__version__).set(1)
        self.http_requests = Counter(
            "recess_http_requests", "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"], registry=r)
        self.http_latency = Histogram(
            "recess_http_request_duration_seconds", "Time to answer an HTTP request, by route template and method.",
            ["route", "method"], buckets=_LATENCY_BUCKETS, registry=r)
        self.notifications = Counter(
            "recess_notifications_created", "Alert notifications recorded (muted or not), by kind.", ["kind"], registry=r)
        self.notifications_muted = Counter(
            "recess_notifications_muted", "Notifications muted by a downtime instead of being sent.", registry=r)
        self.deliveries = Counter(
            "recess_deliveries", "Webhook delivery attempts by outcome: delivered, retried (will be tried again) or "
            "failed (given up).", ["outcome"], registry=r)
        self.tick_lateness = Histogram(
            "recess_scheduler_tick_lateness_seconds", "Seconds between a due instant and the scheduler tick that applied it.",
            buckets=_LATENESS_BUCKETS, registry=r)
        self.scheduler_failures = Counter("recess_scheduler_failures", "Scheduler ticks that failed.", registry=r)
        # Known label values start at 0, so rate() and alerts see a series before the first event.
        for kind in ("transition", "downtime_end"):
            self.notifications.labels(kind)
        for outcome in ("delivered", "retried", "failed"):
            self.deliveries.labels(outcome)

    def bind(self, sessions: sessionmaker[Session]) -> None:
        """Make these instruments reachable from every session `sessions` makes (see `of`)."""
        sessions.kw.setdefault("info", {})["metrics"] = self


_UNBOUND = Metrics()  # sessions of a Database made without metrics (benchmarks, the CLI) count here


def of(session: Session) -> Metrics:
    metrics = session.info.get("metrics")
    return metrics if isinstance(metrics, Metrics) else _UNBOUND
