"""Degradations, their backfills and their update timelines on the wire."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Response

from recess.accounts.store import Principal
from recess.core import clock
from recess.core.db import Database
from recess.core.http import database
from recess.statuspages import documents, resources, rules, store
from recess.statuspages import service_degradations as degradations
from recess.statuspages import service_timeline as timeline
from recess.statuspages import service_subscriptions as subscriptions
from recess.statuspages.service_subscriptions import Outbound
from recess.statuspages.http import (
    PREFIX, answer, can_read, can_write_incidents, includes, no_content, outbound, page_or_404, path_id, public_url,
    reading, status_filter, writing,
)
from recess.statuspages.schemas import BackfillDegradationInRequest, DegradationInRequest, DegradationPatchRequest, DegradationUpdateRequest

router = APIRouter(prefix=PREFIX, tags=["Status Pages"])
INCLUDES = ("created_by_user", "last_modified_by_user", "status_page")
UPDATE_INCLUDES = ("created_by_user", "last_modified_by_user", "degradation", "status_page")


@router.post("/{page_id:id}/degradations", summary="Create degradation", status_code=201)
def create_degradation(page_id: str, request: DegradationInRequest, include: str | None = Query(None),
                       notify_subscribers: bool = Query(True), actor: Principal = Depends(can_write_incidents),
                       db: Database = Depends(database), base: str = Depends(public_url), out: Outbound = Depends(outbound)) -> Response:
    wanted = includes(include, INCLUDES)
    now = clock.now()
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        row = degradations.create(session, actor.org_id, page, request.data.attributes, actor.user_uuid, now)
        if notify_subscribers:
            subscriptions.notify(session, page, "incident", row, out, now)
        return answer(documents.document(session, documents.degradation(session, row), wanted, base), 201)


@router.post("/{page_id:id}/degradations/backfill", summary="Create backfilled degradation", status_code=201)
def backfill_degradation(page_id: str, request: BackfillDegradationInRequest, include: str | None = Query(None),
                         actor: Principal = Depends(can_write_incidents), db: Database = Depends(database),
                         base: str = Depends(public_url)) -> Response:
    wanted = includes(include, INCLUDES)
    now = clock.now()
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        row = degradations.backfill(session, actor.org_id, page, request.data.attributes, actor.user_uuid, now)
        return answer(documents.document(session, documents.degradation(session, row), wanted, base), 201)


@router.get("/degradations", summary="List degradations")
def list_degradations(
    page_offset: int = Query(0, alias="page[offset]", ge=0), page_limit: int = Query(50, alias="page[limit]", ge=1, le=1000),
    filter_page_id: str | None = Query(None, alias="filter[page_id]"), filter_status: str | None = Query(None, alias="filter[status]"),
    sort: Literal["created_at", "-created_at", "modified_at", "-modified_at"] = Query("created_at"),
    include: str | None = Query(None), actor: Principal = Depends(can_read), db: Database = Depends(database),
    base: str = Depends(public_url),
) -> Response:
    wanted = includes(include, INCLUDES)
    statuses = status_filter(filter_status, rules.DEGRADATION_STATUSES)
    with reading(db) as session:
        rows = store.degradations(session, actor.org_id, path_id(filter_page_id, "filter[page_id]") if filter_page_id else None)
        data = documents.degradations(session, rows, statuses, sort)
        meta = resources.offset_meta(page_offset, page_limit, len(data))
        return answer(documents.document(session, data[page_offset : page_offset + page_limit], wanted, base, meta))


@router.get("/{page_id:id}/degradations/{degradation_id:id}", summary="Get degradation")
def get_degradation(page_id: str, degradation_id: str, include: str | None = Query(None), actor: Principal = Depends(can_read),
                    db: Database = Depends(database), base: str = Depends(public_url)) -> Response:
    wanted = includes(include, INCLUDES)
    with reading(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        row = degradations.find(session, page, path_id(degradation_id, "degradation_id"))
        return answer(documents.document(session, documents.degradation(session, row), wanted, base))


@router.patch("/{page_id:id}/degradations/{degradation_id:id}", summary="Update degradation")
def update_degradation(page_id: str, degradation_id: str, request: DegradationPatchRequest, include: str | None = Query(None),
                       notify_subscribers: bool = Query(True), actor: Principal = Depends(can_write_incidents),
                       db: Database = Depends(database), base: str = Depends(public_url), out: Outbound = Depends(outbound)) -> Response:
    wanted = includes(include, INCLUDES)
    now = clock.now()
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        row = degradations.find(session, page, path_id(degradation_id, "degradation_id"))
        degradations.update(session, page, row, request.data.attributes, actor.user_uuid, now)
        if notify_subscribers:
            subscriptions.notify(session, page, "incident", row, out, now)
        return answer(documents.document(session, documents.degradation(session, row), wanted, base))


@router.delete("/{page_id:id}/degradations/{degradation_id:id}", summary="Delete degradation", status_code=204, response_class=Response)
def delete_degradation(page_id: str, degradation_id: str, actor: Principal = Depends(can_write_incidents),
                       db: Database = Depends(database)) -> Response:
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        degradations.delete(session, degradations.find(session, page, path_id(degradation_id, "degradation_id")))
    return no_content()


@router.patch("/{page_id:id}/degradations/{degradation_id:id}/updates/{update_id:id}", summary="Edit degradation update")
def edit_degradation_update(page_id: str, degradation_id: str, update_id: str, request: DegradationUpdateRequest,
                            include: str | None = Query(None), actor: Principal = Depends(can_write_incidents),
                            db: Database = Depends(database), base: str = Depends(public_url)) -> Response:
    wanted = includes(include, UPDATE_INCLUDES)
    now = clock.now()
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        parent = degradations.find(session, page, path_id(degradation_id, "degradation_id"))
        row = timeline.find(session, parent.id, path_id(update_id, "update_id"))
        degradations.edit_update(parent, row, request.data.attributes, actor.user_uuid, now)
        data = resources.update_resource(row, parent, documents.component_names(session, [page.id]))
        extra = [documents.degradation(session, parent)] if "degradation" in wanted else []
        return answer(documents.document(session, data, wanted, base, own=frozenset({"degradation"}), extra=extra))


@router.delete("/{page_id:id}/degradations/{degradation_id:id}/updates/{update_id:id}", summary="Delete degradation update",
               status_code=204, response_class=Response)
def soft_delete_degradation_update(page_id: str, degradation_id: str, update_id: str, actor: Principal = Depends(can_write_incidents),
                                   db: Database = Depends(database)) -> Response:
    now = clock.now()
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        parent = degradations.find(session, page, path_id(degradation_id, "degradation_id"))
        row = timeline.find(session, parent.id, path_id(update_id, "update_id"))
        degradations.delete_update(session, parent, row, actor.user_uuid, now)
    return no_content()
