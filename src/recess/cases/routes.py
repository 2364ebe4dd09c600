"""/api/v2/cases: create a case and read it, with whether a maintenance window quiets it now."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from recess.accounts.auth import require
from recess.accounts.permissions import CASES_READ, CASES_WRITE
from recess.accounts.store import Principal
from recess.cases import service
from recess.cases.model import Case
from recess.core.db import Database
from recess.core.errors import ApiError, not_found
from recess.core.jsonapi import Document, Request, RequestData, Resource, relation
from recess.core.http import database, json
from recess.core.params import uuid_id
from recess.core.timefmt import iso_z

router = APIRouter(prefix="/api/v2/cases", tags=["Case Management"])


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class CaseAttributesIn(_Body):
    title: StrictStr = Field(min_length=1)
    description: StrictStr | None = None
    priority: Literal["NOT_DEFINED", "P1", "P2", "P3", "P4", "P5"] = "NOT_DEFINED"
    type_id: StrictStr | None = None
    attributes: dict[str, list[StrictStr]] | None = None


class ProjectData(_Body):
    id: StrictStr = Field(min_length=1)
    type: Literal["project"]


class ProjectRef(_Body):
    data: ProjectData


class CaseRelationshipsIn(_Body):
    project: ProjectRef


class CaseData(RequestData[Literal["case"], CaseAttributesIn]):
    relationships: CaseRelationshipsIn


class CaseRequest(Request[CaseData]):
    pass


def document(case: Case, quieted_by: str | None) -> Resource[dict[str, Any]]:
    return Resource(id=case.id, type="case", attributes={
        "key": f"{case.project}-{case.number}", "title": case.title, "description": case.description, "priority": case.priority,
        "status": case.status, "status_name": case.status.replace("_", " ").title(), "type": "STANDARD",
        "attributes": case.attributes, "created_at": iso_z(case.created_at), "modified_at": iso_z(case.modified_at),
        "closed_at": None, "archived_at": None,
        # recess: whether case notifications and automation are quiet now, and which window does it
        "notifications_suppressed": quieted_by is not None, "maintenance_window_id": quieted_by,
    }, relationships={"project": relation(case.project, "project"), "created_by": relation(case.created_by, "users")})



def _case_id(text: str) -> str:
    """The case id in a path, as a lower-case UUID. Anything else (a key such as SEC-1 too)
    names no case here: 404, not the 400 of a malformed parameter."""
    try:
        return uuid_id(text, "case_id")
    except ApiError:
        raise not_found("Case not found") from None


@router.post("", summary="Create a case", status_code=201)
def create_case(request: CaseRequest, principal: Principal = Depends(require(CASES_WRITE)), db: Database = Depends(database)) -> Response:
    a = request.data.attributes
    with db.session() as session:
        case = service.create(session, principal.org_id, by=principal.user_uuid, project=request.data.relationships.project.data.id,
                              title=a.title, description=a.description or "", priority=a.priority, attributes=a.attributes or {})
        return json(Document(data=document(case, service.quieted_by(session, case))).body(), status=201)


@router.get("/{case_id:id}", summary="Get the details of a case")
def get_case(case_id: str, principal: Principal = Depends(require(CASES_READ)), db: Database = Depends(database)) -> Response:
    with db.read() as session:
        case = service.get(session, principal.org_id, _case_id(case_id))
        if case is None:
            raise not_found("Case not found")
        return json(Document(data=document(case, service.quieted_by(session, case))).body())
