"""Maintenances, their backfills and their update timelines on the wire."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Response

from recess.accounts.store import Principal
from recess.core import clock
from recess.core.db import Database
from recess.core.errors import ApiError
from recess.core.http import database
from recess.statuspages import documents, resources, rules
from recess.statuspages import service_maintenances as maintenances
from recess.statuspages import service_timeline as timeline
from recess.statuspages import service_subscriptions as subscriptions
from recess.statuspages.service_subscriptions import Outbound
from recess.statuspages.http import (
    PREFIX, answer, can_read, can_write_incidents, includes, outbound, page_or_404, path_id, public_url, reading,
    status_filter, writing,
)
from recess.statuspages.listeners import MaintenanceListener, maintenance_listener
from recess.statuspages.schemas import (
    BackfillMaintenanceInRequest, MaintenanceInRequest, MaintenancePatchRequest, MaintenanceUpdateRequest,
)

router = APIRouter(prefix=PREFIX, tags=["Status Pages"])
INCLUDES = ("created_by_user", "last_modified_by_user", "status_page")
UPDATE_INCLUDES = ("created_by_user", "last_modified_by_user", "maintenance")


@router.post("/{page_id:id}/maintenances", summary="Create maintenance", status_code=201)
def create_maintenance(page_id: str, request: MaintenanceInRequest, include: str | None = Query(None),
                       notify_subscribers: bool = Query(True), actor: Principal = Depends(can_write_incidents),
                       db: Database = Depends(database), base: str = Depends(public_url), out: Outbound = Depends(outbound),
                       listener: MaintenanceListener = Depends(maintenance_listener)) -> Response:
    wanted = includes(include, INCLUDES)
    given = request.data.attributes
    now = clock.now()
    with writing(db) as session:
        planned = maintenances.window(given.start_date, given.completed_date)  # checked before the page is looked for
        page = page_or_404(session, actor.org_id, page_id)
        row = maintenances.create(session, actor.org_id, page, given, planned, actor.user_uuid, now, listener, notify_subscribers)
        if notify_subscribers:
            subscriptions.notify(session, page, "maintenance", row, out, now)
        return answer(documents.document(session, documents.maintenance(session, row), wanted, base), 201)


@router.post("/{page_id:id}/maintenances/backfill", summary="Create backfilled maintenance", status_code=201)
def backfill_maintenance(page_id: str, request: BackfillMaintenanceInRequest, include: str | None = Query(None),
                         actor: Principal = Depends(can_write_incidents), db: Database = Depends(database),
                         base: str = Depends(public_url)) -> Response:
    wanted = includes(include, INCLUDES)
    now = clock.now()
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        row = maintenances.backfill(session, actor.org_id, page, request.data.attributes, actor.user_uuid, now)
        return answer(documents.document(session, documents.maintenance(session, row), wanted, base), 201)


@router.get("/maintenances", summary="List maintenances")
def list_maintenances(
    page_offset: int = Query(0, alias="page[offset]", ge=0), page_limit: int = Query(50, alias="page[limit]", ge=1, le=1000),
    filter_page_id: str | None = Query(None, alias="filter[page_id]"), filter_status: str | None = Query(None, alias="filter[status]"),
    sort: Literal["created_at", "-created_at", "start_date", "-start_date"] = Query("created_at"),
    include: str | None = Query(None), actor: Principal = Depends(can_read), db: Database = Depends(database),
    base: str = Depends(public_url),
) -> Response:
    wanted = includes(include, INCLUDES)
    statuses = status_filter(filter_status, rules.MAINTENANCE_STATUSES)
    with reading(db) as session:
        page_id = path_id(filter_page_id, "filter[page_id]") if filter_page_id else None
        rows = maintenances.listing(session, actor.org_id, page_id, statuses, sort)
        data = documents.maintenances(session, rows[page_offset : page_offset + page_limit])
        return answer(documents.document(session, data, wanted, base, resources.offset_meta(page_offset, page_limit, len(rows))))


@router.get("/{page_id:id}/maintenances/{maintenance_id:id}", summary="Get maintenance")
def get_maintenance(page_id: str, maintenance_id: str, include: str | None = Query(None), actor: Principal = Depends(can_read),
                    db: Database = Depends(database), base: str = Depends(public_url)) -> Response:
    wanted = includes(include, INCLUDES)
    with reading(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        row = maintenances.find(session, page, path_id(maintenance_id, "maintenance_id"))
        return answer(documents.document(session, documents.maintenance(session, row), wanted, base))


@router.patch("/{page_id:id}/maintenances/{maintenance_id:id}", summary="Update maintenance")
def update_maintenance(page_id: str, maintenance_id: str, request: MaintenancePatchRequest, include: str | None = Query(None),
                       notify_subscribers: bool = Query(True), actor: Principal = Depends(can_write_incidents),
                       db: Database = Depends(database), base: str = Depends(public_url), out: Outbound = Depends(outbound),
                       listener: MaintenanceListener = Depends(maintenance_listener)) -> Response:
    wanted = includes(include, INCLUDES)
    now = clock.now()
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        row = maintenances.find(session, page, path_id(maintenance_id, "maintenance_id"))
        maintenances.update(session, page, row, request.data.attributes, actor.user_uuid, now, listener)
        if notify_subscribers:
            subscriptions.notify(session, page, "maintenance", row, out, now)
        return answer(documents.document(session, documents.maintenance(session, row), wanted, base))


@router.patch("/{page_id:id}/maintenances/{maintenance_id:id}/updates/{update_id:id}", summary="Edit maintenance update")
def patch_maintenance_update(page_id: str, maintenance_id: str, update_id: str, request: MaintenanceUpdateRequest,
                             include: str | None = Query(None), actor: Principal = Depends(can_write_incidents),
                             db: Database = Depends(database), base: str = Depends(public_url)) -> Response:
    wanted = includes(include, UPDATE_INCLUDES)
    given = request.data.attributes
    if given.status is not None:
        raise ApiError(400, "a maintenance update's status cannot be edited: change the maintenance's status instead")
    now = clock.now()
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        parent = maintenances.find(session, page, path_id(maintenance_id, "maintenance_id"))
        row = timeline.find(session, parent.id, path_id(update_id, "update_id"))
        maintenances.edit_update(parent, row, given.description, actor.user_uuid, now)
        data = resources.update_resource(row, parent, documents.component_names(session, [page.id]))
        extra = [documents.maintenance(session, parent)] if "maintenance" in wanted else []
        return answer(documents.document(session, data, wanted, base, own=frozenset({"maintenance"}), extra=extra))
