"""/api/v2/cases/projects: the projects cases belong to (create, list, get, delete)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from recess.accounts.auth import require
from recess.accounts.permissions import CASES_READ, CASES_WRITE
from recess.accounts.store import Principal
from recess.cases import rules, schemas, service
from recess.cases.routes import refused
from recess.core.db import Database
from recess.core.http import database, json, no_content
from recess.core.jsonapi import Document

router = APIRouter(prefix="/api/v2/cases/projects", tags=["Case Management"])


@router.post("", summary="Create a project", status_code=201)
def create_project(request: schemas.ProjectRequest, principal: Principal = Depends(require(CASES_WRITE)),
                   db: Database = Depends(database)) -> Response:
    a = request.data.attributes
    try:
        rules.check_type(request.data.type, rules.PROJECT)
        with db.session() as session:
            row = service.create_project(session, principal.org_id, by=principal.user_uuid, key=a.key, name=a.name,
                                         case_types=a.enabled_custom_case_types or [])
            return json(Document(data=schemas.project_resource(row)).body(), status=201)
    except rules.CaseError as exc:
        raise refused(exc) from None


@router.get("", summary="Get all projects")
def list_projects(principal: Principal = Depends(require(CASES_READ)), db: Database = Depends(database)) -> Response:
    with db.read() as session:
        rows = service.list_projects(session, principal.org_id)
        return json(Document(data=[schemas.project_resource(r) for r in rows]).body())


@router.get("/{project_id:id}", summary="Get the details of a project")
def get_project(project_id: str, principal: Principal = Depends(require(CASES_READ)), db: Database = Depends(database)) -> Response:
    try:
        with db.read() as session:
            return json(Document(data=schemas.project_resource(service.get_project(session, principal.org_id, project_id))).body())
    except rules.CaseError as exc:
        raise refused(exc) from None


@router.delete("/{project_id:id}", summary="Remove a project", status_code=204, response_class=Response)
def delete_project(project_id: str, principal: Principal = Depends(require(CASES_WRITE)), db: Database = Depends(database)) -> Response:
    try:
        with db.session() as session:
            service.delete_project(session, principal.org_id, project_id)
    except rules.CaseError as exc:
        raise refused(exc) from None
    return no_content()
