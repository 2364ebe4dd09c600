"""Status page rows. SQL only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from recess.accounts.model import User
from recess.statuspages import rules
from recess.statuspages.model import Component, Degradation, Maintenance, StatusPage, Template, Update


def page(session: Session, org_id: int, page_id: str) -> StatusPage | None:
    return session.scalar(select(StatusPage).where(StatusPage.org_id == org_id, StatusPage.id == page_id))


def page_by_prefix(session: Session, domain_prefix: str) -> StatusPage | None:
    return session.scalar(select(StatusPage).where(StatusPage.domain_prefix == domain_prefix))


def pages(session: Session, org_id: int, domain_prefix: str | None = None) -> Sequence[StatusPage]:
    query = select(StatusPage).where(StatusPage.org_id == org_id)
    if domain_prefix is not None:
        query = query.where(StatusPage.domain_prefix == domain_prefix)
    return session.scalars(query.order_by(StatusPage.created_at.desc(), StatusPage.id)).all()


def prefix_taken(session: Session, domain_prefix: str, other_than: str | None = None) -> bool:
    query = select(StatusPage.id).where(StatusPage.domain_prefix == domain_prefix)
    if other_than:
        query = query.where(StatusPage.id != other_than)
    return session.scalar(query) is not None


def delete_page(session: Session, page: StatusPage) -> None:
    """The page and everything on it: degradations and maintenances with their timelines,
    components and templates."""
    incidents: list[Degradation | Maintenance] = [*session.scalars(select(Degradation).where(Degradation.page_id == page.id)),
                                                  *session.scalars(select(Maintenance).where(Maintenance.page_id == page.id))]
    for row in incidents:
        session.execute(delete(Update).where(Update.parent_id == row.id))
        session.delete(row)
    for owned in (Component, Template):
        session.execute(delete(owned).where(owned.page_id == page.id))
    session.delete(page)


def components(session: Session, page_ids: Iterable[str]) -> list[Component]:
    ids = list(page_ids)
    if not ids:
        return []
    return list(session.scalars(select(Component).where(Component.page_id.in_(ids)).order_by(Component.position, Component.created_at)))


def component(session: Session, page_id: str, component_id: str) -> Component | None:
    return session.scalar(select(Component).where(Component.page_id == page_id, Component.id == component_id))


def siblings(session: Session, page_id: str, parent_id: str | None) -> list[Component]:
    query = select(Component).where(Component.page_id == page_id)
    query = query.where(Component.parent_id.is_(None) if parent_id is None else Component.parent_id == parent_id)
    return list(session.scalars(query))


def updates(session: Session, parent_ids: Iterable[str]) -> dict[str, list[Update]]:
    ids = list(parent_ids)
    out: dict[str, list[Update]] = {i: [] for i in ids}
    if ids:
        for row in session.scalars(select(Update).where(Update.parent_id.in_(ids)).order_by(Update.seq)):
            out[row.parent_id].append(row)
    return out


def next_seq(session: Session, parent_id: str) -> int:
    return (session.scalar(select(func.max(Update.seq)).where(Update.parent_id == parent_id)) or 0) + 1


def degradation(session: Session, page_id: str, degradation_id: str) -> Degradation | None:
    return session.scalar(select(Degradation).where(Degradation.page_id == page_id, Degradation.id == degradation_id))


def degradations(session: Session, org_id: int, page_id: str | None = None) -> Sequence[Degradation]:
    query = select(Degradation).where(Degradation.org_id == org_id)
    if page_id is not None:
        query = query.where(Degradation.page_id == page_id)
    return session.scalars(query.order_by(Degradation.created_at, Degradation.id)).all()


def maintenance(session: Session, page_id: str, maintenance_id: str) -> Maintenance | None:
    return session.scalar(select(Maintenance).where(Maintenance.page_id == page_id, Maintenance.id == maintenance_id))


def maintenances(session: Session, org_id: int, page_id: str | None = None) -> Sequence[Maintenance]:
    query = select(Maintenance).where(Maintenance.org_id == org_id)
    if page_id is not None:
        query = query.where(Maintenance.page_id == page_id)
    return session.scalars(query.order_by(Maintenance.published_date, Maintenance.id)).all()


def open_maintenances(session: Session, page_id: str) -> Sequence[Maintenance]:
    """The page's maintenances that are scheduled or in progress."""
    return session.scalars(select(Maintenance).where(Maintenance.page_id == page_id,
                                                     Maintenance.status.in_(("scheduled", "in_progress")))).all()


def live_updates(rows: list[Update]) -> list[Update]:
    return [u for u in rows if u.deleted_at is None]


def open_affected(session: Session, page_ids: Iterable[str]) -> dict[str, list[list[dict[str, Any]]]]:
    """Per page, the components_affected of what is open: unresolved degradations (latest
    update) and in-progress maintenances."""
    ids = list(page_ids)
    out: dict[str, list[list[dict[str, Any]]]] = {i: [] for i in ids}
    if not ids:
        return out
    degs = session.scalars(select(Degradation).where(Degradation.page_id.in_(ids), Degradation.is_backfilled.is_(False))).all()
    timeline = updates(session, [d.id for d in degs])
    for deg in degs:
        current = live_updates(timeline[deg.id])
        if current and current[-1].status != "resolved":
            out[deg.page_id].append(current[-1].components_affected)
    for m in session.scalars(select(Maintenance).where(Maintenance.page_id.in_(ids), Maintenance.status == "in_progress")):
        out[m.page_id].append(rules.maintenance_components(m.components_affected, "in_progress"))
    return out


def due_maintenances(session: Session, now: datetime, limit: int = 200) -> Sequence[Maintenance]:
    return session.scalars(
        select(Maintenance)
        .where(((Maintenance.status == "scheduled") & (Maintenance.start_date <= now))
               | ((Maintenance.status == "in_progress") & (Maintenance.completed_date <= now)))
        .limit(limit).with_for_update()
    ).all()


def next_maintenance_due(session: Session) -> datetime | None:
    starts = session.scalar(select(func.min(Maintenance.start_date)).where(Maintenance.status == "scheduled"))
    ends = session.scalar(select(func.min(Maintenance.completed_date)).where(Maintenance.status == "in_progress"))
    dues = [d for d in (starts, ends) if d is not None]
    return min(dues) if dues else None


def templates(session: Session, page_id: str, kind: str) -> Sequence[Template]:
    return session.scalars(select(Template).where(Template.page_id == page_id, Template.kind == kind).order_by(Template.created_at)).all()


def template(session: Session, page_id: str, kind: str, template_id: str) -> Template | None:
    return session.scalar(select(Template).where(Template.page_id == page_id, Template.kind == kind, Template.id == template_id))


def users_by_uuid(session: Session, uuids: Iterable[str]) -> dict[str, User]:
    wanted = set(uuids)
    if not wanted:
        return {}
    return {u.uuid: u for u in session.scalars(select(User).where(User.uuid.in_(wanted)))}


_VERSION = text(
    "SELECT p.id, p.type, p.enabled, p.modified_at,"
    " (SELECT max(modified_at) FROM status_page_components WHERE page_id = p.id),"
    " (SELECT count(*) FROM status_page_components WHERE page_id = p.id),"
    " (SELECT max(modified_at) FROM degradations WHERE page_id = p.id),"
    " (SELECT count(*) FROM degradations WHERE page_id = p.id),"
    " (SELECT max(modified_at) FROM maintenances WHERE page_id = p.id),"
    " (SELECT count(*) FROM maintenances WHERE page_id = p.id)"
    " FROM status_pages p WHERE p.domain_prefix = :prefix")


def page_version(session: Session, domain_prefix: str) -> tuple[Any, ...] | None:
    """(page id, type, enabled, then the latest modified_at and the count of the page's own row,
    components, degradations and maintenances): a value that changes whenever anything a reader
    sees changes (every write stamps modified_at on its row or its parent; a delete changes a
    count). None when no page has this prefix. Plain SQL: it runs on every uncached view, and
    building the statement cost more than running it."""
    row = session.execute(_VERSION, {"prefix": domain_prefix}).first()
    return tuple(row) if row is not None else None
