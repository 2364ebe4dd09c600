"""Degradation and maintenance templates of a status page on the wire (the same five routes each)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Query, Response

from recess.accounts.store import Principal
from recess.core import clock
from recess.core.db import Database
from recess.core.http import database
from recess.statuspages import documents, resources, store
from recess.statuspages import service_templates as templates
from recess.statuspages.http import (
    PREFIX, answer, can_read, can_write_incidents, includes, no_content, page_or_404, path_id, public_url, reading,
    writing,
)
from recess.statuspages.service_templates import TemplateIn
from recess.statuspages.schemas import DegradationTemplateRequest, MaintenanceTemplateRequest

router = APIRouter(prefix=PREFIX, tags=["Status Pages"])
INCLUDES = ("created_by_user", "last_modified_by_user", "status_page")


def _create(kind: str, page_id: str, given: TemplateIn, include: str | None, actor: Principal, db: Database, base: str) -> Response:
    wanted = includes(include, INCLUDES)
    now = clock.now()
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        row = templates.create(session, page, kind, given, actor.user_uuid, now)
        return answer(documents.document(session, resources.template_resource(row), wanted, base), 201)


def _update(kind: str, page_id: str, template_id: str, given: TemplateIn, include: str | None, actor: Principal, db: Database,
            base: str) -> Response:
    wanted = includes(include, INCLUDES)
    now = clock.now()
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        row = templates.find(session, page, kind, path_id(template_id, "template_id"))
        templates.update(session, page, row, given, actor.user_uuid, now)
        return answer(documents.document(session, resources.template_resource(row), wanted, base))


def create_degradation_template(page_id: str, request: DegradationTemplateRequest, include: str | None = Query(None),
                                actor: Principal = Depends(can_write_incidents), db: Database = Depends(database),
                                base: str = Depends(public_url)) -> Response:
    return _create("degradation", page_id, request.data.attributes, include, actor, db, base)


def update_degradation_template(page_id: str, template_id: str, request: DegradationTemplateRequest,
                                include: str | None = Query(None), actor: Principal = Depends(can_write_incidents),
                                db: Database = Depends(database), base: str = Depends(public_url)) -> Response:
    return _update("degradation", page_id, template_id, request.data.attributes, include, actor, db, base)


def create_maintenance_template(page_id: str, request: MaintenanceTemplateRequest, include: str | None = Query(None),
                                actor: Principal = Depends(can_write_incidents), db: Database = Depends(database),
                                base: str = Depends(public_url)) -> Response:
    return _create("maintenance", page_id, request.data.attributes, include, actor, db, base)


def update_maintenance_template(page_id: str, template_id: str, request: MaintenanceTemplateRequest,
                                include: str | None = Query(None), actor: Principal = Depends(can_write_incidents),
                                db: Database = Depends(database), base: str = Depends(public_url)) -> Response:
    return _update("maintenance", page_id, template_id, request.data.attributes, include, actor, db, base)


def _routes(kind: str, create: Callable[..., Response], update: Callable[..., Response]) -> None:
    """The five routes of one kind, named as ever (`create`, `listing`, ...: the operation ids)."""

    def listing(page_id: str, include: str | None = Query(None), actor: Principal = Depends(can_read),
                db: Database = Depends(database), base: str = Depends(public_url)) -> Response:
        wanted = includes(include, INCLUDES)
        with reading(db) as session:
            page = page_or_404(session, actor.org_id, page_id)
            data = [resources.template_resource(t) for t in store.templates(session, page.id, kind)]
            return answer(documents.document(session, data, wanted, base))

    def get(page_id: str, template_id: str, include: str | None = Query(None), actor: Principal = Depends(can_read),
            db: Database = Depends(database), base: str = Depends(public_url)) -> Response:
        wanted = includes(include, INCLUDES)
        with reading(db) as session:
            page = page_or_404(session, actor.org_id, page_id)
            row = templates.find(session, page, kind, path_id(template_id, "template_id"))
            return answer(documents.document(session, resources.template_resource(row), wanted, base))

    def delete(page_id: str, template_id: str, actor: Principal = Depends(can_write_incidents),
               db: Database = Depends(database)) -> Response:
        with writing(db) as session:
            page = page_or_404(session, actor.org_id, page_id)
            templates.delete(session, templates.find(session, page, kind, path_id(template_id, "template_id")))
        return no_content()

    label, path, one = f"{kind} template", f"/{{page_id:id}}/{kind}_templates", f"/{{page_id:id}}/{kind}_templates/{{template_id:id}}"
    router.add_api_route(path, create, name="create", methods=["POST"], status_code=201, summary=f"Create {label}")
    router.add_api_route(path, listing, methods=["GET"], summary=f"List {label}s")
    router.add_api_route(one, get, methods=["GET"], summary=f"Get {label}")
    router.add_api_route(one, update, name="update", methods=["PATCH"], summary=f"Update {label}")
    router.add_api_route(one, delete, methods=["DELETE"], status_code=204, response_class=Response, summary=f"Delete {label}")


_routes("degradation", create_degradation_template, update_degradation_template)
_routes("maintenance", create_maintenance_template, update_maintenance_template)
