"""What the case routes answer, for `/openapi.json` (see `recess.core.openapi.Answer`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from recess.cases import routes, routes_projects
from recess.core.answers import RelationshipAnswer, ResourceAnswer
from recess.core.openapi import UUID, Answer


class CaseAttributesAnswer(BaseModel):
    key: str  # PROJECT-NUMBER
    title: str
    description: str
    priority: str
    status: str
    status_name: str
    type: str
    attributes: dict[str, list[str]]
    created_at: str
    modified_at: str
    closed_at: str | None
    archived_at: str | None
    notifications_suppressed: bool  # recess: a maintenance window quiets the case now
    maintenance_window_id: str | None


class CaseAnswer(BaseModel):
    id: str
    type: Literal["case"]
    attributes: CaseAttributesAnswer
    relationships: dict[str, RelationshipAnswer]


class CaseDocument(BaseModel):
    data: CaseAnswer
    included: list[ResourceAnswer] | None = None


class ProjectAttributesAnswer(BaseModel):
    key: str
    name: str
    restricted: bool
    enabled_custom_case_types: list[str]


class ProjectAnswer(BaseModel):
    id: str
    type: Literal["project"]
    attributes: ProjectAttributesAnswer


class ProjectDocument(BaseModel):
    data: ProjectAnswer


class ProjectListDocument(BaseModel):
    data: list[ProjectAnswer]


answers = {
    routes.create_case: Answer(CaseDocument),
    routes.get_case: Answer(CaseDocument, {"case_id": UUID}),
    routes_projects.create_project: Answer(ProjectDocument),
    routes_projects.list_projects: Answer(ProjectListDocument),
    routes_projects.get_project: Answer(ProjectDocument, {"project_id": UUID}),
    routes_projects.delete_project: Answer(None, {"project_id": UUID}),
}
