"""Project and case rows. SQL only."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recess.cases.model import Case, Project


def project(session: Session, org_id: int, project_id: str) -> Project | None:
    return session.scalar(select(Project).where(Project.org_id == org_id, Project.id == project_id))


def project_by_key(session: Session, org_id: int, key: str) -> Project | None:
    return session.scalar(select(Project).where(Project.org_id == org_id, Project.key == key))


def projects(session: Session, org_id: int) -> Sequence[Project]:
    return session.scalars(select(Project).where(Project.org_id == org_id).order_by(Project.key)).all()


def last_number(session: Session, org_id: int, project_key: str) -> int:
    """The highest case number of the project's key so far (0 before its first case)."""
    return session.scalar(select(func.max(Case.number)).where(Case.org_id == org_id, Case.project == project_key)) or 0


def case(session: Session, org_id: int, case_id: str) -> Case | None:
    return session.scalar(select(Case).where(Case.org_id == org_id, Case.id == case_id))
