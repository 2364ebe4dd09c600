"""Degradations and maintenances, their update timelines, backfills, and automatic transitions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr
from sqlalchemy.orm import Session

from recess.accounts.store import Principal
from recess.core import clock
from recess.core.db import Database
from recess.core.errors import ApiError
from recess.core.http import database
from recess.core.ids import random_uuid
from recess.core.timefmt import to_utc
from recess.statuspages import rules, store, views
from recess.statuspages.http import (
    PREFIX, can_read, can_write_incidents, component_names, doc, included, includes, no_content, page_or_404, uuid_param,
)
from recess.statuspages.model import Component, Degradation, Maintenance, StatusPage, Update
from recess.statuspages.rules import PageError

router = APIRouter(prefix=PREFIX, tags=["Status Pages"])
INCLUDES = ("created_by_user", "last_modified_by_user", "status_page")
DegradationStatus = Literal["investigating", "identified", "monitoring", "resolved"]
ComponentStatus = Literal["operational", "degraded", "partial_outage", "major_outage", "maintenance"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Affected(_Body):
    id: StrictStr
    status: ComponentStatus


class MaintenanceAffected(_Body):
    id: StrictStr
    status: Literal["operational", "maintenance"]


class DegradationIn(_Body):
    title: StrictStr = Field(min_length=1)
    status: DegradationStatus
    description: StrictStr | None = None
    components_affected: list[Affected] = []


class DegradationPatch(_Body):
    title: StrictStr | None = Field(None, min_length=1)
    status: DegradationStatus | None = None
    description: StrictStr | None = None
    components_affected: list[Affected] | None = None


class BackfillDegradationUpdate(_Body):
    started_at: datetime
    status: DegradationStatus
    description: StrictStr | None = None
    components_affected: list[Affected] = []


class BackfillDegradationIn(_Body):
    title: StrictStr = Field(min_length=1)
    updates: list[BackfillDegradationUpdate]


class MaintenanceIn(_Body):
    title: StrictStr = Field(min_length=1)
    scheduled_description: StrictStr
    in_progress_description: StrictStr
    completed_description: StrictStr
    start_date: datetime
    completed_date: datetime
    components_affected: list[MaintenanceAffected] = []


class MaintenancePatch(_Body):
    title: StrictStr | None = Field(None, min_length=1)
    scheduled_description: StrictStr | None = None
    in_progress_description: StrictStr | None = None
    completed_description: StrictStr | None = None
    canceled_description: StrictStr | None = None
    start_date: datetime | None = None
    completed_date: datetime | None = None
    status: Literal["scheduled", "in_progress", "completed", "canceled"] | None = None
    components_affected: list[MaintenanceAffected] | None = None


class BackfillMaintenanceUpdate(_Body):
    started_at: datetime
    status: Literal["in_progress", "completed"]
    description: StrictStr
    components_affected: list[MaintenanceAffected] = []


class BackfillMaintenanceIn(_Body):
    title: StrictStr = Field(min_length=1)
    updates: list[BackfillMaintenanceUpdate]


class UpdatePatch(_Body):
    description: StrictStr | None = None
    status: DegradationStatus | None = None


def _envelope(kind: str, model: type[BaseModel]) -> type[BaseModel]:
    """`{"data": {"type": kind, "id"?: …, "attributes": model}}`: the JSON:API request body around
    `model`, made once per resource type instead of eight near-identical pairs of classes."""
    data = type(f"{model.__name__}Data", (_Body,), {"__annotations__": {"type": Literal[kind], "attributes": model, "id": StrictStr | None}, "id": None})  # type: ignore[valid-type]
    return type(f"{model.__name__}Request", (_Body,), {"__annotations__": {"data": data}})


DegradationRequest = _envelope("degradations", DegradationIn)
DegradationPatchRequest = _envelope("degradations", DegradationPatch)
BackfillDegradationRequest = _envelope("degradations", BackfillDegradationIn)
MaintenanceRequest = _envelope("maintenances", MaintenanceIn)
MaintenancePatchRequest = _envelope("maintenances", MaintenancePatch)
BackfillMaintenanceRequest = _envelope("maintenances", BackfillMaintenanceIn)
DegradationUpdateRequest = _envelope("degradation_updates", UpdatePatch)
MaintenanceUpdateRequest = _envelope("maintenance_updates", UpdatePatch)


def _affected(session: Session, page: StatusPage, items: list[Any]) -> list[dict[str, str]]:
    """[{id, name, status}]; unknown components and groups are a 400."""
    out = []
    for item in items:
        row = session.get(Component, item.id.lower()) if isinstance(item.id, str) else None
        if row is None or row.page_id != page.id:
            raise ApiError(400, f"component {item.id} is not a component of this status page")
        if row.type == "group":
            raise ApiError(400, f"component {item.id} is a group: affected components must be of type component")
        out.append({"id": row.id, "name": row.name, "status": item.status})
    return out


def _add_update(session: Session, parent_id: str, kind: str, status: str, description: str, affected: list[dict[str, str]],
                started_at: datetime, now: datetime, user: str, manual: bool = False) -> Update:
    row = Update(id=random_uuid(), parent_id=parent_id, kind=kind, status=status, description=description or "",
                 components_affected=affected, started_at=started_at, created_at=now, modified_at=now, created_by=user,
                 modified_by=user, manual_transition=manual, deleted_at=None, deleted_by=None, seq=store.next_seq(session, parent_id))
    session.add(row)
    session.flush()
    return row


def _body(session: Session, data: list[dict[str, Any]] | dict[str, Any], wanted: set[str], meta: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"data": data}
    if meta is not None:
        body["meta"] = meta
    if wanted:
        body["included"] = included(session, data if isinstance(data, list) else [data], wanted)
    return body


def _degradation_doc(session: Session, row: Degradation) -> dict[str, Any]:
    return views.degradation_doc(row, store.updates(session, [row.id])[row.id], component_names(session, [row.page_id]))


def _maintenance_doc(session: Session, row: Maintenance, newest_first: bool = False) -> dict[str, Any]:
    return views.maintenance_doc(row, store.updates(session, [row.id])[row.id], component_names(session, [row.page_id]), newest_first)


def _status_filter(text: str | None, allowed: tuple[str, ...]) -> set[str]:
    """`filter[status]=a,b` -> {"a", "b"}; an unknown status is a 400."""
    statuses = {s.strip() for s in (text or "").split(",") if s.strip()}
    if statuses - set(allowed):
        raise ApiError(400, f"filter[status] must be among {', '.join(allowed)}")
    return statuses


def _page_error(exc: PageError) -> ApiError:
    return ApiError(exc.status, str(exc))


# --- degradations -----------------------------------------------------------------------------


def _degradation_or_404(session: Session, page: StatusPage, degradation_id: str) -> Degradation:
    row = store.degradation(session, page.id, uuid_param(degradation_id, "degradation_id"))
    if row is None:
        raise ApiError(404, "degradation not found")
    return row


@router.post("/{page_id}/degradations", summary="Create degradation", status_code=201)
def create_degradation(page_id: str, request: DegradationRequest, include: str | None = Query(None),  # type: ignore[valid-type]
                       notify_subscribers: bool = Query(True), principal: Principal = Depends(can_write_incidents),
                       db: Database = Depends(database)) -> Response:
    wanted = includes(include, INCLUDES)
    a = request.data.attributes  # type: ignore[attr-defined]
    now = clock.now()
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        affected = _affected(session, page, a.components_affected)
        row = Degradation(id=random_uuid(), org_id=principal.org_id, page_id=page.id, title=a.title, is_backfilled=False,
                          created_at=now, modified_at=now, created_by=principal.user_uuid, modified_by=principal.user_uuid)
        session.add(row)
        _add_update(session, row.id, "degradation", a.status, a.description or "", affected, now, now, principal.user_uuid)  # type: ignore[arg-type]
        return doc(_body(session, _degradation_doc(session, row), wanted), 201)


@router.post("/{page_id}/degradations/backfill", summary="Create backfilled degradation", status_code=201)
def backfill_degradation(page_id: str, request: BackfillDegradationRequest, include: str | None = Query(None),  # type: ignore[valid-type]
                         principal: Principal = Depends(can_write_incidents), db: Database = Depends(database)) -> Response:
    wanted = includes(include, INCLUDES)
    a = request.data.attributes  # type: ignore[attr-defined]
    now = clock.now()
    updates = [{"status": u.status, "started_at": to_utc(u.started_at), "description": u.description} for u in a.updates]
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        try:
            rules.check_degradation_backfill(updates, now)
        except PageError as exc:
            raise _page_error(exc) from None
        row = Degradation(id=random_uuid(), org_id=principal.org_id, page_id=page.id, title=a.title, is_backfilled=True,
                          created_at=updates[0]["started_at"], modified_at=now, created_by=principal.user_uuid,
                          modified_by=principal.user_uuid)
        session.add(row)
        for u, raw in zip(updates, a.updates, strict=True):
            _add_update(session, row.id, "degradation", u["status"], u["description"] or "",
                        _affected(session, page, raw.components_affected), u["started_at"], now, principal.user_uuid)  # type: ignore[arg-type]
        return doc(_body(session, _degradation_doc(session, row), wanted), 201)


@router.get("/degradations", summary="List degradations")
def list_degradations(
    page_offset: int = Query(0, alias="page[offset]", ge=0), page_limit: int = Query(50, alias="page[limit]", ge=1, le=1000),
    filter_page_id: str | None = Query(None, alias="filter[page_id]"), filter_status: str | None = Query(None, alias="filter[status]"),
    sort: Literal["created_at", "-created_at", "modified_at", "-modified_at"] = Query("created_at"),
    include: str | None = Query(None), principal: Principal = Depends(can_read), db: Database = Depends(database),
) -> Response:
    wanted = includes(include, INCLUDES)
    statuses = _status_filter(filter_status, rules.DEGRADATION_STATUSES)
    with db.read() as session:
        rows = list(store.degradations(session, principal.org_id, uuid_param(filter_page_id, "filter[page_id]") if filter_page_id else None))
        timelines = store.updates(session, [r.id for r in rows])
        names = component_names(session, list({r.page_id for r in rows}))
        data = [views.degradation_doc(r, timelines[r.id], names) for r in rows]
        if statuses:
            data = [d for d in data if d["attributes"]["status"] in statuses]
        key = sort.lstrip("-")
        data.sort(key=lambda d: (d["attributes"][key], d["id"]), reverse=sort.startswith("-"))
        shown = data[page_offset : page_offset + page_limit]
        return doc(_body(session, shown, wanted, views.offset_meta(page_offset, page_limit, len(data))))


@router.get("/{page_id}/degradations/{degradation_id}", summary="Get degradation")
def get_degradation(page_id: str, degradation_id: str, include: str | None = Query(None), principal: Principal = Depends(can_read),
                    db: Database = Depends(database)) -> Response:
    wanted = includes(include, INCLUDES)
    with db.read() as session:
        page = page_or_404(session, principal.org_id, page_id)
        return doc(_body(session, _degradation_doc(session, _degradation_or_404(session, page, degradation_id)), wanted))


@router.patch("/{page_id}/degradations/{degradation_id}", summary="Update degradation")
def update_degradation(page_id: str, degradation_id: str, request: DegradationPatchRequest, include: str | None = Query(None),  # type: ignore[valid-type]
                       notify_subscribers: bool = Query(True), principal: Principal = Depends(can_write_incidents),
                       db: Database = Depends(database)) -> Response:
    wanted = includes(include, INCLUDES)
    a = request.data.attributes  # type: ignore[attr-defined]
    given = a.model_fields_set
    now = clock.now()
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        row = _degradation_or_404(session, page, degradation_id)
        if a.title is not None:
            row.title = a.title
        # A new status, description or set of affected components is a new entry in the timeline.
        if {"status", "description", "components_affected"} & given:
            last = store.live_updates(store.updates(session, [row.id])[row.id])[-1]
            affected = _affected(session, page, a.components_affected) if a.components_affected is not None else last.components_affected
            _add_update(session, row.id, "degradation", a.status or last.status,
                        a.description if a.description is not None else last.description, affected, now, now, principal.user_uuid)  # type: ignore[arg-type]
        row.modified_at, row.modified_by = now, principal.user_uuid  # type: ignore[assignment]
        return doc(_body(session, _degradation_doc(session, row), wanted))


@router.delete("/{page_id}/degradations/{degradation_id}", summary="Delete degradation", status_code=204, response_class=Response)
def delete_degradation(page_id: str, degradation_id: str, principal: Principal = Depends(can_write_incidents),
                       db: Database = Depends(database)) -> Response:
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        row = _degradation_or_404(session, page, degradation_id)
        session.query(Update).filter(Update.parent_id == row.id).delete()
        session.delete(row)
    return no_content()


def _update_or_404(session: Session, parent_id: str, update_id: str) -> Update:
    row = session.get(Update, uuid_param(update_id, "update_id"))
    if row is None or row.parent_id != parent_id:
        raise ApiError(404, "update not found")
    return row


def _update_doc(row: Update, kind: str, parent_rel: dict[str, Any], page_id: str, names: dict[str, str]) -> dict[str, Any]:
    if kind == "degradation":
        attributes = views.degradation_update(row, names)
        relationships = {"created_by_user": views.user(row.created_by), "last_modified_by_user": views.user(row.modified_by),
                         "degradation": parent_rel, "status_page": views.page_ref(page_id)}
        if row.deleted_by:
            relationships["deleted_by_user"] = views.user(row.deleted_by)
    else:
        attributes = views.maintenance_update(row, names)
        relationships = {"created_by_user": views.user(row.created_by), "last_modified_by_user": views.user(row.modified_by),
                         "maintenance": parent_rel}
    attributes.pop("id")
    return {"id": row.id, "type": f"{kind}_updates", "attributes": attributes, "relationships": relationships}


@router.patch("/{page_id}/degradations/{degradation_id}/updates/{update_id}", summary="Edit degradation update")
def edit_degradation_update(page_id: str, degradation_id: str, update_id: str, request: DegradationUpdateRequest,  # type: ignore[valid-type]
                            include: str | None = Query(None), principal: Principal = Depends(can_write_incidents),
                            db: Database = Depends(database)) -> Response:
    wanted = includes(include, ("created_by_user", "last_modified_by_user", "degradation", "status_page"))
    a = request.data.attributes  # type: ignore[attr-defined]
    now = clock.now()
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        parent = _degradation_or_404(session, page, degradation_id)
        row = _update_or_404(session, parent.id, update_id)
        if row.deleted_at is not None:
            raise ApiError(400, "this update was deleted and cannot be edited")
        if a.description is not None:
            row.description = a.description
        if a.status is not None:
            row.status = a.status
        row.modified_at, row.modified_by = now, principal.user_uuid  # type: ignore[assignment]
        parent.modified_at = now
        data = _update_doc(row, "degradation", {"data": {"id": parent.id, "type": "degradations"}}, page.id, component_names(session, [page.id]))
        body = _body(session, data, wanted - {"degradation"})
        if "degradation" in wanted:
            body.setdefault("included", []).append(_degradation_doc(session, parent))
        return doc(body)


@router.delete("/{page_id}/degradations/{degradation_id}/updates/{update_id}", summary="Delete degradation update",
               status_code=204, response_class=Response)
def soft_delete_degradation_update(page_id: str, degradation_id: str, update_id: str, principal: Principal = Depends(can_write_incidents),
                                   db: Database = Depends(database)) -> Response:
    now = clock.now()
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        parent = _degradation_or_404(session, page, degradation_id)
        row = _update_or_404(session, parent.id, update_id)
        if row.deleted_at is None:
            if len(store.live_updates(store.updates(session, [parent.id])[parent.id])) == 1:
                raise ApiError(400, "the only remaining update of a degradation cannot be deleted")
            row.deleted_at, row.deleted_by = now, principal.user_uuid
            parent.modified_at = now
    return no_content()


# --- maintenances -----------------------------------------------------------------------------


def _maintenance_or_404(session: Session, page: StatusPage, maintenance_id: str) -> Maintenance:
    row = store.maintenance(session, page.id, uuid_param(maintenance_id, "maintenance_id"))
    if row is None:
        raise ApiError(404, "maintenance not found")
    return row


def transition(session: Session, row: Maintenance, status: str, at: datetime, now: datetime, user: str, manual: bool) -> None:
    """Move a maintenance to `status`, appending the update that says so."""
    description = {"scheduled": row.scheduled_description, "in_progress": row.in_progress_description,
                   "completed": row.completed_description, "canceled": row.canceled_description or ""}[status]
    row.status = status
    _add_update(session, row.id, "maintenance", status, description, rules.maintenance_components(row.components_affected, status),
                at, now, user, manual=manual)
    row.modified_at, row.modified_by = now, user


def advance_maintenances(session: Session, now: datetime) -> None:
    """The scheduler's job: start and complete maintenances at their dates."""
    for row in store.due_maintenances(session, now):
        for step in rules.due_steps(row.status, row.start_date, row.completed_date, now):
            transition(session, row, step.status, now, now, row.modified_by, manual=False)


@router.post("/{page_id}/maintenances", summary="Create maintenance", status_code=201)
def create_maintenance(page_id: str, request: MaintenanceRequest, include: str | None = Query(None),  # type: ignore[valid-type]
                       notify_subscribers: bool = Query(True), principal: Principal = Depends(can_write_incidents),
                       db: Database = Depends(database)) -> Response:

    wanted = includes(include, INCLUDES)
    a = request.data.attributes  # type: ignore[attr-defined]
    start, completed = to_utc(a.start_date), to_utc(a.completed_date)
    if completed <= start:
        raise ApiError(400, "completed_date must be after start_date")
    now = clock.now()
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        affected = _affected(session, page, a.components_affected)
        row = Maintenance(
            id=random_uuid(), org_id=principal.org_id, page_id=page.id, title=a.title, status="scheduled",
            scheduled_description=a.scheduled_description, in_progress_description=a.in_progress_description,
            completed_description=a.completed_description, canceled_description=None, components_affected=affected,
            start_date=start, completed_date=completed, published_date=now, is_backfilled=False, created_at=now, modified_at=now,
            created_by=principal.user_uuid, modified_by=principal.user_uuid,
        )
        session.add(row)
        _add_update(session, row.id, "maintenance", "scheduled", a.scheduled_description, rules.maintenance_components(affected, "scheduled"),
                    now, now, principal.user_uuid)  # type: ignore[arg-type]
        body = _body(session, _maintenance_doc(session, row), wanted)
    db.wake("scheduler")
    return doc(body, 201)


@router.post("/{page_id}/maintenances/backfill", summary="Create backfilled maintenance", status_code=201)
def backfill_maintenance(page_id: str, request: BackfillMaintenanceRequest, include: str | None = Query(None),  # type: ignore[valid-type]
                         principal: Principal = Depends(can_write_incidents), db: Database = Depends(database)) -> Response:
    wanted = includes(include, INCLUDES)
    a = request.data.attributes  # type: ignore[attr-defined]
    now = clock.now()
    updates = [{"status": u.status, "started_at": to_utc(u.started_at), "description": u.description} for u in a.updates]
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        try:
            rules.check_maintenance_backfill(updates, now)
        except PageError as exc:
            raise _page_error(exc) from None
        affected = [_affected(session, page, u.components_affected) for u in a.updates]
        row = Maintenance(
            id=random_uuid(), org_id=principal.org_id, page_id=page.id, title=a.title, status="completed",
            scheduled_description="", in_progress_description=updates[0]["description"], completed_description=updates[1]["description"],
            canceled_description=None, components_affected=affected[0], start_date=updates[0]["started_at"],
            completed_date=updates[1]["started_at"], published_date=updates[0]["started_at"], is_backfilled=True,
            created_at=now, modified_at=now, created_by=principal.user_uuid, modified_by=principal.user_uuid,
        )
        session.add(row)
        for u, items in zip(updates, affected, strict=True):
            _add_update(session, row.id, "maintenance", u["status"], u["description"], items, u["started_at"], now, principal.user_uuid)  # type: ignore[arg-type]
        return doc(_body(session, _maintenance_doc(session, row), wanted), 201)


@router.get("/maintenances", summary="List maintenances")
def list_maintenances(
    page_offset: int = Query(0, alias="page[offset]", ge=0), page_limit: int = Query(50, alias="page[limit]", ge=1, le=1000),
    filter_page_id: str | None = Query(None, alias="filter[page_id]"), filter_status: str | None = Query(None, alias="filter[status]"),
    sort: Literal["created_at", "-created_at", "start_date", "-start_date"] = Query("created_at"),
    include: str | None = Query(None), principal: Principal = Depends(can_read), db: Database = Depends(database),
) -> Response:
    wanted = includes(include, INCLUDES)
    statuses = _status_filter(filter_status, rules.MAINTENANCE_STATUSES)
    with db.read() as session:
        rows = [r for r in store.maintenances(session, principal.org_id, uuid_param(filter_page_id, "filter[page_id]") if filter_page_id else None)
                if not statuses or r.status in statuses]
        key = (lambda r: (r.start_date, r.id)) if sort.lstrip("-") == "start_date" else (lambda r: (r.published_date, r.id))
        rows.sort(key=key, reverse=sort.startswith("-"))
        shown = rows[page_offset : page_offset + page_limit]
        timelines = store.updates(session, [r.id for r in shown])
        names = component_names(session, list({r.page_id for r in shown}))
        data = [views.maintenance_doc(r, timelines[r.id], names, newest_first=True) for r in shown]
        return doc(_body(session, data, wanted, views.offset_meta(page_offset, page_limit, len(rows))))


@router.get("/{page_id}/maintenances/{maintenance_id}", summary="Get maintenance")
def get_maintenance(page_id: str, maintenance_id: str, include: str | None = Query(None), principal: Principal = Depends(can_read),
                    db: Database = Depends(database)) -> Response:
    wanted = includes(include, INCLUDES)
    with db.read() as session:
        page = page_or_404(session, principal.org_id, page_id)
        return doc(_body(session, _maintenance_doc(session, _maintenance_or_404(session, page, maintenance_id)), wanted))


_ORDER = {"scheduled": 0, "in_progress": 1, "completed": 2, "canceled": 2}


@router.patch("/{page_id}/maintenances/{maintenance_id}", summary="Update maintenance")
def update_maintenance(page_id: str, maintenance_id: str, request: MaintenancePatchRequest, include: str | None = Query(None),  # type: ignore[valid-type]
                       notify_subscribers: bool = Query(True), principal: Principal = Depends(can_write_incidents),
                       db: Database = Depends(database)) -> Response:

    wanted = includes(include, INCLUDES)
    a = request.data.attributes  # type: ignore[attr-defined]
    now = clock.now()
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        row = _maintenance_or_404(session, page, maintenance_id)
        for name in ("title", "scheduled_description", "in_progress_description", "completed_description", "canceled_description"):
            if getattr(a, name) is not None:
                setattr(row, name, getattr(a, name))
        if a.start_date is not None or a.completed_date is not None:
            if row.status != "scheduled" and a.start_date is not None:
                raise ApiError(400, f"start_date cannot change once the maintenance is {row.status}")
            start = to_utc(a.start_date) if a.start_date is not None else row.start_date
            completed = to_utc(a.completed_date) if a.completed_date is not None else row.completed_date
            if completed <= start:
                raise ApiError(400, "completed_date must be after start_date")
            row.start_date, row.completed_date = start, completed
        if a.components_affected is not None:
            row.components_affected = _affected(session, page, a.components_affected)
        if a.status is not None and a.status != row.status:
            if row.status in ("completed", "canceled") or _ORDER[a.status] < _ORDER[row.status]:
                raise ApiError(400, f"a maintenance cannot go from {row.status} to {a.status}")
            if a.status == "canceled" and row.status != "scheduled":
                raise ApiError(400, "only a scheduled maintenance can be canceled")
            if a.status == "completed" and row.status == "scheduled":
                transition(session, row, "in_progress", now, now, principal.user_uuid, manual=True)  # type: ignore[arg-type]
            transition(session, row, a.status, now, now, principal.user_uuid, manual=True)  # type: ignore[arg-type]
        row.modified_at, row.modified_by = now, principal.user_uuid  # type: ignore[assignment]
        body = _body(session, _maintenance_doc(session, row), wanted)
    db.wake("scheduler")
    return doc(body)


@router.patch("/{page_id}/maintenances/{maintenance_id}/updates/{update_id}", summary="Edit maintenance update")
def patch_maintenance_update(page_id: str, maintenance_id: str, update_id: str, request: MaintenanceUpdateRequest,  # type: ignore[valid-type]
                             include: str | None = Query(None), principal: Principal = Depends(can_write_incidents),
                             db: Database = Depends(database)) -> Response:
    wanted = includes(include, ("created_by_user", "last_modified_by_user", "maintenance"))
    a = request.data.attributes  # type: ignore[attr-defined]
    if a.status is not None:
        raise ApiError(400, "a maintenance update's status cannot be edited: change the maintenance's status instead")
    now = clock.now()
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        parent = _maintenance_or_404(session, page, maintenance_id)
        row = _update_or_404(session, parent.id, update_id)
        if a.description is not None:
            row.description = a.description
        row.modified_at, row.modified_by = now, principal.user_uuid  # type: ignore[assignment]
        parent.modified_at = now
        data = _update_doc(row, "maintenance", {"data": {"id": parent.id, "type": "maintenances"}}, page.id, component_names(session, [page.id]))
        body = _body(session, data, wanted - {"maintenance"})
        if "maintenance" in wanted:
            body.setdefault("included", []).append(_maintenance_doc(session, parent))
        return doc(body)
