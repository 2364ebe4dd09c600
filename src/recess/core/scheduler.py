"""One loop for everything that changes by itself: sleep until the next due instant, then apply.

Features hand in jobs that say when they are next due and do their work in the scheduler's
transaction. The loop sleeps until the earliest due instant, at most MAX_SLEEP (so work written
by other processes is seen within that), or until a write in this app wakes it
(`wake_after_commit(session, "scheduler")`). With several processes on PostgreSQL, a
transaction-level advisory lock lets one of them run each tick.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from recess.core import clock
from recess.core.db import Database
from recess.core.metrics import Metrics
from recess.core.worker import Worker

log = logging.getLogger("recess.scheduler")
MAX_SLEEP = 1.0
MIN_SLEEP = 0.02
_LOCK_ID = 7_263_002


@dataclass(frozen=True)
class Job:
    name: str
    next_due: Callable[[Session], datetime | None]
    run: Callable[[Session, datetime], object]


class Scheduler:
    def __init__(self, db: Database, jobs: Sequence[Job], after_tick: Callable[[], None] | None = None,
                 metrics: Metrics | None = None) -> None:
        self.db = db
        self.jobs = list(jobs)
        self.after_tick = after_tick  # e.g. wake the deliverer for what the tick enqueued
        self.metrics = metrics or Metrics()
        self.last_tick: float | None = None  # time.monotonic() of the last tick that completed
        self.ticks = 0  # ticks completed (or failed) by this process, for whoever waits on one
        self._due: datetime | None = None  # the earliest instant the last tick said is due
        self._next_tick_at: datetime | None = None  # when the loop will tick next unless woken
        self._woken_due: datetime | None = None  # the earliest due a wake during the current tick told of
        self._planning = threading.Lock()
        self.worker = Worker("scheduler", self._step, max_sleep=MAX_SLEEP, on_error=self._failed)

    @property
    def alive(self) -> bool:
        return self.worker.alive

    def start(self) -> None:
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop(timeout=10)

    def wake(self, due: datetime | None = None) -> None:
        """Something was written that is due at `due` (None: maybe now): look again now, unless
        the next tick comes before `due` anyway. During a tick (which may have read before the
        write) a known `due` is kept for the sleep that follows: a stream of creates that end
        next year must not keep the scheduler ticking."""
        with self._planning:
            planned = self._next_tick_at
            if planned is None and due is not None:
                self._woken_due = due if self._woken_due is None else min(self._woken_due, due)
                return
        if due is None or planned is None or due < planned:
            self.worker.wake()

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

    def _step(self) -> float:
        now = clock.now()
        if self._due is not None and now >= self._due:
            self.metrics.tick_lateness.observe((now - self._due).total_seconds())
        self._due = None  # so that a failing tick is not measured as late again
        with self._planning:
            self._next_tick_at = None  # while ticking, wakes are noted (`wake`): the tick may have read before the write
        due = self.tick(now)
        self.last_tick = time.monotonic()
        self.ticks += 1
        with self._planning:
            woken, self._woken_due = self._woken_due, None
            self._due = due if woken is None else woken if due is None else min(due, woken)
            pause = MAX_SLEEP if self._due is None else max(MIN_SLEEP, min(MAX_SLEEP, (self._due - clock.now()).total_seconds()))
            self._next_tick_at = clock.now() + timedelta(seconds=pause)
        return pause

    def _failed(self) -> None:
        self.ticks += 1
        self.metrics.scheduler_failures.inc()
