"""Timelines of degradations and maintenances: their update rows and the components they affect."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from recess.core.ids import random_uuid
from recess.statuspages import store
from recess.statuspages.model import Component, StatusPage, Update
from recess.statuspages.rules import PageError
from recess.statuspages.schemas import Affected, MaintenanceAffected


def affected(session: Session, page: StatusPage, items: Sequence[Affected | MaintenanceAffected]) -> list[dict[str, str]]:
    """[{id, name, status}]; components of other pages, unknown ones and groups are a 400."""
    out = []
    for item in items:
        row = session.get(Component, item.id.lower())
        if row is None or row.page_id != page.id:
            raise PageError(f"component {item.id} is not a component of this status page")
        if row.type == "group":
            raise PageError(f"component {item.id} is a group: affected components must be of type component")
        out.append({"id": row.id, "name": row.name, "status": item.status})
    return out


def add(session: Session, parent_id: str, kind: str, status: str, description: str, components: list[dict[str, str]],
        started_at: datetime, now: datetime, user: str, manual: bool = False) -> Update:
    """Append an update to the timeline of `parent_id` (a degradation or a maintenance: `kind`)."""
    row = Update(id=random_uuid(), parent_id=parent_id, kind=kind, status=status, description=description or "",
                 components_affected=components, started_at=started_at, created_at=now, modified_at=now, created_by=user,
                 modified_by=user, manual_transition=manual, deleted_at=None, deleted_by=None,
                 seq=store.next_seq(session, parent_id))
    session.add(row)
    session.flush()
    return row


def find(session: Session, parent_id: str, update_id: str) -> Update:
    row = session.get(Update, update_id)
    if row is None or row.parent_id != parent_id:
        raise PageError("update not found", 404)
    return row
