"""/api/v1/downtime: the deprecated API, served from the same store and rules as v2."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from recess.accounts.auth import require
from recess.accounts.permissions import MONITORS_DOWNTIME, MONITORS_READ
from recess.accounts import store as accounts
from recess.accounts.store import Principal
from recess.core import clock
from recess.core.db import Database
from recess.core.errors import ApiError, bad_request
from recess.core.http import database, json, no_content
from recess.core.schedule import Window, state_at
from recess.core.params import int_id
from recess.core.timefmt import from_posix
from recess.downtimes import rules, service, store, v1
from recess.downtimes import schemas_v1 as wire
from recess.downtimes.model import Downtime, Occurrence
from recess.downtimes.rules import DowntimeError
from recess.notifications.service import Notifier, notifier

router = APIRouter(tags=["Downtimes (v1)"])
can_read = require(MONITORS_READ)
can_write = require(MONITORS_DOWNTIME)


def _v1_id(downtime_id: str) -> int:
    return int_id(downtime_id, "downtime_id", positive=True)


def _render(session: Session, row: Downtime, org_id: int, now: datetime, creator: Any = None) -> dict[str, Any]:
    _, window, _ = wire.current(row, now)
    child = store.occurrence_id(session, row.id, window.start) if wire.has_child(row, window, now) else None
    return wire.document(row, org_id, now, child, creator)


def _render_occurrence(row: Downtime, occurrence: Occurrence, org_id: int, now: datetime) -> dict[str, Any]:
    _, window, state = wire.current(row, now)
    if window.start != occurrence.start:  # an earlier or later occurrence: its own window
        recurrence = rules.schedule_of(row.start, row.end, row.timezone, row.recurrences).recurrences[0]  # type: ignore[union-attr]
        local = occurrence.start.astimezone(recurrence.tz).replace(tzinfo=None)
        window = Window(occurrence.start, recurrence.duration.end_of(local, recurrence.tz))
        state = "canceled" if row.canceled else state_at(window, now)
    return wire.child_document(row, org_id, occurrence.id, window, state)


def _identifier(body: dict[str, Any], previous: Downtime | None = None) -> dict[str, Any] | None:
    if "monitor_id" in body:
        return {"monitor_id": body["monitor_id"]}
    if "monitor_tags" in body:
        return {"monitor_tags": body["monitor_tags"] or ["*"]}
    return None if previous is not None else {"monitor_tags": ["*"]}


def _common(body: dict[str, Any]) -> dict[str, Any]:
    out = {k: body[k] for k in ("message", "notify_end_states", "notify_end_types", "mute_first_recovery_notification") if k in body}
    if "timezone" in body:
        out["display_timezone"] = body["timezone"]
    return out


@router.get("/api/v1/downtime", summary="Get all downtimes (v1)")
def list_downtimes(
    current_only: bool = Query(False), with_creator: bool = Query(False),
    principal: Principal = Depends(can_read), db: Database = Depends(database),
) -> Response:
    now = clock.now()
    with db.read() as session:
        rows = list(store.all_rows(session, principal.org_id))
        if current_only:
            rows = [r for r in rows if wire.current(r, now)[2] == "active"]
        creators = accounts.users_by_id(session, {r.created_by for r in rows}) if with_creator else {}
        return json([_render(session, r, principal.org_id, now, creators.get(r.created_by)) for r in rows])


@router.post("/api/v1/downtime", summary="Schedule a downtime (v1)")
def create_downtime(body: wire.DowntimeV1, principal: Principal = Depends(can_write), db: Database = Depends(database)) -> Response:
    given = body.given()
    now = clock.now()
    try:
        if "scope" not in given:
            raise DowntimeError("Invalid scope parameter")
        terms = v1.parse_scope(given["scope"])
        recurrence = v1.check_recurrence(given["recurrence"]) if "recurrence" in given else None
        start = from_posix(given["start"]) if "start" in given else now
        end = from_posix(given["end"]) if "end" in given else None
        timezone = rules.check_timezone(given.get("timezone") or "UTC", "timezone")
        attributes = {
            **_common(given),
            "scope": v1.scope_query(terms),
            "monitor_identifier": _identifier(given),
            "display_timezone": timezone,
            "schedule": v1.schedule(start, end, timezone, recurrence),  # type: ignore[arg-type]
        }
        fields = rules.create(attributes, now)
    except DowntimeError as exc:
        raise bad_request(str(exc)) from None
    with db.session() as session:
        row = store.insert(session, principal.org_id, principal.user_id, fields, now, api_version=1)  # type: ignore[arg-type]
        row.v1_scope, row.v1_recurrence = terms, recurrence
        body = _render(session, row, principal.org_id, now)
    db.wake("scheduler")
    return json(body)


@router.get("/api/v1/downtime/{downtime_id}", summary="Get a downtime (v1)")
def get_downtime(downtime_id: str, principal: Principal = Depends(can_read), db: Database = Depends(database)) -> Response:
    v1_id = _v1_id(downtime_id)
    now = clock.now()
    with db.read() as session:
        found = store.by_v1_id(session, principal.org_id, v1_id)
        if found is None:
            raise ApiError(404, "Downtime not found")
        row, occurrence = found
        if occurrence is not None:
            return json(_render_occurrence(row, occurrence, principal.org_id, now))
        return json(_render(session, row, principal.org_id, now))


@router.put("/api/v1/downtime/{downtime_id}", summary="Update a downtime (v1)")
def update_downtime(
    downtime_id: str, body: wire.DowntimeV1, principal: Principal = Depends(can_write), db: Database = Depends(database)
) -> Response:
    v1_id = _v1_id(downtime_id)
    given = body.given()
    now = clock.now()
    with db.session() as session:
        found = store.by_v1_id(session, principal.org_id, v1_id, for_update=True)
        if found is None:
            raise ApiError(404, "Downtime not found")
        row = found[0]  # an occurrence's id updates its whole series
        if row.canceled is not None:
            raise bad_request(f"Downtime {v1_id} is canceled and cannot be updated")
        previous = store.fields_of(row)
        echoes: dict[str, Any] = {}
        try:
            changes = _common(given)
            if "scope" in given:
                echoes["v1_scope"] = v1.parse_scope(given["scope"])
                changes["scope"] = v1.scope_query(echoes["v1_scope"])
            identifier = _identifier(given, row)
            if identifier is not None:
                changes["monitor_identifier"] = identifier
            if {"start", "end", "recurrence"} & given.keys() or ("timezone" in given and row.recurrences is not None):
                first_start, first_end = wire.first_window(row)
                recurrence = (
                    v1.check_recurrence(given["recurrence"]) if "recurrence" in given
                    else v1.echo_recurrence(row.v1_recurrence, row.recurrences)
                )
                if recurrence is not None and "recurrence" not in given and recurrence.get("type") != "rrule":
                    recurrence = v1.check_recurrence(recurrence)
                start = from_posix(given["start"]) if "start" in given else first_start
                end = from_posix(given["end"]) if "end" in given else first_end
                timezone = rules.check_timezone(given.get("timezone") or row.display_timezone, "timezone")
                changes["schedule"] = v1.schedule(start, end, timezone, recurrence)  # type: ignore[arg-type]
                echoes["v1_recurrence"] = recurrence
            fields = rules.update(previous, changes, now)
        except DowntimeError as exc:
            raise bad_request(str(exc)) from None
        store.write(row, fields, principal.user_id, now, **echoes)  # type: ignore[arg-type]
        body = _render(session, row, principal.org_id, now)
    db.wake("scheduler")
    return json(body)


@router.delete("/api/v1/downtime/{downtime_id}", summary="Cancel a downtime (v1)", status_code=204, response_class=Response)
def cancel_downtime(
    downtime_id: str, principal: Principal = Depends(can_write), db: Database = Depends(database),
    notifier_: Notifier = Depends(notifier),
) -> Response:
    v1_id = _v1_id(downtime_id)
    with db.session() as session:
        found = store.by_v1_id(session, principal.org_id, v1_id, for_update=True)
        if found is None:
            raise ApiError(404, f"Downtime {v1_id} not found")
        service.cancel(session, notifier_, found[0], principal.user_id, clock.now())  # type: ignore[arg-type]
    db.wake("delivery")
    return no_content()


@router.post("/api/v1/downtime/cancel/by_scope", summary="Cancel downtimes by scope (v1)")
def cancel_by_scope(
    body: wire.CancelByScope, principal: Principal = Depends(can_write), db: Database = Depends(database),
    notifier_: Notifier = Depends(notifier),
) -> Response:
    try:
        wanted = set(v1.parse_scope(body.scope))
    except DowntimeError as exc:
        raise bad_request(str(exc)) from None
    now = clock.now()
    with db.session() as session:
        # Only downtimes that v1 created, as Datadog documents.
        rows = [r for r in store.open_v1_rows(session, principal.org_id) if set(r.v1_scope or ()) == wanted]
        if not rows:
            raise ApiError(404, "No downtimes found")
        for row in rows:
            service.cancel(session, notifier_, row, principal.user_id, now)  # type: ignore[arg-type]
        cancelled = [r.id for r in rows]
    db.wake("delivery")
    return json({"cancelled_ids": cancelled})
