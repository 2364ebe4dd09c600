"""/api/v1/downtime: the deprecated API, served from the same store and rules as v2."""

from __future__ import annotations


from fastapi import APIRouter, Depends, Query, Response

from recess.accounts.auth import require
from recess.accounts.permissions import MONITORS_DOWNTIME, MONITORS_READ
from recess.accounts import store as accounts
from recess.accounts.store import Principal
from recess.core import clock
from recess.core.db import Database
from recess.core.errors import ApiError, bad_request
from recess.core.http import database, json, no_content
from recess.core.params import int_id
from recess.downtimes import service, service_v1, store, v1
from recess.downtimes import schemas_v1 as wire
from recess.downtimes.rules import DowntimeError
from recess.notifications.service import Notifier, notifier

router = APIRouter(tags=["Downtimes (v1)"])
can_read = require(MONITORS_READ)
can_write = require(MONITORS_DOWNTIME)


def _v1_id(downtime_id: str) -> int:
    return int_id(downtime_id, "downtime_id", positive=True)


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
        return json([service_v1.render(session, r, principal.org_id, now, creators.get(r.created_by)) for r in rows])


@router.post("/api/v1/downtime", summary="Schedule a downtime (v1)")
def create_downtime(body: wire.DowntimeV1, principal: Principal = Depends(can_write), db: Database = Depends(database)) -> Response:
    given = body.given()
    now = clock.now()
    try:
        terms, recurrence, fields = service_v1.create(given, now)
    except DowntimeError as exc:
        raise bad_request(str(exc)) from None
    with db.session() as session:
        row = store.insert(session, principal.org_id, principal.user_id, fields, now, api_version=1)
        row.v1_scope, row.v1_recurrence = terms, recurrence
        answer = service_v1.render(session, row, principal.org_id, now)
    service.wake_for_end(db, row)
    return json(answer)


@router.get("/api/v1/downtime/{downtime_id:id}", summary="Get a downtime (v1)")
def get_downtime(downtime_id: str, principal: Principal = Depends(can_read), db: Database = Depends(database)) -> Response:
    v1_id = _v1_id(downtime_id)
    now = clock.now()
    with db.read() as session:
        found = store.by_v1_id(session, principal.org_id, v1_id)
        if found is None:
            raise ApiError(404, "Downtime not found")
        row, occurrence = found
        if occurrence is not None:
            return json(service_v1.render_occurrence(row, occurrence, principal.org_id, now))
        return json(service_v1.render(session, row, principal.org_id, now))


@router.put("/api/v1/downtime/{downtime_id:id}", summary="Update a downtime (v1)")
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
        try:
            fields, echoes = service_v1.update(row, given, now)
        except DowntimeError as exc:
            raise bad_request(str(exc)) from None
        store.write(row, fields, principal.user_id, now, **echoes)
        answer = service_v1.render(session, row, principal.org_id, now)
    service.wake_for_end(db, row)
    return json(answer)


@router.delete("/api/v1/downtime/{downtime_id:id}", summary="Cancel a downtime (v1)", status_code=204, response_class=Response)
def cancel_downtime(
    downtime_id: str, principal: Principal = Depends(can_write), db: Database = Depends(database),
    notifier_: Notifier = Depends(notifier),
) -> Response:
    v1_id = _v1_id(downtime_id)
    with db.session() as session:
        found = store.by_v1_id(session, principal.org_id, v1_id, for_update=True)
        if found is None:
            raise ApiError(404, f"Downtime {v1_id} not found")
        service.cancel(session, notifier_, found[0], principal.user_id, clock.now())
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
            service.cancel(session, notifier_, row, principal.user_id, now)
        cancelled = [r.id for r in rows]
    db.wake("delivery")
    return json({"cancelled_ids": cancelled})
