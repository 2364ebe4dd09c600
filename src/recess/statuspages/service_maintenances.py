"""Maintenances and their state machine, moved by hand or on time by the scheduler's job.

scheduled -> in_progress -> completed, or scheduled -> canceled; `advance_maintenances` makes
the steps that are due. Each change is told to the app's `MaintenanceListener` in the same
transaction (backfills are not).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from recess.core.db import wake_after_commit
from recess.core.ids import random_uuid
from recess.core.timefmt import to_utc
from recess.statuspages import rules, store
from recess.statuspages import service_timeline as timeline
from recess.statuspages.listeners import NO_LISTENER, MaintenanceEvent, MaintenanceListener
from recess.statuspages.model import Maintenance, StatusPage, Update
from recess.statuspages.rules import PageError
from recess.statuspages.schemas import BackfillMaintenanceIn, MaintenanceIn, MaintenancePatch

KIND = "maintenance"
_ORDER = {"scheduled": 0, "in_progress": 1, "completed": 2, "canceled": 2}
_TEXTS = ("title", "scheduled_description", "in_progress_description", "completed_description", "canceled_description")


def find(session: Session, page: StatusPage, maintenance_id: str) -> Maintenance:
    row = store.maintenance(session, page.id, maintenance_id)
    if row is None:
        raise PageError("maintenance not found", 404)
    return row


def listing(session: Session, org_id: int, page_id: str | None, in_status: set[str], sort: str) -> list[Maintenance]:
    """The org's maintenances (of one page), in `in_status` (all when empty), ordered by `sort`:
    `created_at` (the published date) or `start_date`, `-` for newest first."""
    rows = [r for r in store.maintenances(session, org_id, page_id) if not in_status or r.status in in_status]
    by_start = sort.lstrip("-") == "start_date"
    rows.sort(key=lambda r: (r.start_date if by_start else r.published_date, r.id), reverse=sort.startswith("-"))
    return rows


def window(start: datetime, completed: datetime) -> tuple[datetime, datetime]:
    """(start, completed) in UTC; completed must come after start."""
    start, completed = to_utc(start), to_utc(completed)
    if completed <= start:
        raise PageError("completed_date must be after start_date")
    return start, completed


def create(session: Session, org_id: int, page: StatusPage, given: MaintenanceIn, planned: tuple[datetime, datetime],
           user: str, now: datetime, listener: MaintenanceListener = NO_LISTENER, notify_subscribers: bool = False) -> Maintenance:
    """A scheduled maintenance for the `planned` window (see `window`). `notify_subscribers`: its
    start and completion on time are announced to subscribers too."""
    components = timeline.affected(session, page, given.components_affected)
    row = Maintenance(
        id=random_uuid(), org_id=org_id, page_id=page.id, title=given.title, status="scheduled",
        scheduled_description=given.scheduled_description, in_progress_description=given.in_progress_description,
        completed_description=given.completed_description, canceled_description=None, components_affected=components,
        start_date=planned[0], completed_date=planned[1], published_date=now, is_backfilled=False,
        notify_subscribers=notify_subscribers, created_at=now, modified_at=now, created_by=user, modified_by=user,
    )
    session.add(row)
    timeline.add(session, row.id, KIND, "scheduled", given.scheduled_description,
                 rules.maintenance_components(components, "scheduled"), now, now, user)
    listener.maintenance_changed(session, row, "created", user, now)
    wake_after_commit(session, "scheduler")  # its start is due some day
    return row


def backfill(session: Session, org_id: int, page: StatusPage, given: BackfillMaintenanceIn, user: str, now: datetime) -> Maintenance:
    """A maintenance that happened: in progress, then completed, both in the past."""
    updates: list[dict[str, Any]] = [{"status": u.status, "started_at": to_utc(u.started_at), "description": u.description}
                                     for u in given.updates]
    rules.check_maintenance_backfill(updates, now)
    components = [timeline.affected(session, page, u.components_affected) for u in given.updates]
    row = Maintenance(
        id=random_uuid(), org_id=org_id, page_id=page.id, title=given.title, status="completed",
        scheduled_description="", in_progress_description=updates[0]["description"],
        completed_description=updates[1]["description"], canceled_description=None, components_affected=components[0],
        start_date=updates[0]["started_at"], completed_date=updates[1]["started_at"], published_date=updates[0]["started_at"],
        is_backfilled=True, notify_subscribers=False, created_at=now, modified_at=now, created_by=user, modified_by=user,
    )
    session.add(row)
    for update, items in zip(updates, components, strict=True):
        timeline.add(session, row.id, KIND, update["status"], update["description"], items, update["started_at"], now, user)
    return row


def update(session: Session, page: StatusPage, row: Maintenance, given: MaintenancePatch, user: str, now: datetime,
           listener: MaintenanceListener = NO_LISTENER) -> None:
    """New texts, dates and components as given; a new status moves the maintenance forward only
    (completing a scheduled one starts it first)."""
    for name in _TEXTS:
        if getattr(given, name) is not None:
            setattr(row, name, getattr(given, name))
    if given.start_date is not None or given.completed_date is not None:
        if row.status != "scheduled" and given.start_date is not None:
            raise PageError(f"start_date cannot change once the maintenance is {row.status}")
        row.start_date, row.completed_date = window(
            given.start_date if given.start_date is not None else row.start_date,
            given.completed_date if given.completed_date is not None else row.completed_date)
    if given.components_affected is not None:
        row.components_affected = timeline.affected(session, page, given.components_affected)
    if given.start_date is not None or given.completed_date is not None or given.components_affected is not None:
        listener.maintenance_changed(session, row, "moved", user, now)
    if given.status is not None and given.status != row.status:
        if row.status in ("completed", "canceled") or _ORDER[given.status] < _ORDER[row.status]:
            raise PageError(f"a maintenance cannot go from {row.status} to {given.status}")
        if given.status == "canceled" and row.status != "scheduled":
            raise PageError("only a scheduled maintenance can be canceled")
        if given.status == "completed" and row.status == "scheduled":
            transition(session, row, "in_progress", now, now, user, manual=True, listener=listener)
        transition(session, row, given.status, now, now, user, manual=True, listener=listener)
    row.modified_at, row.modified_by = now, user
    wake_after_commit(session, "scheduler")  # what is due next may have changed


def transition(session: Session, row: Maintenance, status: str, at: datetime, now: datetime, user: str, manual: bool,
               listener: MaintenanceListener = NO_LISTENER) -> None:
    """Move a maintenance to `status`, appending the update that says so (with the listener's notes)."""
    description = {"scheduled": row.scheduled_description, "in_progress": row.in_progress_description,
                   "completed": row.completed_description, "canceled": row.canceled_description or ""}[status]
    description = "\n\n".join(part for part in [description, *listener.maintenance_notes(session, row, now)] if part)
    row.status = status
    timeline.add(session, row.id, KIND, status, description, rules.maintenance_components(row.components_affected, status),
                 at, now, user, manual=manual)
    row.modified_at, row.modified_by = now, user
    event: MaintenanceEvent = "in_progress" if status == "in_progress" else "completed" if status == "completed" else "canceled"
    listener.maintenance_changed(session, row, event, user, now)


# Told of each maintenance the scheduler moved (subscribers are told), once the tick's steps are made.
Announce = Callable[[Session, Maintenance, datetime], object]


def advance_maintenances(session: Session, now: datetime, listener: MaintenanceListener = NO_LISTENER,
                         announce: Announce | None = None) -> None:
    """The scheduler's job: start and complete maintenances at their dates. Each one moved is
    announced after all of them moved, so what is announced shows the page as the tick left it;
    one due to start and complete both (the scheduler was away) is announced once, completed."""
    moved: list[Maintenance] = []
    for row in store.due_maintenances(session, now):
        steps = rules.due_steps(row.status, row.start_date, row.completed_date, now)
        for step in steps:
            transition(session, row, step.status, now, now, row.modified_by, manual=False, listener=listener)
        if steps:
            moved.append(row)
    if announce is not None:
        for row in moved:
            announce(session, row, now)


def edit_update(parent: Maintenance, row: Update, description: str | None, user: str, now: datetime) -> None:
    if description is not None:
        row.description = description
    row.modified_at, row.modified_by = now, user
    parent.modified_at = now

