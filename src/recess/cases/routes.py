"""/api/v2/cases: create a case and read it, with whether a maintenance window quiets it now."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr
from sqlalchemy import func, select

from recess.accounts.auth import require
from recess.accounts.permissions import CASES_READ, CASES_WRITE
from recess.accounts.store import Principal
from recess.cases.model import Case
from recess.core import clock
from recess.core.db import Database
from recess.core.errors import ApiError
from recess.core.http import database, json
from recess.core.ids import is_uuid, random_uuid
from recess.core.timefmt import iso_z
from recess.maintenance_windows import rules
from recess.maintenance_windows.model import MaintenanceWindow

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


class CaseData(_Body):
    type: Literal["case"]
    attributes: CaseAttributesIn
    relationships: CaseRelationshipsIn


class CaseRequest(_Body):
    data: CaseData


def document(session: Any, case: Case) -> dict[str, Any]:
    windows = [rules.Window(w.id, w.query, w.start_at, w.end_at)
               for w in session.scalars(select(MaintenanceWindow).where(MaintenanceWindow.org_id == case.org_id))]
    quiet = rules.suppressing(windows, rules.case_tags(case.project, case.priority, case.status, case.attributes), clock.now())
    return {"id": case.id, "type": "case", "attributes": {
        "key": f"{case.project}-{case.number}", "title": case.title, "description": case.description, "priority": case.priority,
        "status": case.status, "status_name": case.status.replace("_", " ").title(), "type": "STANDARD",
        "attributes": case.attributes, "created_at": iso_z(case.created_at), "modified_at": iso_z(case.modified_at),
        "closed_at": None, "archived_at": None,
        # recess: whether case notifications and automation are quiet now, and which window does it
        "notifications_suppressed": quiet is not None, "maintenance_window_id": quiet.id if quiet else None,
    }, "relationships": {"project": {"data": {"id": case.project, "type": "project"}},
                         "created_by": {"data": {"id": case.created_by, "type": "users"}}}}


@router.post("", summary="Create a case", status_code=201)
def create_case(request: CaseRequest, principal: Principal = Depends(require(CASES_WRITE)), db: Database = Depends(database)) -> Response:
    a = request.data.attributes
    project = request.data.relationships.project.data.id
    now = clock.now()
    with db.session() as session:
        number = (session.scalar(select(func.max(Case.number)).where(Case.org_id == principal.org_id, Case.project == project)) or 0) + 1
        case = Case(id=random_uuid(), org_id=principal.org_id, project=project, number=number, title=a.title,
                    description=a.description or "", priority=a.priority, status="OPEN", attributes=a.attributes or {},
                    created_by=principal.user_uuid, created_at=now, modified_at=now)
        session.add(case)
        return json({"data": document(session, case)}, status=201)


@router.get("/{case_id}", summary="Get the details of a case")
def get_case(case_id: str, principal: Principal = Depends(require(CASES_READ)), db: Database = Depends(database)) -> Response:
    with db.read() as session:
        case = session.scalar(select(Case).where(Case.org_id == principal.org_id, Case.id == case_id.lower())) if is_uuid(case_id) else None
        if case is None:
            raise ApiError(404, "Case not found")
        return json({"data": document(session, case)})
