"""Cases and projects on the wire: request bodies, and the JSON:API resources answered.

Resource `type`s in requests are plain strings here and checked by `rules.check_type`, so a
wrong one is answered in Case Management's words (`got type "userx" expected one of "user"`).
Answers use the client's own enum values: `user`, `project`, `case`, `STANDARD`, `SG_OPEN`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from recess.accounts.model import User
from recess.cases import rules
from recess.cases.model import Case, Project
from recess.core.jsonapi import Request, RequestData, Resource, relation
from recess.core.timefmt import iso_z


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Ref(_Body):
    id: StrictStr = Field(min_length=1)
    type: StrictStr


class ToOne(_Body):
    data: Ref


class MaybeToOne(_Body):
    data: Ref | None = None


class CaseAttributesIn(_Body):
    title: StrictStr = Field(min_length=1)
    description: StrictStr | None = None
    priority: Literal["NOT_DEFINED", "P1", "P2", "P3", "P4", "P5"] = "NOT_DEFINED"
    type_id: StrictStr | None = None
    attributes: dict[str, list[StrictStr]] | None = None


class CaseRelationshipsIn(_Body):
    project: ToOne
    assignee: MaybeToOne | None = None


class CaseData(RequestData[StrictStr, CaseAttributesIn]):
    relationships: CaseRelationshipsIn


class CaseRequest(Request[CaseData]):
    pass


class ProjectAttributesIn(_Body):
    key: StrictStr
    name: StrictStr
    enabled_custom_case_types: list[StrictStr] | None = None
    team_uuid: StrictStr | None = None


class ProjectData(RequestData[StrictStr, ProjectAttributesIn]):
    pass


class ProjectRequest(Request[ProjectData]):
    pass


def assignee_of(relationships: CaseRelationshipsIn) -> str | None:
    """The assignee's user id, once its type is checked (None: unassigned)."""
    given = relationships.assignee.data if relationships.assignee is not None else None
    if given is None:
        return None
    rules.check_type(given.type, rules.USER)
    return given.id


def project_resource(row: Project) -> Resource[dict[str, Any]]:
    return Resource(id=row.id, type=rules.PROJECT, attributes={
        "key": row.key, "name": row.name, "restricted": False,
        "enabled_custom_case_types": list(row.enabled_custom_case_types),
    })


def user_resource(user: User) -> Resource[dict[str, Any]]:
    return Resource(id=user.uuid, type=rules.USER, attributes={
        "active": not user.disabled, "email": user.email, "handle": user.email, "name": user.name or "",
    })


def case_resource(case: Case, quieted_by: str | None) -> Resource[dict[str, Any]]:
    relationships = {"created_by": relation(case.created_by, rules.USER),
                     "project": relation(case.project_id, rules.PROJECT)}
    if case.assignee:
        relationships["assignee"] = relation(case.assignee, rules.USER)
    return Resource(id=case.id, type=rules.CASE, attributes={
        "key": rules.case_key(case.project, case.number), "title": case.title, "description": case.description,
        "priority": case.priority, "status": case.status, "status_group": rules.STATUS_GROUPS[case.status],
        "status_name": rules.STATUS_NAMES[case.status], "type": "STANDARD",
        **({"type_id": case.type_id} if case.type_id else {}), "attributes": case.attributes, "custom_attributes": {}, "creation_source": "MANUAL", "comment_count": 0,
        "created_at": iso_z(case.created_at), "modified_at": iso_z(case.modified_at), "closed_at": None, "archived_at": None,
        # recess: whether case notifications and automation are quiet now, and which window does it
        "notifications_suppressed": quieted_by is not None, "maintenance_window_id": quieted_by,
    }, relationships=relationships)
