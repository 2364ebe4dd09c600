"""Sending the outbox: lease due deliveries, POST them, record what the receiver answered.

A delivery is leased before it is sent (FOR UPDATE SKIP LOCKED on PostgreSQL, so processes
never take the same row), and the lease expires, so one held by a process that died is sent
again by another: receivers get an `Idempotency-Key` header that stays the same across attempts.
2xx is delivered; 4xx is failed with the answer kept; 5xx, timeouts and connection errors are
retried with exponential backoff up to MAX_ATTEMPTS.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import func, or_, select

from recess.core import clock
from recess.core.db import Database
from recess.core.metrics import Metrics
from recess.core.worker import Worker
from recess.notifications.model import Delivery, Notification

log = logging.getLogger("recess.delivery")
MAX_ATTEMPTS = 12
MAX_BACKOFF = 300.0
BATCH = 20
def backoff(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s … up to five minutes."""
    return timedelta(seconds=min(MAX_BACKOFF, 2.0 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class Outcome:
    state: str  # delivered | failed | retry
    status: int | None
    error: str | None


def classify(status: int | None, error: str | None) -> Outcome:
    if status is not None and 200 <= status < 300:
        return Outcome("delivered", status, None)
    if status is not None and 400 <= status < 500:
        return Outcome("failed", status, error)
    return Outcome("retry", status, error)


def _log_failure(row: Delivery, monitor_id: int | None, outcome: Outcome, result: str) -> None:
    """WARNING for an attempt that will be retried, ERROR for a delivery given up on."""
    answer = f"status {outcome.status}" if outcome.status is not None else (outcome.error or "no answer")
    if result == "retried":
        log.warning(
            "delivery %s to webhook %s for monitor %s failed (attempt %d of %d: %s); next attempt at %s",
            row.id, row.webhook, monitor_id, row.attempts, MAX_ATTEMPTS, answer,
            row.next_attempt_at.isoformat() if row.next_attempt_at else "?")
    else:
        log.error("delivery %s to webhook %s for monitor %s is dead after attempt %d: %s",
                  row.id, row.webhook, monitor_id, row.attempts, answer)


class Deliverer:
    def __init__(self, db: Database, timeout: float = 10.0, metrics: Metrics | None = None) -> None:
        self.db = db
        self.timeout = timeout
        self.metrics = metrics or Metrics()
        self.heartbeat: float | None = None  # time.monotonic() when the loop last made progress
        # A send never outlasts the timeout, so a lease this long is only ever held by a
        # process that died mid-send; then another sends it again.
        self.lease = timedelta(seconds=timeout + 5)
        self.worker = Worker("delivery", self._step)
        self._client: httpx.Client | None = None

    @property
    def alive(self) -> bool:
        return self.worker.alive

    def start(self) -> None:
        self._client = httpx.Client(timeout=self.timeout, follow_redirects=False)
        self.worker.start()

    def wake(self) -> None:
        """Deliveries were enqueued: send them now."""
        self.worker.wake()

    def stop(self) -> None:
        self.worker.stop(timeout=15)
        if self._client is not None:
            self._client.close()

    def claim(self, now: datetime) -> list[Delivery]:
        with self.db.session() as session:
            query = (
                select(Delivery)
                .where(Delivery.state == "pending", Delivery.next_attempt_at <= now,
                       or_(Delivery.lease_until.is_(None), Delivery.lease_until < now))
                .order_by(Delivery.id).limit(BATCH)
            )
            if self.db.is_postgres:
                query = query.with_for_update(skip_locked=True)
            rows = list(session.scalars(query))
            for row in rows:
                row.lease_until = now + self.lease
                row.attempts += 1
            return rows

    def send(self, client: httpx.Client, row: Delivery) -> Outcome:
        headers = {**row.headers, "Idempotency-Key": row.idempotency_key, "User-Agent": "recess-webhooks"}
        try:
            response = client.post(row.url, content=row.body.encode(), headers=headers)
        except Exception as exc:  # a bad URL or header fails here too: it counts as an attempt
            return classify(None, f"{type(exc).__name__}: {exc}")
        return classify(response.status_code, None if response.is_success else response.text[:2000])

    def record(self, row_id: int, outcome: Outcome, now: datetime) -> None:
        with self.db.session() as session:
            row = session.get(Delivery, row_id)
            if row is None or row.state != "pending":
                return
            row.last_status, row.last_error, row.lease_until = outcome.status, outcome.error, None
            if outcome.state == "delivered":
                row.state, row.delivered_at = "delivered", now
            elif outcome.state == "failed" or row.attempts >= MAX_ATTEMPTS:
                row.state = "failed"
            else:
                row.next_attempt_at = now + backoff(row.attempts)
            result = "delivered" if row.state == "delivered" else "failed" if row.state == "failed" else "retried"
            monitor_id = session.scalar(select(Notification.monitor_id).where(Notification.id == row.notification_id))
        self.metrics.deliveries.labels(result).inc()
        if result != "delivered":
            _log_failure(row, monitor_id, outcome, result)

    def next_due(self) -> datetime | None:
        now = clock.now()
        with self.db.read() as session:
            return session.scalar(
                select(func.min(Delivery.next_attempt_at))
                .where(Delivery.state == "pending", or_(Delivery.lease_until.is_(None), Delivery.lease_until < now))
            )

    def run_once(self, client: httpx.Client) -> int:
        self.heartbeat = time.monotonic()
        rows = self.claim(clock.now())
        for row in rows:
            self.record(row.id, self.send(client, row), clock.now())
            self.heartbeat = time.monotonic()
        return len(rows)

    def _step(self) -> float:
        assert self._client is not None
        if self.run_once(self._client):
            return 0  # maybe more are due
        due = self.next_due()
        return 1.0 if due is None else max(0.02, (due - clock.now()).total_seconds())
