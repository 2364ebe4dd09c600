"""One loop for everything that changes by itself: sleep until the next due instant, then apply.

Jobs say when they are next due and do their work in the scheduler's transaction. The loop
sleeps until the earliest due instant, at most MAX_SLEEP (so work written by other processes is
seen within that), or until a write in this process calls wake(). With several processes on
PostgreSQL, a transaction-level advisory lock lets one of them run each tick.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from recess.core import clock
from recess.core.db import Database
from recess.core.metrics import Metrics

log = logging.getLogger("recess.scheduler")
MAX_SLEEP = 1.0
MIN_SLEEP = 0.02
_LOCK_ID = 7_263_002
_wake = threading.Event()


def wake() -> None:
    """Something was written that may be due soon: look again now."""
    _wake.set()


@dataclass(frozen=True)
class Job:
    name: str
    next_due: Callable[[Session], datetime | None]
    run: Callable[[Session, datetime], object]


class Scheduler:
    def __init__(
        self, db: Database, jobs: list[Job], after_tick: Callable[[], None] | None = None, metrics: Metrics | None = None
    ) -> None:
        self.db = db
        self.jobs = jobs
        self.after_tick = after_tick  # e.g. wake the deliverer for what the tick enqueued
        self.metrics = metrics or Metrics()
        self.last_tick: float | None = None  # time.monotonic() of the last tick that completed
        self.ticks = 0  # ticks completed (or failed) by this process, for whoever waits on one
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="recess-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        _wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def tick(self, now: datetime) -> datetime | None:
        """Run every job once; answer the earliest instant any job is next due."""
        with self.db.session() as session:
            if self.db.is_postgres and not session.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _LOCK_ID}):
                return None  # another process is ticking
            for job in self.jobs:
                try:
                    job.run(session, now)
                except Exception:
                    log.error("scheduler job %s failed at %s; the tick is rolled back and retried", job.name, now.isoformat())
                    raise
        if self.after_tick is not None:
            self.after_tick()
        with self.db.read() as session:
            dues = [d for job in self.jobs if (d := job.next_due(session)) is not None]
        return min(dues) if dues else None

    def _loop(self) -> None:
        due: datetime | None = None  # the earliest instant the last tick said is due
        while not self._stop.is_set():
            _wake.clear()
            pause = MAX_SLEEP
            try:
                now = clock.now()
                if due is not None and now >= due:
                    self.metrics.tick_lateness.observe((now - due).total_seconds())
                due = self.tick(now)
                self.last_tick = time.monotonic()
                self.ticks += 1
                if due is not None:
                    pause = max(MIN_SLEEP, min(MAX_SLEEP, (due - clock.now()).total_seconds()))
            except Exception:  # keep the loop alive whatever happens; the next tick retries
                due = None
                self.ticks += 1
                self.metrics.scheduler_failures.inc()
                log.exception("scheduler tick failed")
            _wake.wait(pause)
