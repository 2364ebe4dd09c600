"""The notifications an org has had, read back: as events, and per monitor with their deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recess.core.timefmt import iso_micro
from recess.notifications.model import Delivery, Notification


def between(session: Session, org_id: int, start: datetime | None, end: datetime | None, tags: Sequence[str]) -> list[Notification]:
    """The org's notifications from `start` to `end`, newest first, carrying every one of `tags`."""
    rows = session.scalars(
        select(Notification)
        .where(Notification.org_id == org_id, Notification.at >= start, Notification.at <= end)
        .order_by(Notification.at.desc(), Notification.id.desc())
    ).all()
    return [r for r in rows if all(t in r.tags for t in tags)]


def one(session: Session, org_id: int, notification_id: int) -> Notification | None:
    row = session.get(Notification, notification_id)
    return row if row is not None and row.org_id == org_id else None


def monitor_history(session: Session, monitor_id: int) -> list[dict[str, Any]]:
    """A monitor's notifications, oldest first, each with its deliveries (a recess extension)."""
    rows = session.scalars(select(Notification).where(Notification.monitor_id == monitor_id).order_by(Notification.id)).all()
    deliveries: dict[int, list[Delivery]] = {}
    if rows:
        for d in session.scalars(select(Delivery).where(Delivery.notification_id.in_([r.id for r in rows])).order_by(Delivery.id)):
            if d.notification_id is not None:  # always, for these; emails have none
                deliveries.setdefault(d.notification_id, []).append(d)
    return [
        {"id": r.id, "kind": r.kind, "group": r.group_name, "transition": r.transition, "from": r.from_state,
         "to": r.to_state, "at": iso_micro(r.at), "title": r.title, "text": r.text, "muted": r.muted,
         "muted_by": r.muted_by, "reason": r.reason, "downtime": r.downtime,
         "deliveries": [{"webhook": d.webhook, "state": d.state, "attempts": d.attempts, "last_status": d.last_status,
                         "last_error": d.last_error, "delivered_at": iso_micro(d.delivered_at)} for d in deliveries.get(r.id, [])]}
        for r in rows
    ]
