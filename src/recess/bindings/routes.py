"""/api/v2/statuspages/{page_id}/components/{component_id}/monitors: a component's monitor
binding on the wire (a recess extension, in the Status Pages' JSON:API shapes and errors)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from recess.accounts.auth import require
from recess.accounts.permissions import MONITORS_READ, STATUS_PAGES_SETTINGS_READ, STATUS_PAGES_SETTINGS_WRITE, grants
from recess.accounts.store import Principal
from recess.bindings import schemas, service, store
from recess.bindings.model import MonitorBinding
from recess.bindings.rules import BindingError
from recess.bindings.service_maintenances import MaintenanceDowntimes
from recess.core import clock
from recess.core.application import Key, services
from recess.core.db import Database
from recess.core.errors import ApiError, forbidden
from recess.core.http import database
from recess.core.jsonapi import MEDIA_TYPE, relation
from recess.core.timefmt import iso_z
from recess.notifications.muter import MUTER, Muter
from recess.statuspages import service_pages as pages
from recess.statuspages.http import PREFIX, no_content, page_or_404, path_id, reading, writing
from recess.statuspages.model import Component

DOWNTIMES: Key[MaintenanceDowntimes] = Key("maintenance_downtimes")
PATH = "/{page_id}/components/{component_id}/monitors"
router = APIRouter(prefix=PREFIX, tags=["Status Pages: monitor bindings (recess)"])


class JsonApi(JSONResponse):
    media_type = MEDIA_TYPE


def _with_monitors_read(permission: str) -> Callable[..., Awaitable[Principal]]:
    """`permission`, and monitors_read: a binding shows monitors."""
    first = require(permission)

    async def dependency(principal: Principal = Depends(first)) -> Principal:
        if not grants(principal.permissions, MONITORS_READ):
            raise forbidden(f"Forbidden: this application key lacks the {MONITORS_READ} permission")
        return principal

    dependency.__name__ = f"require_{permission}_and_{MONITORS_READ}"
    return dependency


can_read = _with_monitors_read(STATUS_PAGES_SETTINGS_READ)
can_write = _with_monitors_read(STATUS_PAGES_SETTINGS_WRITE)


async def muter(request: Request) -> Muter:
    return services(request).get(MUTER)


async def maintenance_downtimes(request: Request) -> MaintenanceDowntimes:
    return services(request).get(DOWNTIMES)


def _component(session: Session, org_id: int, page_id: str, component_id: str) -> Component:
    page = page_or_404(session, org_id, page_id)
    return pages.find_component(session, page, path_id(component_id, "component_id"))


def _binding(session: Session, component: Component) -> MonitorBinding:
    row = store.binding(session, component.id)
    if row is None:
        raise ApiError(404, "this component has no monitor binding")
    return row


def _answer(session: Session, muter_: Muter, row: MonitorBinding, component: Component, now: datetime) -> Response:
    automatic = store.automation(session, row.component_id)
    attributes = schemas.BindingAttributes.model_validate({
        "monitor_identifier": service.identifier(row), "scope": row.scope, "auto_degradation": row.auto_degradation,
        "components": [c.id for c in service.applies_to(session, component)],
        "monitors": service.monitors_view(session, muter_, row, now),
        "automatic_degradation": None if automatic is None else {"degradation_id": automatic.degradation_id,
                                                                 "automated": not automatic.manual},
        "created_at": iso_z(row.created_at), "modified_at": iso_z(row.modified_at),
    })
    resource = schemas.BindingResource(id=row.component_id, type=schemas.TYPE, attributes=attributes, relationships={
        "component": relation(row.component_id, "components"), "status_page": relation(row.page_id, "status_pages"),
        "created_by_user": relation(row.created_by, "users"), "last_modified_by_user": relation(row.modified_by, "users")})
    return JsonApi(schemas.BindingDocument(data=resource).body())


@router.put(PATH, summary="Bind a component to monitors (recess)", response_model=schemas.BindingDocument,
            response_class=JsonApi)
def put_binding(page_id: str, component_id: str, request: schemas.BindingRequest, actor: Principal = Depends(can_write),
                db: Database = Depends(database), muter_: Muter = Depends(muter),
                downtimes: MaintenanceDowntimes = Depends(maintenance_downtimes)) -> Response:
    """Bind the component (a group: each of its components) to monitors as a downtime names them:
    `monitor_identifier` and `scope`. Its maintenances then mute those monitors, and with
    `auto_degradation` their bad groups open a degradation on it. Replaces an earlier binding."""
    given = request.data.attributes
    now = clock.now()
    with writing(db) as session:
        component = _component(session, actor.org_id, page_id, component_id)
        if request.data.id is not None and request.data.id.lower() != component.id:
            raise ApiError(400, "data.id does not match component_id in the URL")
        page = page_or_404(session, actor.org_id, page_id)
        try:
            row, _ = service.put(session, page, component, service.Given(
                monitor_identifier=given.monitor_identifier.model_dump(exclude_unset=True), scope=given.scope,
                auto_degradation=given.auto_degradation.model_dump() if given.auto_degradation is not None else None),
                downtimes, actor.user_uuid, now)
        except BindingError as exc:
            raise ApiError(400, str(exc)) from None
        return _answer(session, muter_, row, component, now)


@router.get(PATH, summary="Get a component's monitor binding (recess)", response_model=schemas.BindingDocument,
            response_class=JsonApi)
def get_binding(page_id: str, component_id: str, actor: Principal = Depends(can_read), db: Database = Depends(database),
                muter_: Muter = Depends(muter)) -> Response:
    """The binding, with the monitors and groups it holds now (each group's state, and whether a
    downtime mutes it) and the automatic degradation it keeps, if any."""
    now = clock.now()
    with reading(db) as session:
        component = _component(session, actor.org_id, page_id, component_id)
        return _answer(session, muter_, _binding(session, component), component, now)


@router.delete(PATH, summary="Unbind a component from monitors (recess)", status_code=204, response_class=Response)
def delete_binding(page_id: str, component_id: str, actor: Principal = Depends(can_write),
                   db: Database = Depends(database)) -> Response:
    """The downtimes maintenances made from the binding stay, and so does an open automatic
    degradation (no longer automated)."""
    with writing(db) as session:
        component = _component(session, actor.org_id, page_id, component_id)
        service.remove(session, _binding(session, component))
    return no_content()
