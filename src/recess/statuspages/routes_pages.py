"""Status pages and their components."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from recess.accounts.store import Principal
from recess.core import clock
from recess.core.db import Database
from recess.core.errors import ApiError
from recess.core.http import database
from recess.core.ids import random_uuid
from recess.statuspages import rules, store, views
from recess.statuspages.http import (
    PREFIX, can_read, can_write_settings, doc, included, includes, no_content, page_or_404, store_statuses, tree, uuid_param,
)
from recess.statuspages.model import Component, StatusPage

router = APIRouter(prefix=PREFIX, tags=["Status Pages"])
USER_INCLUDES = ("created_by_user", "last_modified_by_user")


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ComponentIn(_Body):
    name: StrictStr = Field(min_length=1)
    type: Literal["component", "group"] = "component"
    position: StrictInt | None = Field(None, ge=0)
    components: list[ComponentIn] | None = None


class PageAttributes(_Body):
    name: StrictStr = Field(min_length=1)
    domain_prefix: StrictStr = Field(min_length=1, max_length=200, pattern=r"^[a-z0-9][a-z0-9-]*$")
    type: Literal["public", "internal"]
    visualization_type: Literal["bars_and_uptime_percentage", "bars_only", "component_name_only"]
    components: list[ComponentIn] | None = None
    company_logo: StrictStr | None = None
    favicon: StrictStr | None = None
    email_header_image: StrictStr | None = None
    subscriptions_enabled: StrictBool | None = None


class PagePatch(_Body):
    name: StrictStr | None = Field(None, min_length=1)
    domain_prefix: StrictStr | None = Field(None, min_length=1, max_length=200, pattern=r"^[a-z0-9][a-z0-9-]*$")
    type: Literal["public", "internal"] | None = None
    visualization_type: Literal["bars_and_uptime_percentage", "bars_only", "component_name_only"] | None = None
    company_logo: StrictStr | None = None
    favicon: StrictStr | None = None
    email_header_image: StrictStr | None = None
    subscriptions_enabled: StrictBool | None = None


class PageData(_Body):
    type: Literal["status_pages"]
    attributes: PageAttributes


class PagePatchData(_Body):
    type: Literal["status_pages"]
    id: StrictStr | None = None
    attributes: PagePatch


class PageRequest(_Body):
    data: PageData


class PagePatchRequest(_Body):
    data: PagePatchData


class ComponentPatch(_Body):
    name: StrictStr | None = Field(None, min_length=1)
    position: StrictInt | None = Field(None, ge=0)


class ComponentData(_Body):
    type: Literal["components"]
    attributes: ComponentIn


class ComponentPatchData(_Body):
    type: Literal["components"]
    id: StrictStr | None = None
    attributes: ComponentPatch


class ComponentRequest(_Body):
    data: ComponentData


class ComponentPatchRequest(_Body):
    data: ComponentPatchData


def _add_components(session: Any, page: StatusPage, items: list[ComponentIn], parent: str | None, user: str, now: Any) -> None:
    for index, item in enumerate(items):
        if parent is not None and item.type == "group":
            raise ApiError(400, "a group cannot hold another group")
        if item.type == "component" and item.components:
            raise ApiError(400, f"component {item.name!r} is not a group and cannot hold components")
        row = Component(id=random_uuid(), page_id=page.id, parent_id=parent, type=item.type, name=item.name,
                        position=item.position if item.position is not None else index,
                        created_at=now, modified_at=now, created_by=user, modified_by=user)
        session.add(row)
        if item.type == "group":
            _add_components(session, page, item.components or [], row.id, user, now)


def _page_body(session: Any, page: StatusPage, wanted: set[str]) -> dict[str, Any]:
    data = views.page_doc(page, tree(session, page))
    body: dict[str, Any] = {"data": data}
    if wanted:
        body["included"] = included(session, [data], wanted)
    return body


@router.post("", summary="Create status page", status_code=201)
def create_page(request: PageRequest, include: str | None = Query(None), principal: Principal = Depends(can_write_settings),
                db: Database = Depends(database)) -> Response:
    wanted = includes(include, USER_INCLUDES)
    a = request.data.attributes
    now = clock.now()
    with db.session() as session:
        if store.prefix_taken(session, a.domain_prefix):
            raise ApiError(409, f"domain_prefix {a.domain_prefix!r} is already taken")
        page = StatusPage(
            id=random_uuid(), org_id=principal.org_id, name=a.name, domain_prefix=a.domain_prefix, type=a.type,
            visualization_type=a.visualization_type, enabled=False, company_logo=a.company_logo, favicon=a.favicon,
            email_header_image=a.email_header_image, subscriptions_enabled=bool(a.subscriptions_enabled), custom_domain=None,
            created_at=now, modified_at=now, created_by=principal.user_uuid, modified_by=principal.user_uuid,
        )
        session.add(page)
        session.flush()
        _add_components(session, page, a.components or [], None, principal.user_uuid, now)  # type: ignore[arg-type]
        session.flush()
        return doc(_page_body(session, page, wanted), 201)


@router.get("", summary="List status pages")
def list_pages(
    page_offset: int = Query(0, alias="page[offset]", ge=0), page_limit: int = Query(50, alias="page[limit]", ge=1, le=1000),
    domain_prefix: str | None = Query(None, alias="filter[domain_prefix]"), name: str | None = Query(None, alias="filter[name]"),
    include: str | None = Query(None),
    principal: Principal = Depends(can_read), db: Database = Depends(database),
) -> Response:
    wanted = includes(include, USER_INCLUDES)
    with db.read() as session:
        rows = [p for p in store.pages(session, principal.org_id, domain_prefix) if not name or name.lower() in p.name.lower()]
        shown = rows[page_offset : page_offset + page_limit]
        comps = store.components(session, [p.id for p in shown])
        statuses = store_statuses(session, [p.id for p in shown])
        data = [views.page_doc(p, views.component_tree([c for c in comps if c.page_id == p.id], statuses)) for p in shown]
        body: dict[str, Any] = {"data": data, "meta": views.offset_meta(page_offset, page_limit, len(rows))}
        if wanted:
            body["included"] = included(session, data, wanted)
        return doc(body)


@router.get("/{page_id}", summary="Get status page")
def get_page(page_id: str, include: str | None = Query(None), principal: Principal = Depends(can_read), db: Database = Depends(database)) -> Response:
    wanted = includes(include, USER_INCLUDES)
    with db.read() as session:
        return doc(_page_body(session, page_or_404(session, principal.org_id, page_id), wanted))


@router.patch("/{page_id}", summary="Update status page")
def update_page(page_id: str, request: PagePatchRequest, include: str | None = Query(None), delete_subscribers: bool = Query(False),
                principal: Principal = Depends(can_write_settings), db: Database = Depends(database)) -> Response:
    wanted = includes(include, USER_INCLUDES)
    changes = {k: getattr(request.data.attributes, k) for k in request.data.attributes.model_fields_set}
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        if request.data.id is not None and request.data.id.lower() != page.id:
            raise ApiError(400, "data.id does not match page_id in the URL")
        for required in ("name", "domain_prefix", "type", "visualization_type"):
            if required in changes and changes[required] is None:
                raise ApiError(400, f"{required} must not be null")
        if changes.get("domain_prefix") and store.prefix_taken(session, changes["domain_prefix"], other_than=page.id):
            raise ApiError(409, f"domain_prefix {changes['domain_prefix']!r} is already taken")
        for key, value in changes.items():
            setattr(page, key, bool(value) if key == "subscriptions_enabled" else value)
        page.modified_at, page.modified_by = clock.now(), principal.user_uuid
        session.flush()
        return doc(_page_body(session, page, wanted))


@router.delete("/{page_id}", summary="Delete status page", status_code=204, response_class=Response)
def delete_page(page_id: str, principal: Principal = Depends(can_write_settings), db: Database = Depends(database)) -> Response:
    from recess.statuspages.model import Degradation, Maintenance, Template, Update

    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        for model in (Degradation, Maintenance):
            for row in session.query(model).filter(model.page_id == page.id):
                session.query(Update).filter(Update.parent_id == row.id).delete()
                session.delete(row)
        for model in (Component, Template):
            session.query(model).filter(model.page_id == page.id).delete()
        session.delete(page)
    return no_content()


def _publish(page_id: str, principal: Principal, db: Database, enabled: bool) -> Response:
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        page.enabled = enabled
        page.modified_at, page.modified_by = clock.now(), principal.user_uuid  # type: ignore[assignment]
    return no_content()


@router.post("/{page_id}/publish", summary="Publish status page", status_code=204, response_class=Response)
def publish(page_id: str, principal: Principal = Depends(can_write_settings), db: Database = Depends(database)) -> Response:
    return _publish(page_id, principal, db, True)


@router.post("/{page_id}/unpublish", summary="Unpublish status page", status_code=204, response_class=Response)
def unpublish(page_id: str, principal: Principal = Depends(can_write_settings), db: Database = Depends(database)) -> Response:
    return _publish(page_id, principal, db, False)


# --- components -------------------------------------------------------------------------------

COMPONENT_INCLUDES = ("created_by_user", "last_modified_by_user", "status_page", "group")


def _component_body(session: Any, page: StatusPage, row: Component, wanted: set[str]) -> dict[str, Any]:
    items = tree(session, page)
    data = views.component_doc(row, _find(items, row.id) or {})
    body: dict[str, Any] = {"data": data}
    if wanted:
        extra = included(session, [data], wanted - {"group"})
        if "group" in wanted and row.parent_id:
            group = store.component(session, page.id, row.parent_id)
            if group is not None:
                extra.append(views.component_doc(group, _find(items, group.id) or {}))
        body["included"] = extra
    return body


def _find(items: list[dict[str, Any]], component_id: str) -> dict[str, Any] | None:
    for item in items:
        if item["id"] == component_id:
            return item
        found = _find(item.get("components", []), component_id)
        if found:
            return found
    return None


def _component_or_404(session: Any, page: StatusPage, component_id: str) -> Component:
    row = store.component(session, page.id, uuid_param(component_id, "component_id"))
    if row is None:
        raise ApiError(404, "component not found")
    return row


def _renumber(session: Any, page_id: str, parent_id: str | None, positions: dict[str, int], now: Any) -> None:
    for sibling in store.siblings(session, page_id, parent_id):
        if sibling.id in positions and sibling.position != positions[sibling.id]:
            sibling.position = positions[sibling.id]
            sibling.modified_at = now


@router.post("/{page_id}/components", summary="Create component", status_code=201)
def create_component(page_id: str, request: ComponentRequest, include: str | None = Query(None),
                     principal: Principal = Depends(can_write_settings), db: Database = Depends(database)) -> Response:
    wanted = includes(include, COMPONENT_INCLUDES)
    a = request.data.attributes
    now = clock.now()
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        before = {c.id: c.position for c in store.siblings(session, page.id, None)}
        _add_components(session, page, [a], None, principal.user_uuid, now)  # type: ignore[arg-type]
        session.flush()
        new = next(c for c in store.siblings(session, page.id, None) if c.id not in before)
        _renumber(session, page.id, None, rules.place({**before, new.id: 0}, new.id, a.position), now)
        session.flush()
        return doc(_component_body(session, page, new, wanted), 201)


@router.get("/{page_id}/components", summary="List components")
def list_components(page_id: str, include: str | None = Query(None), principal: Principal = Depends(can_read),
                    db: Database = Depends(database)) -> Response:
    wanted = includes(include, COMPONENT_INCLUDES)
    with db.read() as session:
        page = page_or_404(session, principal.org_id, page_id)
        items = tree(session, page)
        rows = {c.id: c for c in store.components(session, [page.id])}
        data = [views.component_doc(rows[item["id"]], item) for item in items]
        body: dict[str, Any] = {"data": data}
        if wanted:
            body["included"] = included(session, data, wanted - {"group"})
        return doc(body)


@router.get("/{page_id}/components/{component_id}", summary="Get component")
def get_component(page_id: str, component_id: str, include: str | None = Query(None), principal: Principal = Depends(can_read),
                  db: Database = Depends(database)) -> Response:
    wanted = includes(include, COMPONENT_INCLUDES)
    with db.read() as session:
        page = page_or_404(session, principal.org_id, page_id)
        return doc(_component_body(session, page, _component_or_404(session, page, component_id), wanted))


@router.patch("/{page_id}/components/{component_id}", summary="Update component")
def update_component(page_id: str, component_id: str, request: ComponentPatchRequest, include: str | None = Query(None),
                     principal: Principal = Depends(can_write_settings), db: Database = Depends(database)) -> Response:
    wanted = includes(include, COMPONENT_INCLUDES)
    changes = request.data.attributes
    now = clock.now()
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        row = _component_or_404(session, page, component_id)
        if changes.name is not None:
            row.name = changes.name
        if changes.position is not None:
            siblings = {c.id: c.position for c in store.siblings(session, page.id, row.parent_id)}
            _renumber(session, page.id, row.parent_id, rules.place(siblings, row.id, changes.position), now)
        row.modified_at, row.modified_by = now, principal.user_uuid  # type: ignore[assignment]
        session.flush()
        return doc(_component_body(session, page, row, wanted))


@router.delete("/{page_id}/components/{component_id}", summary="Delete component", status_code=204, response_class=Response)
def delete_component(page_id: str, component_id: str, principal: Principal = Depends(can_write_settings),
                     db: Database = Depends(database)) -> Response:
    now = clock.now()
    with db.session() as session:
        page = page_or_404(session, principal.org_id, page_id)
        row = _component_or_404(session, page, component_id)
        siblings = {c.id: c.position for c in store.siblings(session, page.id, row.parent_id)}
        for child in store.siblings(session, page.id, row.id):  # a group goes with its components
            session.delete(child)
        session.delete(row)
        session.flush()
        _renumber(session, page.id, row.parent_id, rules.close_gap(siblings, row.id), now)
    return no_content()
