"""Degradation and maintenance templates of a status page: their attributes, checked and stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from recess.core.ids import random_uuid
from recess.statuspages import store
from recess.statuspages.model import Component, StatusPage, Template
from recess.statuspages.rules import PageError
from recess.statuspages.schemas import DegradationTemplateIn, MaintenanceTemplateIn

TemplateIn = DegradationTemplateIn | MaintenanceTemplateIn


def find(session: Session, page: StatusPage, kind: str, template_id: str) -> Template:
    row = store.template(session, page.id, kind, template_id)
    if row is None:
        raise PageError("template not found", 404)
    return row


def _component(session: Session, page: StatusPage, component_id: str) -> Component:
    row = session.get(Component, component_id.lower())
    if row is None or row.page_id != page.id:
        raise PageError(f"component {component_id} is not a component of this status page")
    if row.type == "group":
        raise PageError(f"component {component_id} is a group: use components of type component")
    return row


def _field(item: Any, name: str) -> Any:
    """`name` of a component or update as given now (a model) or stored before (a dict)."""
    return item[name] if isinstance(item, dict) else getattr(item, name)


def attributes(session: Session, page: StatusPage, kind: str, given: TemplateIn, previous: dict[str, Any]) -> dict[str, Any]:
    """What a template stores: `previous` with what is `given` over it; a name is required and
    components must be the page's own (not groups)."""
    values = {**previous, **{name: getattr(given, name) for name in type(given).model_fields if name in given.model_fields_set}}
    if not values.get("name"):
        raise PageError("name is required")
    if kind == "degradation":
        values["components_affected"] = [
            {"id": _component(session, page, _field(a, "id")).id, "name": _component(session, page, _field(a, "id")).name,
             "status": _field(a, "status")} for a in values.get("components_affected") or []]
        values["updates"] = [u if isinstance(u, dict) else u.model_dump() for u in values.get("updates") or []]
    else:
        values["component_ids"] = [_component(session, page, c).id for c in values.get("component_ids") or []]
    return values


def create(session: Session, page: StatusPage, kind: str, given: TemplateIn, user: str, now: datetime) -> Template:
    row = Template(id=random_uuid(), page_id=page.id, kind=kind, attributes=attributes(session, page, kind, given, {}),
                   created_at=now, modified_at=now, created_by=user, modified_by=user)
    session.add(row)
    return row


def update(session: Session, page: StatusPage, row: Template, given: TemplateIn, user: str, now: datetime) -> None:
    row.attributes = attributes(session, page, row.kind, given, dict(row.attributes))
    row.modified_at, row.modified_by = now, user


def delete(session: Session, row: Template) -> None:
    session.delete(row)
