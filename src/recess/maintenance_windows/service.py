"""Maintenance windows: what the API and other features do with them, over a `Session`.

Plain functions: no requests, no status codes. Invalid input raises `rules.WindowError` (its
message is for the user); a window that is not there is `None` from `get`. Other features use
this module, never the model: `quieting_case` answers whether a case's notifications are quiet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from recess.core import clock
from recess.core.ids import random_uuid
from recess.core.timefmt import to_utc
from recess.maintenance_windows import rules
from recess.maintenance_windows.model import MaintenanceWindow
from recess.maintenance_windows.rules import Window, WindowError

__all__ = ["Window", "WindowError", "create", "delete", "get", "list_windows", "quieting_case", "update"]


def create(session: Session, org_id: int, *, by: str, name: str, query: str, start_at: datetime, end_at: datetime) -> MaintenanceWindow:
    """A new window, created by the user `by` (a user UUID); times are stored in UTC."""
    start, end = to_utc(start_at), to_utc(end_at)
    rules.check_query(query)
    rules.check_times(start, end)
    now = clock.now()
    window = MaintenanceWindow(id=random_uuid(), org_id=org_id, name=name, query=query, start_at=start, end_at=end,
                               created_by=by, updated_by=by, created_at=now, modified_at=now)
    session.add(window)
    return window


def get(session: Session, org_id: int, window_id: str) -> MaintenanceWindow | None:
    """The org's window `window_id` (a lower-case UUID), if there is one."""
    return session.scalar(select(MaintenanceWindow).where(MaintenanceWindow.org_id == org_id, MaintenanceWindow.id == window_id))


def list_windows(session: Session, org_id: int, *, active_at: datetime | None = None) -> Sequence[MaintenanceWindow]:
    """The org's windows by start time (then id); with `active_at`, only those open then (end exclusive)."""
    query = select(MaintenanceWindow).where(MaintenanceWindow.org_id == org_id)
    if active_at is not None:
        query = query.where(MaintenanceWindow.start_at <= active_at, MaintenanceWindow.end_at > active_at)
    return session.scalars(query.order_by(MaintenanceWindow.start_at, MaintenanceWindow.id)).all()


def update(window: MaintenanceWindow, *, by: str, name: str | None = None, query: str | None = None,
           start_at: datetime | None = None, end_at: datetime | None = None) -> MaintenanceWindow:
    """Change what is given (None keeps the current value), checked as a whole before anything changes."""
    start = to_utc(start_at) if start_at is not None else window.start_at
    end = to_utc(end_at) if end_at is not None else window.end_at
    if query is not None:
        rules.check_query(query)
    rules.check_times(start, end)
    if name is not None:
        window.name = name
    if query is not None:
        window.query = query
    window.start_at, window.end_at = start, end
    window.updated_by, window.modified_at = by, clock.now()
    return window


def delete(session: Session, window: MaintenanceWindow) -> None:
    session.delete(window)


def quieting_case(session: Session, org_id: int, *, project: str, priority: str, status: str,
                  attributes: Mapping[str, Sequence[str]], now: datetime) -> Window | None:
    """The window that quiets notifications and automation for such a case at `now` (the one
    ending last), if any."""
    active = [Window(w.id, w.query, w.start_at, w.end_at) for w in list_windows(session, org_id, active_at=now)]
    return rules.suppressing(active, rules.case_tags(project, priority, status, attributes), now)
