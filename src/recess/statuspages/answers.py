"""What the status page routes answer, for `/openapi.json` (see `recess.core.openapi.Answer`).

Every answer is a JSON:API document (`application/vnd.api+json`): `data` (one resource or a
list), `included` with `include=`, and `meta.page` on paged lists.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from fastapi.routing import APIRoute
from pydantic import BaseModel, create_model

from recess.core.answers import RelationshipAnswer, ResourceAnswer
from recess.core.openapi import UUID, Answer
from recess.statuspages import routes_degradations, routes_maintenances, routes_pages, routes_templates


class OffsetPage(BaseModel):
    type: Literal["offset_limit"]
    offset: int
    limit: int
    total: int
    first_offset: int
    prev_offset: int | None
    next_offset: int | None
    last_offset: int


class OffsetMeta(BaseModel):
    page: OffsetPage


class AffectedAnswer(BaseModel):
    id: str
    name: str
    status: str


class PageAttributesAnswer(BaseModel):
    name: str
    domain_prefix: str
    type: Literal["public", "internal"]
    visualization_type: str
    enabled: bool
    page_url: str
    components: list[dict[str, Any]]  # groups hold their components
    company_logo: str | None
    favicon: str | None
    email_header_image: str | None
    subscriptions_enabled: bool
    slack_subscriptions_enabled: bool
    custom_domain: str | None
    custom_domain_enabled: bool
    created_at: str
    modified_at: str


class ComponentAttributesAnswer(BaseModel):
    name: str
    type: Literal["component", "group"]
    position: int
    created_at: str
    modified_at: str
    status: str | None = None  # components
    components: list[dict[str, Any]] | None = None  # groups


class UpdateAttributesAnswer(BaseModel):
    created_at: str
    modified_at: str
    started_at: str
    status: str
    description: str | None
    components_affected: list[AffectedAnswer]
    manual_transition: bool | None = None  # maintenances
    deleted_at: str | None = None  # soft-deleted degradation updates
    deleted_by_user_uuid: str | None = None


class TimelineEntryAnswer(UpdateAttributesAnswer):
    id: str


class DegradationAttributesAnswer(BaseModel):
    title: str
    status: str
    description: str | None
    components_affected: list[AffectedAnswer]
    updates: list[TimelineEntryAnswer]
    created_at: str
    modified_at: str
    is_backfilled: bool | None = None


class MaintenanceAttributesAnswer(BaseModel):
    title: str
    status: str
    start_date: str
    completed_date: str
    published_date: str
    scheduled_description: str
    in_progress_description: str
    completed_description: str
    canceled_description: str | None = None
    components_affected: list[AffectedAnswer]
    updates: list[TimelineEntryAnswer]
    modified_at: str
    is_backfilled: bool | None = None


class TemplateAttributesAnswer(BaseModel):
    name: str
    created_at: str
    modified_at: str


class Documents(NamedTuple):
    one: type[BaseModel]  # `{"data": {...}}`
    many: type[BaseModel]  # `{"data": [...], "meta": ...}`


def _documents(name: str, kind: str, attributes: type[BaseModel]) -> Documents:
    """The documents of one kind of resource, named in /openapi.json as `{name}Answer` (the
    resource), `{name}Document` and `{name}ListDocument`; every kind has the same shape."""
    literal: Any = Literal[kind]
    resource: Any = create_model(f"{name}Answer", id=(str, ...), type=(literal, ...), attributes=(attributes, ...),
                                 relationships=(dict[str, RelationshipAnswer], ...))
    included: Any = (list[ResourceAnswer] | None, None)
    return Documents(
        create_model(f"{name}Document", data=(resource, ...), included=included),
        create_model(f"{name}ListDocument", data=(list[resource], ...), meta=(OffsetMeta | None, None), included=included),
    )


PAGES = _documents("StatusPage", "status_pages", PageAttributesAnswer)
COMPONENTS = _documents("Component", "components", ComponentAttributesAnswer)
DEGRADATIONS = _documents("Degradation", "degradations", DegradationAttributesAnswer)
MAINTENANCES = _documents("Maintenance", "maintenances", MaintenanceAttributesAnswer)
DEGRADATION_UPDATES = _documents("DegradationUpdate", "degradation_updates", UpdateAttributesAnswer)
MAINTENANCE_UPDATES = _documents("MaintenanceUpdate", "maintenance_updates", UpdateAttributesAnswer)
DEGRADATION_TEMPLATES = _documents("DegradationTemplate", "degradation_templates", TemplateAttributesAnswer)
MAINTENANCE_TEMPLATES = _documents("MaintenanceTemplate", "maintenance_templates", TemplateAttributesAnswer)


PAGE = {"page_id": UUID}


def _ids(*names: str) -> dict[str, dict[str, Any]]:
    return {"page_id": UUID, **{name: UUID for name in names}}


def _templates() -> dict[Any, Answer]:
    """The template routes are made per kind (`routes_templates._routes`): found on the router."""
    found: dict[Any, Answer] = {}
    for route in routes_templates.router.routes:
        assert isinstance(route, APIRoute)
        one, many = DEGRADATION_TEMPLATES if "/degradation_templates" in route.path_format else MAINTENANCE_TEMPLATES
        listing = "{template_id}" not in route.path_format
        method = next(iter(route.methods or ()))
        body: type[BaseModel] | None = None if method == "DELETE" else many if listing and method == "GET" else one
        found[route.endpoint] = Answer(body, _ids() if listing else _ids("template_id"))
    return found


answers = {
    routes_pages.create_page: Answer(PAGES.one),
    routes_pages.list_pages: Answer(PAGES.many),
    routes_pages.get_page: Answer(PAGES.one, PAGE),
    routes_pages.update_page: Answer(PAGES.one, PAGE),
    routes_pages.delete_page: Answer(None, PAGE),
    routes_pages.publish: Answer(None, PAGE),
    routes_pages.unpublish: Answer(None, PAGE),
    routes_pages.create_component: Answer(COMPONENTS.one, PAGE),
    routes_pages.list_components: Answer(COMPONENTS.many, PAGE),
    routes_pages.get_component: Answer(COMPONENTS.one, _ids("component_id")),
    routes_pages.update_component: Answer(COMPONENTS.one, _ids("component_id")),
    routes_pages.delete_component: Answer(None, _ids("component_id")),
    routes_degradations.create_degradation: Answer(DEGRADATIONS.one, PAGE),
    routes_degradations.backfill_degradation: Answer(DEGRADATIONS.one, PAGE),
    routes_degradations.list_degradations: Answer(DEGRADATIONS.many),
    routes_degradations.get_degradation: Answer(DEGRADATIONS.one, _ids("degradation_id")),
    routes_degradations.update_degradation: Answer(DEGRADATIONS.one, _ids("degradation_id")),
    routes_degradations.delete_degradation: Answer(None, _ids("degradation_id")),
    routes_degradations.edit_degradation_update: Answer(DEGRADATION_UPDATES.one, _ids("degradation_id", "update_id")),
    routes_degradations.soft_delete_degradation_update: Answer(None, _ids("degradation_id", "update_id")),
    routes_maintenances.create_maintenance: Answer(MAINTENANCES.one, PAGE),
    routes_maintenances.backfill_maintenance: Answer(MAINTENANCES.one, PAGE),
    routes_maintenances.list_maintenances: Answer(MAINTENANCES.many),
    routes_maintenances.get_maintenance: Answer(MAINTENANCES.one, _ids("maintenance_id")),
    routes_maintenances.update_maintenance: Answer(MAINTENANCES.one, _ids("maintenance_id")),
    routes_maintenances.patch_maintenance_update: Answer(MAINTENANCE_UPDATES.one, _ids("maintenance_id", "update_id")),
    **_templates(),
}
