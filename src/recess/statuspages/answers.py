"""What the status page routes answer, for `/openapi.json` (see `recess.core.openapi.Answer`).

Every answer is a JSON:API document (`application/vnd.api+json`): `data` (one resource or a
list), `included` with `include=`, and `meta.page` on paged lists.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi.routing import APIRoute
from pydantic import BaseModel

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


class StatusPageAnswer(BaseModel):
    id: str
    type: Literal["status_pages"]
    attributes: PageAttributesAnswer
    relationships: dict[str, RelationshipAnswer]


class StatusPageDocument(BaseModel):
    data: StatusPageAnswer
    included: list[ResourceAnswer] | None = None


class StatusPageListDocument(BaseModel):
    data: list[StatusPageAnswer]
    meta: OffsetMeta | None = None  # paged lists
    included: list[ResourceAnswer] | None = None


class ComponentAnswer(BaseModel):
    id: str
    type: Literal["components"]
    attributes: ComponentAttributesAnswer
    relationships: dict[str, RelationshipAnswer]


class ComponentDocument(BaseModel):
    data: ComponentAnswer
    included: list[ResourceAnswer] | None = None


class ComponentListDocument(BaseModel):
    data: list[ComponentAnswer]
    meta: OffsetMeta | None = None  # paged lists
    included: list[ResourceAnswer] | None = None


class DegradationAnswer(BaseModel):
    id: str
    type: Literal["degradations"]
    attributes: DegradationAttributesAnswer
    relationships: dict[str, RelationshipAnswer]


class DegradationDocument(BaseModel):
    data: DegradationAnswer
    included: list[ResourceAnswer] | None = None


class DegradationListDocument(BaseModel):
    data: list[DegradationAnswer]
    meta: OffsetMeta | None = None  # paged lists
    included: list[ResourceAnswer] | None = None


class MaintenanceAnswer(BaseModel):
    id: str
    type: Literal["maintenances"]
    attributes: MaintenanceAttributesAnswer
    relationships: dict[str, RelationshipAnswer]


class MaintenanceDocument(BaseModel):
    data: MaintenanceAnswer
    included: list[ResourceAnswer] | None = None


class MaintenanceListDocument(BaseModel):
    data: list[MaintenanceAnswer]
    meta: OffsetMeta | None = None  # paged lists
    included: list[ResourceAnswer] | None = None


class DegradationUpdateAnswer(BaseModel):
    id: str
    type: Literal["degradation_updates"]
    attributes: UpdateAttributesAnswer
    relationships: dict[str, RelationshipAnswer]


class DegradationUpdateDocument(BaseModel):
    data: DegradationUpdateAnswer
    included: list[ResourceAnswer] | None = None


class MaintenanceUpdateAnswer(BaseModel):
    id: str
    type: Literal["maintenance_updates"]
    attributes: UpdateAttributesAnswer
    relationships: dict[str, RelationshipAnswer]


class MaintenanceUpdateDocument(BaseModel):
    data: MaintenanceUpdateAnswer
    included: list[ResourceAnswer] | None = None


class DegradationTemplateAnswer(BaseModel):
    id: str
    type: Literal["degradation_templates"]
    attributes: TemplateAttributesAnswer
    relationships: dict[str, RelationshipAnswer]


class DegradationTemplateDocument(BaseModel):
    data: DegradationTemplateAnswer
    included: list[ResourceAnswer] | None = None


class DegradationTemplateListDocument(BaseModel):
    data: list[DegradationTemplateAnswer]
    meta: OffsetMeta | None = None  # paged lists
    included: list[ResourceAnswer] | None = None


class MaintenanceTemplateAnswer(BaseModel):
    id: str
    type: Literal["maintenance_templates"]
    attributes: TemplateAttributesAnswer
    relationships: dict[str, RelationshipAnswer]


class MaintenanceTemplateDocument(BaseModel):
    data: MaintenanceTemplateAnswer
    included: list[ResourceAnswer] | None = None


class MaintenanceTemplateListDocument(BaseModel):
    data: list[MaintenanceTemplateAnswer]
    meta: OffsetMeta | None = None  # paged lists
    included: list[ResourceAnswer] | None = None


PAGE = {"page_id": UUID}


def _ids(*names: str) -> dict[str, dict[str, Any]]:
    return {"page_id": UUID, **{name: UUID for name in names}}


def _templates() -> dict[Any, Answer]:
    """The template routes are made per kind (`routes_templates._routes`): found on the router."""
    found: dict[Any, Answer] = {}
    for route in routes_templates.router.routes:
        assert isinstance(route, APIRoute)
        one, many = (DegradationTemplateDocument, DegradationTemplateListDocument) if "/degradation_templates" in route.path_format \
            else (MaintenanceTemplateDocument, MaintenanceTemplateListDocument)
        listing = "{template_id}" not in route.path_format
        method = next(iter(route.methods))
        body: type[BaseModel] | None = None if method == "DELETE" else many if listing and method == "GET" else one
        found[route.endpoint] = Answer(body, _ids() if listing else _ids("template_id"))
    return found


answers = {
    routes_pages.create_page: Answer(StatusPageDocument),
    routes_pages.list_pages: Answer(StatusPageListDocument),
    routes_pages.get_page: Answer(StatusPageDocument, PAGE),
    routes_pages.update_page: Answer(StatusPageDocument, PAGE),
    routes_pages.delete_page: Answer(None, PAGE),
    routes_pages.publish: Answer(None, PAGE),
    routes_pages.unpublish: Answer(None, PAGE),
    routes_pages.create_component: Answer(ComponentDocument, PAGE),
    routes_pages.list_components: Answer(ComponentListDocument, PAGE),
    routes_pages.get_component: Answer(ComponentDocument, _ids("component_id")),
    routes_pages.update_component: Answer(ComponentDocument, _ids("component_id")),
    routes_pages.delete_component: Answer(None, _ids("component_id")),
    routes_degradations.create_degradation: Answer(DegradationDocument, PAGE),
    routes_degradations.backfill_degradation: Answer(DegradationDocument, PAGE),
    routes_degradations.list_degradations: Answer(DegradationListDocument),
    routes_degradations.get_degradation: Answer(DegradationDocument, _ids("degradation_id")),
    routes_degradations.update_degradation: Answer(DegradationDocument, _ids("degradation_id")),
    routes_degradations.delete_degradation: Answer(None, _ids("degradation_id")),
    routes_degradations.edit_degradation_update: Answer(DegradationUpdateDocument, _ids("degradation_id", "update_id")),
    routes_degradations.soft_delete_degradation_update: Answer(None, _ids("degradation_id", "update_id")),
    routes_maintenances.create_maintenance: Answer(MaintenanceDocument, PAGE),
    routes_maintenances.backfill_maintenance: Answer(MaintenanceDocument, PAGE),
    routes_maintenances.list_maintenances: Answer(MaintenanceListDocument),
    routes_maintenances.get_maintenance: Answer(MaintenanceDocument, _ids("maintenance_id")),
    routes_maintenances.update_maintenance: Answer(MaintenanceDocument, _ids("maintenance_id")),
    routes_maintenances.patch_maintenance_update: Answer(MaintenanceUpdateDocument, _ids("maintenance_id", "update_id")),
    **_templates(),
}
