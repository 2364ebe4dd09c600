"""Degradations: opening, backfilling, updating and deleting them, and editing their timelines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete as delete_rows
from sqlalchemy.orm import Session

from recess.core.ids import random_uuid
from recess.core.timefmt import to_utc
from recess.statuspages import rules, store
from recess.statuspages import service_timeline as timeline
from recess.statuspages.model import Degradation, StatusPage, Update
from recess.statuspages.rules import PageError
from recess.statuspages.schemas import BackfillDegradationIn, DegradationIn, DegradationPatch, UpdatePatch

KIND = "degradation"


def find(session: Session, page: StatusPage, degradation_id: str) -> Degradation:
    row = store.degradation(session, page.id, degradation_id)
    if row is None:
        raise PageError("degradation not found", 404)
    return row


def _new(org_id: int, page: StatusPage, title: str, backfilled: bool, created_at: datetime, now: datetime, user: str) -> Degradation:
    return Degradation(id=random_uuid(), org_id=org_id, page_id=page.id, title=title, is_backfilled=backfilled,
                       created_at=created_at, modified_at=now, created_by=user, modified_by=user)


def create(session: Session, org_id: int, page: StatusPage, given: DegradationIn, user: str, now: datetime) -> Degradation:
    """A degradation, open from now, with its first update."""
    components = timeline.affected(session, page, given.components_affected)
    row = _new(org_id, page, given.title, False, now, now, user)
    session.add(row)
    timeline.add(session, row.id, KIND, given.status, given.description or "", components, now, now, user)
    return row


def backfill(session: Session, org_id: int, page: StatusPage, given: BackfillDegradationIn, user: str, now: datetime) -> Degradation:
    """A degradation that happened: its whole timeline at once, ending resolved."""
    updates: list[dict[str, Any]] = [{"status": u.status, "started_at": to_utc(u.started_at), "description": u.description}
                                     for u in given.updates]
    rules.check_degradation_backfill(updates, now)
    row = _new(org_id, page, given.title, True, updates[0]["started_at"], now, user)
    session.add(row)
    for update, raw in zip(updates, given.updates, strict=True):
        timeline.add(session, row.id, KIND, update["status"], update["description"] or "",
                     timeline.affected(session, page, raw.components_affected), update["started_at"], now, user)
    return row


def update(session: Session, page: StatusPage, row: Degradation, given: DegradationPatch, user: str, now: datetime) -> None:
    """A new title as is; a new status, description or set of components as a new update."""
    if given.title is not None:
        row.title = given.title
    if {"status", "description", "components_affected"} & given.model_fields_set:
        last = store.live_updates(store.updates(session, [row.id])[row.id])[-1]
        components = (timeline.affected(session, page, given.components_affected) if given.components_affected is not None
                      else last.components_affected)
        timeline.add(session, row.id, KIND, given.status or last.status,
                     given.description if given.description is not None else last.description, components, now, now, user)
    row.modified_at, row.modified_by = now, user


def delete(session: Session, row: Degradation) -> None:
    session.execute(delete_rows(Update).where(Update.parent_id == row.id))
    session.delete(row)


def edit_update(parent: Degradation, row: Update, given: UpdatePatch, user: str, now: datetime) -> None:
    if row.deleted_at is not None:
        raise PageError("this update was deleted and cannot be edited")
    if given.description is not None:
        row.description = given.description
    if given.status is not None:
        row.status = given.status
    row.modified_at, row.modified_by = now, user
    parent.modified_at = now


def delete_update(session: Session, parent: Degradation, row: Update, user: str, now: datetime) -> None:
    """Soft: the update stays in the timeline, marked deleted. The last live one stays."""
    if row.deleted_at is None:
        if len(store.live_updates(store.updates(session, [parent.id])[parent.id])) == 1:
            raise PageError("the only remaining update of a degradation cannot be deleted")
        row.deleted_at, row.deleted_by = now, user
        parent.modified_at = now
