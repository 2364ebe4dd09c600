"""Downtimes v1 on the wire: the request body and the v1 object."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from recess.core.limits import ITEMS, Int64, PosixSeconds, ShortText, Tags, Text
from recess.core.timefmt import posix
from recess.downtimes import v1
from recess.downtimes.model import Downtime
from recess.core.schedule import Recurring, Schedule, Window
from recess.downtimes.rules import Fields, schedule_of, status


class DowntimeV1(BaseModel):
    """Create and update body. v1 tooling sends whole objects back, so unknown keys are ignored."""

    model_config = ConfigDict(extra="ignore")

    scope: Text | Tags | None = None
    start: PosixSeconds | None = None
    end: PosixSeconds | None = None
    message: Text | None = None
    timezone: ShortText | None = None
    monitor_id: Int64 | None = None
    monitor_tags: Tags | None = None
    recurrence: dict[str, Any] | None = None
    notify_end_states: list[ShortText] | None = Field(None, max_length=ITEMS)
    notify_end_types: list[ShortText] | None = Field(None, max_length=ITEMS)
    mute_first_recovery_notification: bool | None = None

    def given(self) -> dict[str, Any]:
        """Fields sent with a value: v1 PUT treats null as 'leave unchanged'."""
        return {k: getattr(self, k) for k in self.model_fields_set if getattr(self, k) is not None}


class CancelByScope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    scope: Text | Tags


def first_window(fields: Fields | Downtime) -> tuple[datetime, datetime | None]:
    """The v1 window a downtime was defined by: its first occurrence when it recurs."""
    schedule = schedule_of(fields.start, fields.end, fields.timezone, fields.recurrences)
    if not isinstance(schedule, Recurring):
        return fields.start, fields.end
    start, end = min(r.first() for r in schedule.recurrences)
    return start, end


def _base(row: Downtime, org_id: int, window: Window, state: str) -> dict[str, Any]:
    terms = row.v1_scope or v1.scope_terms(row.scope)
    return {
        "id": row.id,
        "monitor_id": row.monitor_id,
        "org_id": org_id,
        "start": posix(window.start),
        "end": posix(window.end),
        "canceled": posix(row.canceled),
        "created": posix(row.created),
        "modified": posix(row.modified),
        "message": row.message,
        "active": state == "active",
        "disabled": row.canceled is not None,
        "recurrence": v1.echo_recurrence(row.v1_recurrence, row.recurrences),
        "timezone": row.display_timezone,
        "parent_id": None,
        "child_id": None,
        "creator_id": row.created_by,
        "updater_id": row.updated_by,
        "downtime_type": v1.downtime_type(terms),
        "status": state,
        "monitor_tags": list(row.monitor_tags) if row.monitor_tags is not None else ["*"],
        "mute_first_recovery_notification": row.mute_first_recovery_notification,
        "notify_end_types": list(row.notify_end_types),
        "notify_end_states": list(row.notify_end_states),
        "uuid": row.uuid,
        "scope": list(terms),
    }


def current(row: Downtime, now: datetime) -> tuple[Schedule, Window, str]:
    schedule = schedule_of(row.start, row.end, row.timezone, row.recurrences)
    window = schedule.current(now)
    return schedule, window, status(row.canceled, schedule, now)


def has_child(row: Downtime, window: Window, now: datetime) -> bool:
    """A recurring downtime shows its ongoing or next occurrence as `active_child`."""
    return row.recurrences is not None and row.canceled is None and (window.end is None or window.end > now)


def document(row: Downtime, org_id: int, now: datetime, child_id: int | None = None, creator: Any = None) -> dict[str, Any]:
    _, window, state = current(row, now)
    doc = _base(row, org_id, window, state)
    if child_id is not None:
        child = child_document(row, org_id, child_id, window, state)
        doc["child_id"] = child_id
        doc["active_child"] = child
    if creator is not None:
        doc["creator"] = {"id": creator.id, "email": creator.email, "handle": creator.email, "name": creator.name}
    return doc


def child_document(row: Downtime, org_id: int, child_id: int, window: Window, state: str) -> dict[str, Any]:
    doc = _base(row, org_id, window, state)
    doc.update(id=child_id, parent_id=row.id, uuid=None)
    return doc
