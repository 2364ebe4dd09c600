"""/api/v2/maintenance_windows: list, create, update (PUT, partial), delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr
from sqlalchemy import select

from recess.accounts.auth import require
from recess.accounts.permissions import EVENT_CORRELATION_CONFIG_READ, EVENT_CORRELATION_CONFIG_WRITE
from recess.accounts.store import Principal
from recess.core import clock
from recess.core.db import Database
from recess.core.errors import ApiError, bad_request
from recess.core.http import database, json
from recess.core.ids import is_uuid, random_uuid
from recess.core.timefmt import iso_z, to_utc
from recess.maintenance_windows import rules
from recess.maintenance_windows.model import MaintenanceWindow
from recess.maintenance_windows.rules import WindowError

router = APIRouter(prefix="/api/v2/maintenance_windows", tags=["Case Management"])
can_read = require(EVENT_CORRELATION_CONFIG_READ)
can_write = require(EVENT_CORRELATION_CONFIG_WRITE)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateAttributes(_Strict):
    name: StrictStr = Field(min_length=1)
    query: StrictStr
    start_at: datetime
    end_at: datetime


class UpdateAttributes(_Strict):
    name: StrictStr | None = Field(None, min_length=1)
    query: StrictStr | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None


class CreateData(_Strict):
    type: Literal["maintenance_window"]
    attributes: CreateAttributes


class UpdateData(_Strict):
    type: Literal["maintenance_window"]
    id: StrictStr | None = None
    attributes: UpdateAttributes


class CreateRequest(_Strict):
    data: CreateData


class UpdateRequest(_Strict):
    data: UpdateData


def document(w: MaintenanceWindow) -> dict[str, Any]:
    return {"id": w.id, "type": "maintenance_window", "attributes": {
        "name": w.name, "query": w.query, "start_at": iso_z(w.start_at), "end_at": iso_z(w.end_at),
        "created_by": w.created_by, "updated_by": w.updated_by}}


def _get(session: Any, org_id: int, window_id: str) -> MaintenanceWindow:
    if not is_uuid(window_id):
        raise bad_request("Invalid URL param: maintenance_window_id must be a UUID")
    row = session.scalar(select(MaintenanceWindow).where(MaintenanceWindow.org_id == org_id, MaintenanceWindow.id == window_id.lower()))
    if row is None:
        raise ApiError(404, "Maintenance window not found")
    return row


@router.get("", summary="Get all maintenance windows")
def list_windows(principal: Principal = Depends(can_read), db: Database = Depends(database)) -> Response:
    with db.read() as session:
        rows = session.scalars(select(MaintenanceWindow).where(MaintenanceWindow.org_id == principal.org_id)
                               .order_by(MaintenanceWindow.start_at, MaintenanceWindow.id)).all()
        return json({"data": [document(w) for w in rows]})


@router.post("", summary="Create a maintenance window", status_code=201)
def create_window(request: CreateRequest, principal: Principal = Depends(can_write), db: Database = Depends(database)) -> Response:
    a = request.data.attributes
    start, end = to_utc(a.start_at), to_utc(a.end_at)
    try:
        rules.check_query(a.query)
        rules.check_times(start, end)
    except WindowError as exc:
        raise bad_request(str(exc)) from None
    now = clock.now()
    with db.session() as session:
        row = MaintenanceWindow(id=random_uuid(), org_id=principal.org_id, name=a.name, query=a.query, start_at=start, end_at=end,
                                created_by=principal.user_uuid, updated_by=principal.user_uuid, created_at=now, modified_at=now)
        session.add(row)
        return json({"data": document(row)}, status=201)


@router.put("/{maintenance_window_id}", summary="Update a maintenance window")
def update_window(maintenance_window_id: str, request: UpdateRequest, principal: Principal = Depends(can_write),
                  db: Database = Depends(database)) -> Response:
    given = {k: getattr(request.data.attributes, k) for k in request.data.attributes.model_fields_set}
    for key in ("name", "query", "start_at", "end_at"):
        if key in given and given[key] is None:
            raise bad_request(f"{key} must not be null")
    with db.session() as session:
        row = _get(session, principal.org_id, maintenance_window_id)
        if request.data.id is not None and request.data.id.lower() != row.id:
            raise bad_request("data.id does not match maintenance_window_id in the URL")
        start = to_utc(given["start_at"]) if "start_at" in given else row.start_at
        end = to_utc(given["end_at"]) if "end_at" in given else row.end_at
        try:
            if "query" in given:
                rules.check_query(given["query"])
            rules.check_times(start, end)
        except WindowError as exc:
            raise bad_request(str(exc)) from None
        row.name = given.get("name", row.name)
        row.query = given.get("query", row.query)
        row.start_at, row.end_at = start, end
        row.updated_by, row.modified_at = principal.user_uuid, clock.now()  # type: ignore[assignment]
        return json({"data": document(row)})


@router.delete("/{maintenance_window_id}", summary="Delete a maintenance window", status_code=204, response_class=Response)
def delete_window(maintenance_window_id: str, principal: Principal = Depends(can_write), db: Database = Depends(database)) -> Response:
    with db.session() as session:
        session.delete(_get(session, principal.org_id, maintenance_window_id))
    return Response(status_code=204)
