"""Binding rows. SQL only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from recess.accounts.model import User
from recess.bindings.model import AutomaticDegradation, BoundGroup, MaintenanceDowntime, MonitorBinding
from recess.statuspages.model import Component, Maintenance


def lock_component(session: Session, component_id: str) -> None:
    """Hold the component's row until commit: two first PUTs of its binding then take turns
    (the second finds the first's binding) instead of both inserting one (a unique violation)."""
    session.execute(select(Component.id).where(Component.id == component_id).with_for_update())


def binding(session: Session, component_id: str, *, for_update: bool = False) -> MonitorBinding | None:
    query = select(MonitorBinding).where(MonitorBinding.component_id == component_id)
    return session.scalar(query.with_for_update() if for_update else query)


def bindings_of(session: Session, page_id: str, component_ids: Iterable[str]) -> list[MonitorBinding]:
    ids = list(set(component_ids))
    if not ids:
        return []
    return list(session.scalars(select(MonitorBinding).where(MonitorBinding.page_id == page_id,
                                                             MonitorBinding.component_id.in_(ids))
                                .order_by(MonitorBinding.component_id)))


def automated(session: Session) -> Sequence[MonitorBinding]:
    """Every binding with auto_degradation on, across orgs (the scheduler's job)."""
    return session.scalars(select(MonitorBinding).where(MonitorBinding.automated.is_(True))
                           .order_by(MonitorBinding.created_at, MonitorBinding.component_id)).all()


def components(session: Session, ids: Iterable[str]) -> dict[str, Component]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    return {c.id: c for c in session.scalars(select(Component).where(Component.id.in_(wanted)))}


def children(session: Session, group_id: str) -> list[Component]:
    return list(session.scalars(select(Component).where(Component.parent_id == group_id)
                                .order_by(Component.position, Component.created_at)))


def open_maintenances(session: Session, page_id: str) -> Sequence[Maintenance]:
    """The page's scheduled and in-progress maintenances that were not backfilled."""
    return session.scalars(select(Maintenance).where(Maintenance.page_id == page_id, Maintenance.is_backfilled.is_(False),
                                                     Maintenance.status.in_(("scheduled", "in_progress")))
                           .order_by(Maintenance.start_date, Maintenance.id)).all()


def lock_maintenance(session: Session, maintenance_id: str) -> None:
    """Hold the maintenance's row, so that two writers never both make its downtimes."""
    session.execute(select(Maintenance.id).where(Maintenance.id == maintenance_id).with_for_update())


def links(session: Session, maintenance_id: str) -> list[MaintenanceDowntime]:
    return list(session.scalars(select(MaintenanceDowntime).where(MaintenanceDowntime.maintenance_id == maintenance_id)
                                .order_by(MaintenanceDowntime.id)))


def user_id(session: Session, org_id: int, user_uuid: str) -> int | None:
    found = session.scalar(select(User.id).where(User.org_id == org_id, User.uuid == user_uuid))
    if found is None:  # a maintenance written by a user since removed: the org's oldest user acts
        found = session.scalar(select(User.id).where(User.org_id == org_id).order_by(User.id).limit(1))
    return found


def automation(session: Session, component_id: str) -> AutomaticDegradation | None:
    return session.get(AutomaticDegradation, component_id)


def bound_groups(session: Session, component_id: str) -> list[BoundGroup]:
    return list(session.scalars(select(BoundGroup).where(BoundGroup.component_id == component_id).order_by(BoundGroup.id)))


def forget_automation(session: Session, component_id: str) -> None:
    session.execute(delete(BoundGroup).where(BoundGroup.component_id == component_id))
    session.execute(delete(AutomaticDegradation).where(AutomaticDegradation.component_id == component_id))


def next_join_due(session: Session) -> datetime | None:
    return session.scalar(select(func.min(BoundGroup.due_at)).where(BoundGroup.joined.is_(False)))
