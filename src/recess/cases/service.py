"""Cases: what the API does with them, over a `Session`.

Plain functions: no requests, no status codes. Whether a maintenance window quiets a case is
asked of `recess.maintenance_windows.service` (cases depend on maintenance windows, never the
other way round).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recess.cases.model import Case
from recess.core import clock
from recess.core.db import is_unique_violation
from recess.core.ids import random_uuid
from recess.maintenance_windows import service as maintenance_windows

# How many numbers one create tries before giving up: each refused try means another case of the
# project was committed meanwhile, so only that many creates at once could exhaust it.
NUMBERING_ATTEMPTS = 100


def create(session: Session, org_id: int, *, by: str, project: str, title: str, description: str, priority: str,
           attributes: Mapping[str, Sequence[str]]) -> Case:
    """A new open case in `project` (a key such as SEC), numbered after the project's last case.

    Two creates at once may both read the same last number: the unique (org, project, number)
    constraint refuses the later insert, and it takes the next number after the one committed
    (each refusal means another case was committed, so this ends)."""
    now = clock.now()
    for attempt in range(NUMBERING_ATTEMPTS):
        last = session.scalar(select(func.max(Case.number)).where(Case.org_id == org_id, Case.project == project))
        case = Case(id=random_uuid(), org_id=org_id, project=project, number=(last or 0) + 1, title=title,
                    description=description, priority=priority, status="OPEN",
                    attributes={key: list(values) for key, values in attributes.items()},
                    created_by=by, created_at=now, modified_at=now)
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
    return session.scalar(select(Case).where(Case.org_id == org_id, Case.id == case_id))


def quieted_by(session: Session, case: Case) -> str | None:
    """The id of the maintenance window that quiets the case's notifications and automation now, if any."""
    window = maintenance_windows.quieting_case(session, case.org_id, project=case.project, priority=case.priority,
                                               status=case.status, attributes=case.attributes,
                                               now=clock.now())
    return window.id if window is not None else None
