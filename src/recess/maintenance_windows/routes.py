"""/api/v2/maintenance_windows: list, create, update (PUT, partial), delete."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr
from sqlalchemy.orm import Session

from recess.accounts.auth import require
from recess.accounts.permissions import EVENT_CORRELATION_CONFIG_READ, EVENT_CORRELATION_CONFIG_WRITE
from recess.accounts.store import Principal
from recess.core.db import Database
from recess.core.errors import ApiError, bad_request
from recess.core.jsonapi import Document, Request, RequestData, RequestDataWithId, Resource
from recess.core.http import database, json
from recess.core.limits import Instant, Name, ShortText
from recess.core.params import uuid_id
from recess.core.timefmt import iso_z
from recess.maintenance_windows import service
from recess.maintenance_windows.model import MaintenanceWindow
from recess.maintenance_windows.rules import WindowError

router = APIRouter(prefix="/api/v2/maintenance_windows", tags=["Case Management"])
can_read = require(EVENT_CORRELATION_CONFIG_READ)
can_write = require(EVENT_CORRELATION_CONFIG_WRITE)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateAttributes(_Strict):
    name: Name = Field(min_length=1)
    query: StrictStr  # the search syntax's own limits apply (8192 characters, with their message)
    start_at: Instant
    end_at: Instant


class UpdateAttributes(_Strict):
    name: Name | None = Field(None, min_length=1)
    query: StrictStr | None = None
    start_at: Instant | None = None
    end_at: Instant | None = None


class CreateData(RequestData[Literal["maintenance_window"], CreateAttributes]):
    model_config = ConfigDict(extra="forbid")


class UpdateData(RequestDataWithId[Literal["maintenance_window"], UpdateAttributes]):
    model_config = ConfigDict(extra="forbid")

    id: ShortText | None = None


class CreateRequest(Request[CreateData]):
    model_config = ConfigDict(extra="forbid")


class UpdateRequest(Request[UpdateData]):
    model_config = ConfigDict(extra="forbid")


def document(w: MaintenanceWindow) -> Resource[dict[str, Any]]:
    return Resource(id=w.id, type="maintenance_window", attributes={
        "name": w.name, "query": w.query, "start_at": iso_z(w.start_at), "end_at": iso_z(w.end_at),
        "created_by": w.created_by, "updated_by": w.updated_by})



def _found(session: Session, org_id: int, maintenance_window_id: str) -> MaintenanceWindow:
    window = service.get(session, org_id, uuid_id(maintenance_window_id, "maintenance_window_id"))
    if window is None:
        raise ApiError(404, "Maintenance window not found")
    return window


@router.get("", summary="Get all maintenance windows")
def list_windows(principal: Principal = Depends(can_read), db: Database = Depends(database)) -> Response:
    with db.read() as session:
        return json(Document(data=[document(w) for w in service.list_windows(session, principal.org_id)]).body())


@router.post("", summary="Create a maintenance window", status_code=201)
def create_window(request: CreateRequest, principal: Principal = Depends(can_write), db: Database = Depends(database)) -> Response:
    a = request.data.attributes
    with db.session() as session:
        try:
            window = service.create(session, principal.org_id, by=principal.user_uuid, name=a.name, query=a.query,
                                    start_at=a.start_at, end_at=a.end_at)
        except WindowError as exc:
            raise bad_request(str(exc)) from None
        return json(Document(data=document(window)).body(), status=201)


@router.put("/{maintenance_window_id:id}", summary="Update a maintenance window")
def update_window(maintenance_window_id: str, request: UpdateRequest, principal: Principal = Depends(can_write),
                  db: Database = Depends(database)) -> Response:
    a = request.data.attributes
    for key in ("name", "query", "start_at", "end_at"):
        if key in a.model_fields_set and getattr(a, key) is None:  # absent keeps the value; null is refused
            raise bad_request(f"{key} must not be null")
    with db.session() as session:
        window = _found(session, principal.org_id, maintenance_window_id)
        if request.data.id is not None and request.data.id.lower() != window.id:
            raise bad_request("data.id does not match maintenance_window_id in the URL")
        try:
            service.update(window, by=principal.user_uuid, name=a.name, query=a.query, start_at=a.start_at, end_at=a.end_at)
        except WindowError as exc:
            raise bad_request(str(exc)) from None
        return json(Document(data=document(window)).body())


@router.delete("/{maintenance_window_id:id}", summary="Delete a maintenance window", status_code=204, response_class=Response)
def delete_window(maintenance_window_id: str, principal: Principal = Depends(can_write), db: Database = Depends(database)) -> Response:
    with db.session() as session:
        service.delete(session, _found(session, principal.org_id, maintenance_window_id))
    return Response(status_code=204)
