"""`/healthz` (the process answers) and `/readyz` (it can do its work), without authentication.

Ready means: the database answers, its schema is at the revision this code expects, and the
scheduler and the delivery worker are running and have made progress recently. Anything else
is a 503 naming the first reason, with every check's result.
"""

from __future__ import annotations

import os
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from recess import __version__
from recess.core.application import services
from recess.core.db import Database
from recess.notifications.feature import DELIVERER

router = APIRouter(tags=["Operations"])


def _worker(worker: Any, progress: float | None, stale_after: float) -> tuple[bool, str]:
    if worker is None or not worker.alive:
        return False, "not running"
    if progress is None:
        return False, "has not completed a pass yet"
    age = time.monotonic() - progress
    if age > stale_after:
        return False, f"no progress for {age:.0f} s"
    return True, f"last pass {age:.1f} s ago"


def _database(db: Database) -> tuple[bool, str, bool, str]:
    try:
        current, head = db.revision()
    except Exception as exc:  # any failure to reach or read the database means not ready
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return False, f"unreachable ({db.describe()}): {reason[:300]}", False, "unknown"
    migrated = current == head
    return True, "ok", migrated, f"at {current}, code expects {head}"


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive and answering."""
    return {"status": "ok", "version": __version__}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """The database is reachable and migrated, and the background workers are running."""
    shared = services(request)
    reachable, db_detail, migrated, schema_detail = _database(shared.db)
    deliverer, scheduler = shared.get(DELIVERER), shared.scheduler
    if shared.leadership is not None and not shared.leadership.held:
        # Another process on this SQLite database runs the loops (recess serve --workers).
        sched_ok, sched_detail = deliver_ok, deliver_detail = True, "standing by: another process runs it"
    else:
        sched_ok, sched_detail = _worker(scheduler, scheduler.last_tick if scheduler else None, stale_after=30.0)
        # A pass may spend a delivery timeout on each of a batch's receivers; progress is per send.
        deliver_ok, deliver_detail = _worker(deliverer, deliverer.heartbeat, stale_after=max(30.0, 2 * deliverer.timeout + 5))
    checks = {
        "database": {"ok": reachable, "detail": db_detail},
        "migrations": {"ok": migrated, "detail": schema_detail},
        "scheduler": {"ok": sched_ok, "detail": sched_detail},
        "delivery": {"ok": deliver_ok, "detail": deliver_detail},
    }
    failing = [f"{name}: {check['detail']}" for name, check in checks.items() if not check["ok"]]
    if failing:
        return JSONResponse({"status": "unavailable", "reason": failing[0], "checks": checks, "process": os.getpid()},
                            status_code=503)
    return JSONResponse({"status": "ready", "checks": checks, "process": os.getpid()})
