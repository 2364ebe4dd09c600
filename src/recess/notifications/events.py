"""Monitor alert events (muted or not) through Datadog's Events API, and each monitor's
notifications with their deliveries (a recess extension)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import RedirectResponse

from recess.accounts.auth import require
from recess.accounts.permissions import MONITORS_READ
from recess.accounts.store import Principal
from recess.core.application import settings
from recess.core.db import Database
from recess.core.errors import ApiError, bad_request
from recess.core.http import database, json
from recess.core.limits import INT64_MAX, MAX_INSTANT, MAX_POSIX, MIN_POSIX
from recess.core.params import int_id
from recess.core.timefmt import from_posix, posix
from recess.notifications import history
from recess.notifications.model import Notification
from recess.notifications.outbox import alert_type
from recess.settings import Settings

router = APIRouter(tags=["Events"])
PAGE = 1000


def event_document(n: Notification, public_url: str) -> dict[str, Any]:
    hosts = [t.split(":", 1)[1] for t in n.tags if t.startswith("host:")]
    return {
        "id": n.id, "id_str": str(n.id), "title": n.title, "text": n.text, "date_happened": posix(n.at),
        "priority": "normal", "host": hosts[0] if hosts else None, "device_name": None, "tags": list(n.tags),
        "alert_type": alert_type(n.to_state), "source_type_name": "Monitor Alert",
        "url": f"{public_url.rstrip('/')}/event/event?id={n.id}",
        # recess adds how the notification was handled:
        "monitor_id": n.monitor_id, "monitor_group": n.group_name, "alert_transition": n.transition,
        "muted": n.muted, "muted_by": list(n.muted_by),
    }


@router.get("/api/v1/events", summary="Get a list of events")
def list_events(
    start: int = Query(..., description="POSIX timestamp", ge=MIN_POSIX, le=MAX_POSIX),
    end: int = Query(..., description="POSIX timestamp", ge=MIN_POSIX, le=MAX_POSIX),
    tags: str | None = Query(None), sources: str | None = Query(None), priority: str | None = Query(None),
    page: int = Query(0, ge=0, le=INT64_MAX), unaggregated: bool | None = Query(None), exclude_aggregate: bool | None = Query(None),
    principal: Principal = Depends(require(MONITORS_READ)), db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> Response:
    if end < start:
        raise bad_request("end must not be before start")
    if sources and "monitor" not in sources.lower() and "alert" not in sources.lower():
        return json({"events": [], "status": "ok"})
    if priority and priority != "normal":
        return json({"events": [], "status": "ok"})
    wanted = [t.strip().lower() for t in (tags or "").split(",") if t.strip()]
    with db.read() as session:
        # `end` is a whole second: it ends just before the next one (or at the last instant there is).
        until = from_posix(end + 1) if end < MAX_POSIX else MAX_INSTANT
        rows = history.between(session, principal.org_id, from_posix(start), until, wanted)
    return json({"events": [event_document(r, config.public_url) for r in rows[page * PAGE : (page + 1) * PAGE]], "status": "ok"})


@router.get("/event/event", include_in_schema=False)
def event_link(id: str = Query(...)) -> Response:  # noqa: A002 - Datadog's parameter name
    """Where an event's `url` points (Datadog's event page): the event's API resource."""
    if not id.isdigit():
        raise bad_request("Invalid query parameter 'id': must be an integer")
    return RedirectResponse(f"/api/v1/events/{int(id)}", status_code=302)


@router.get("/api/v1/events/{event_id:id}", summary="Get an event")
def get_event(event_id: str, principal: Principal = Depends(require(MONITORS_READ)), db: Database = Depends(database),
              config: Settings = Depends(settings)) -> Response:
    wanted = int_id(event_id, "event_id")
    with db.read() as session:
        row = history.one(session, principal.org_id, wanted)
        if row is None:
            raise ApiError(404, "Event not found")
        return json({"event": event_document(row, config.public_url), "status": "ok"})
