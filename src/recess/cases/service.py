"""Projects and cases: what the API does with them, over a `Session`.

Plain functions: no requests, no status codes; a refusal is a `rules.CaseError` carrying its
status. A case is created in an existing project of its org, and its assignee must be a user
of that org. Whether a maintenance window quiets a case is asked of
`recess.maintenance_windows.service` (cases depend on maintenance windows, never the other way).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recess.accounts import store as accounts
from recess.accounts.model import User
from recess.cases import rules, store
from recess.cases.model import Case, Project
from recess.core import clock
from recess.core.db import is_unique_violation
from recess.core.ids import random_uuid
from recess.maintenance_windows import service as maintenance_windows

# How many numbers one create tries before giving up: each refused try means another case of the
# project was committed meanwhile, so only that many creates at once could exhaust it.
NUMBERING_ATTEMPTS = 100


def create_project(session: Session, org_id: int, *, by: str, key: str, name: str, case_types: Sequence[str]) -> Project:
    """A new project; its key is unique in the org (409 when taken)."""
    rules.check_project_key(key)
    rules.check_name(name)
    if store.project_by_key(session, org_id, key) is not None:
        raise rules.CaseError(f"a project with key {key} already exists", 409)
    now = clock.now()
    row = Project(id=random_uuid(), org_id=org_id, key=key, name=name, enabled_custom_case_types=list(case_types),
                  created_by=by, created_at=now, modified_at=now)
    session.add(row)
    return row


def get_project(session: Session, org_id: int, project_id: str) -> Project:
    found = store.project(session, org_id, project_id.lower())
    if found is None:
        raise rules.project_not_found()
    return found


def list_projects(session: Session, org_id: int) -> Sequence[Project]:
    return store.projects(session, org_id)


def delete_project(session: Session, org_id: int, project_id: str) -> None:
    """Remove the project. Its cases stay readable; no new case can be created in it."""
    session.delete(get_project(session, org_id, project_id))


def create(session: Session, org_id: int, *, by: str, project_id: str, assignee: str | None, title: str, description: str,
           priority: str, type_id: str | None, attributes: Mapping[str, Sequence[str]]) -> Case:
    """A new open case in the project `project_id`, numbered after the project's last case (unique
    under concurrent creates)."""
    project = get_project(session, org_id, project_id)
    if assignee is not None and not accounts.users_by_uuid(session, org_id, [assignee]):
        raise rules.CaseError("user not found", 404)
    now = clock.now()
    # Two creates at once may both read the same last number: the unique (org, project, number)
    # constraint refuses the later insert, and it takes the next number after the one committed
    # (each refusal means another case was committed, so this ends).
    for attempt in range(NUMBERING_ATTEMPTS):
        case = Case(id=random_uuid(), org_id=org_id, project=project.key, project_id=project.id,
                    number=store.last_number(session, org_id, project.key) + 1, title=title, description=description,
                    priority=priority, status="OPEN", type_id=type_id,
                    attributes={key: list(values) for key, values in attributes.items()},
                    assignee=assignee.lower() if assignee else None, created_by=by, created_at=now, modified_at=now)
        try:
            with session.begin_nested():
                session.add(case)
                session.flush()
            return case
        except IntegrityError as exc:
            if not is_unique_violation(exc) or attempt == NUMBERING_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def get(session: Session, org_id: int, case_id: str) -> Case | None:
    """The org's case `case_id` (a lower-case UUID), if there is one."""
    return store.case(session, org_id, case_id)


def people(session: Session, case: Case) -> list[User]:
    """The users a case names (its creator, then its assignee), for `included`."""
    wanted = list(dict.fromkeys(u for u in (case.created_by, case.assignee) if u))
    found = accounts.users_by_uuid(session, case.org_id, wanted)
    return [found[u] for u in wanted if u in found]


def quieted_by(session: Session, case: Case) -> str | None:
    """The id of the maintenance window that quiets the case's notifications and automation now, if any."""
    window = maintenance_windows.quieting_case(session, case.org_id, project=case.project, priority=case.priority,
                                               status=case.status, attributes=case.attributes,
                                               now=clock.now())
    return window.id if window is not None else None
