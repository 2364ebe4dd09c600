"""/api/v2/cases: create a case and read it, with whether a maintenance window quiets it now."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from recess.accounts.auth import require
from recess.accounts.permissions import CASES_READ, CASES_WRITE
from recess.accounts.store import Principal
from recess.cases import rules, schemas, service
from recess.cases.model import Case
from recess.core.db import Database
from recess.core.errors import ApiError, not_found
from recess.core.http import database, json
from recess.core.jsonapi import Document
from recess.core.params import uuid_id

router = APIRouter(prefix="/api/v2/cases", tags=["Case Management"])
ATTRIBUTE_KEYS = 100  # keys of a case's `attributes`


def refused(exc: rules.CaseError) -> ApiError:
    return ApiError(exc.status, str(exc))


def answer(session: Session, case: Case, status: int = 200) -> Response:
    """A case as Datadog answers it: the case, and the users it names `included`."""
    users = [schemas.user_resource(u) for u in service.people(session, case)]
    document = Document(data=schemas.case_resource(case, service.quieted_by(session, case)), included=users)
    return json(document.body(), status=status)


def _case_id(text: str) -> str:
    """The case id in a path, as a lower-case UUID. Anything else (a key such as SEC-1 too)
    names no case here: 404, not the 400 of a malformed parameter."""
    try:
        return uuid_id(text, "case_id")
    except ApiError:
        raise not_found("case not found") from None


@router.post("", summary="Create a case", status_code=201)
def create_case(request: schemas.CaseRequest, principal: Principal = Depends(require(CASES_WRITE)),
                db: Database = Depends(database)) -> Response:
    data, a = request.data, request.data.attributes
    try:
        rules.check_type(data.type, rules.CASE)
        rules.check_type(data.relationships.project.data.type, rules.PROJECT)
        assignee = schemas.assignee_of(data.relationships)
        with db.session() as session:
            case = service.create(session, principal.org_id, by=principal.user_uuid, project_id=data.relationships.project.data.id,
                                  assignee=assignee, title=a.title, description=a.description or "", priority=a.priority,
                                  type_id=a.type_id, attributes=a.attributes or {})
            session.flush()
            return answer(session, case, status=201)
    except rules.CaseError as exc:
        raise refused(exc) from None


@router.get("/{case_id:id}", summary="Get the details of a case")
def get_case(case_id: str, principal: Principal = Depends(require(CASES_READ)), db: Database = Depends(database)) -> Response:
    with db.read() as session:
        case = service.get(session, principal.org_id, _case_id(case_id))
        if case is None:
            raise not_found("case not found")
        return answer(session, case)
