"""Degradation and maintenance templates of a status page."""


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
from recess.statuspages import store, views
from recess.statuspages.http import PREFIX, can_read, can_write_incidents, doc, included, includes, no_content, page_or_404, uuid_param
from recess.statuspages.model import Component, StatusPage, Template

router = APIRouter(prefix=PREFIX, tags=["Status Pages"])
INCLUDES = ("created_by_user", "last_modified_by_user", "status_page")


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TemplateAffected(_Body):
    id: StrictStr
    status: Literal["operational", "degraded", "partial_outage", "major_outage", "maintenance"]


class TemplateUpdate(_Body):
    status: Literal["investigating", "identified", "monitoring", "resolved"]
    message: StrictStr | None = None


class DegradationTemplateIn(_Body):
    name: StrictStr | None = Field(None, min_length=1)
    degradation_title: StrictStr | None = None
    components_affected: list[TemplateAffected] | None = None
    updates: list[TemplateUpdate] | None = None


class MaintenanceTemplateIn(_Body):
    name: StrictStr | None = Field(None, min_length=1)
    maintenance_title: StrictStr | None = None
    component_ids: list[StrictStr] | None = None
    scheduled_description: StrictStr | None = None
    in_progress_description: StrictStr | None = None
    completed_description: StrictStr | None = None


class DegradationTemplateData(_Body):
    type: Literal["degradation_templates"]
    attributes: DegradationTemplateIn


class MaintenanceTemplateData(_Body):
    type: Literal["maintenance_templates"]
    attributes: MaintenanceTemplateIn


class DegradationTemplateRequest(_Body):
    data: DegradationTemplateData


class MaintenanceTemplateRequest(_Body):
    data: MaintenanceTemplateData


def _component(session: Session, page: StatusPage, component_id: str) -> Component:
    row = session.get(Component, component_id.lower())
    if row is None or row.page_id != page.id:
        raise ApiError(400, f"component {component_id} is not a component of this status page")
    if row.type == "group":
        raise ApiError(400, f"component {component_id} is a group: use components of type component")
    return row


def _attributes(session: Session, page: StatusPage, kind: str, given: BaseModel, previous: dict[str, Any]) -> dict[str, Any]:
    values = {**previous, **{k: getattr(given, k) for k in given.model_fields_set}}
    if not values.get("name"):
        raise ApiError(400, "name is required")
    if kind == "degradation":
        affected = values.get("components_affected") or []
        values["components_affected"] = [
            {"id": _component(session, page, a["id"] if isinstance(a, dict) else a.id).id,
             "name": _component(session, page, a["id"] if isinstance(a, dict) else a.id).name,
             "status": a["status"] if isinstance(a, dict) else a.status} for a in affected]
        values["updates"] = [u if isinstance(u, dict) else u.model_dump() for u in values.get("updates") or []]
    else:
        values["component_ids"] = [_component(session, page, c).id for c in values.get("component_ids") or []]
    return values


def _template_or_404(session: Session, page: StatusPage, kind: str, template_id: str) -> Template:
    row = store.template(session, page.id, kind, uuid_param(template_id, "template_id"))
    if row is None:
        raise ApiError(404, "template not found")
    return row


def _routes(kind: str, path: str, request_model: type[BaseModel]) -> None:
    def body(session: Session, data: Any, wanted: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"data": data}
        if wanted:
            out["included"] = included(session, data if isinstance(data, list) else [data], wanted)
        return out

    def create(page_id: str, request: request_model, include: str | None = Query(None),  # type: ignore[valid-type]
               principal: Principal = Depends(can_write_incidents), db: Database = Depends(database)) -> Response:
        wanted = includes(include, INCLUDES)
        now = clock.now()
        with db.session() as session:
            page = page_or_404(session, principal.org_id, page_id)
            row = Template(id=random_uuid(), page_id=page.id, kind=kind,
                           attributes=_attributes(session, page, kind, request.data.attributes, {}),  # type: ignore[attr-defined]
                           created_at=now, modified_at=now, created_by=principal.user_uuid, modified_by=principal.user_uuid)
            session.add(row)
            return doc(body(session, views.template_doc(row), wanted), 201)

    def listing(page_id: str, include: str | None = Query(None), principal: Principal = Depends(can_read),
                db: Database = Depends(database)) -> Response:
        wanted = includes(include, INCLUDES)
        with db.read() as session:
            page = page_or_404(session, principal.org_id, page_id)
            return doc(body(session, [views.template_doc(t) for t in store.templates(session, page.id, kind)], wanted))

    def get(page_id: str, template_id: str, include: str | None = Query(None), principal: Principal = Depends(can_read),
            db: Database = Depends(database)) -> Response:
        wanted = includes(include, INCLUDES)
        with db.read() as session:
            page = page_or_404(session, principal.org_id, page_id)
            return doc(body(session, views.template_doc(_template_or_404(session, page, kind, template_id)), wanted))

    def update(page_id: str, template_id: str, request: request_model, include: str | None = Query(None),  # type: ignore[valid-type]
               principal: Principal = Depends(can_write_incidents), db: Database = Depends(database)) -> Response:
        wanted = includes(include, INCLUDES)
        with db.session() as session:
            page = page_or_404(session, principal.org_id, page_id)
            row = _template_or_404(session, page, kind, template_id)
            row.attributes = _attributes(session, page, kind, request.data.attributes, dict(row.attributes))  # type: ignore[attr-defined]
            row.modified_at, row.modified_by = clock.now(), principal.user_uuid  # type: ignore[assignment]
            return doc(body(session, views.template_doc(row), wanted))

    def delete(page_id: str, template_id: str, principal: Principal = Depends(can_write_incidents), db: Database = Depends(database)) -> Response:
        with db.session() as session:
            page = page_or_404(session, principal.org_id, page_id)
            session.delete(_template_or_404(session, page, kind, template_id))
        return no_content()

    label = f"{kind} template"
    router.add_api_route(f"/{{page_id}}/{path}", create, methods=["POST"], status_code=201, summary=f"Create {label}")
    router.add_api_route(f"/{{page_id}}/{path}", listing, methods=["GET"], summary=f"List {label}s")
    router.add_api_route(f"/{{page_id}}/{path}/{{template_id}}", get, methods=["GET"], summary=f"Get {label}")
    router.add_api_route(f"/{{page_id}}/{path}/{{template_id}}", update, methods=["PATCH"], summary=f"Update {label}")
    router.add_api_route(f"/{{page_id}}/{path}/{{template_id}}", delete, methods=["DELETE"], status_code=204,
                         response_class=Response, summary=f"Delete {label}")


_routes("degradation", "degradation_templates", DegradationTemplateRequest)
_routes("maintenance", "maintenance_templates", MaintenanceTemplateRequest)
