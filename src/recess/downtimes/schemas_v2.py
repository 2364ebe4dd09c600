"""Downtimes v2 on the wire: request models (validated by FastAPI) and response documents."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from recess.core.jsonapi import Request, RequestData
from recess.core.limits import ITEMS, Instant, ShortText, StrictInt64, Tags, Text
from recess.core.timefmt import iso_micro, to_utc
from recess.downtimes.rules import schedule_of

NotifyEndState = Literal["alert", "no data", "warn"]
NotifyEndType = Literal["canceled", "expired"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MonitorIdentifier(_Strict):
    """Exactly one of `monitor_id` or `monitor_tags` (`["*"]` matches every monitor)."""

    monitor_id: StrictInt64 | None = None
    monitor_tags: Tags | None = None


class Recurrence(_Strict):
    duration: ShortText = Field(description="An integer followed by m, h, d or w, such as 30m or 1d.")
    # Its length is checked by the schedule rules (at most 500 characters, with their message).
    rrule: StrictStr = Field(description="An RFC 5545 RRULE without DTSTART, DTEND or DURATION.")
    start: ShortText | None = Field(None, description="Local date-time without offset, such as 2020-01-02T03:04.")


class Schedule(_Strict):
    """One-time (`start`, `end`) or recurring (`recurrences`, `timezone`)."""

    start: Instant | None = None
    end: Instant | None = None
    # How many is checked by the rules (at most 5, with their message); this only bounds the work.
    recurrences: list[Recurrence] | None = Field(None, max_length=ITEMS)
    timezone: ShortText | None = None


class CreateAttributes(_Strict):
    display_timezone: ShortText | None = None
    message: Text | None = None
    monitor_identifier: MonitorIdentifier
    mute_first_recovery_notification: StrictBool | None = None
    notify_end_states: list[NotifyEndState] | None = Field(None, max_length=ITEMS)
    notify_end_types: list[NotifyEndType] | None = Field(None, max_length=ITEMS)
    schedule: Schedule | None = None
    scope: StrictStr


class UpdateAttributes(_Strict):
    display_timezone: ShortText | None = None
    message: Text | None = None
    monitor_identifier: MonitorIdentifier | None = None
    mute_first_recovery_notification: StrictBool | None = None
    notify_end_states: list[NotifyEndState] | None = Field(None, max_length=ITEMS)
    notify_end_types: list[NotifyEndType] | None = Field(None, max_length=ITEMS)
    schedule: Schedule | None = None
    scope: StrictStr | None = None


class CreateData(RequestData[Literal["downtime"], CreateAttributes]):
    model_config = ConfigDict(extra="forbid")


class UpdateData(RequestData[Literal["downtime"], UpdateAttributes]):
    model_config = ConfigDict(extra="forbid")

    id: ShortText


class CreateRequest(Request[CreateData]):
    model_config = ConfigDict(extra="forbid")


class UpdateRequest(Request[UpdateData]):
    model_config = ConfigDict(extra="forbid")


def provided(model: BaseModel) -> dict[str, Any]:
    """The attributes the user actually sent (explicit nulls included), as plain data."""
    out: dict[str, Any] = {}
    for name in model.model_fields_set:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            out[name] = provided(value)
        elif isinstance(value, list):
            out[name] = [provided(v) if isinstance(v, BaseModel) else v for v in value]
        elif isinstance(value, datetime):
            out[name] = to_utc(value)
        else:
            out[name] = value
    return out


# --- responses --------------------------------------------------------------------------------


def schedule_document(row: Any, now: datetime) -> dict[str, Any]:
    if row.recurrences is None:
        return {"start": iso_micro(row.start), "end": iso_micro(row.end)}
    window = schedule_of(row.start, row.end, row.timezone, row.recurrences).current(now)
    return {
        "current_downtime": {"start": iso_micro(window.start), "end": iso_micro(window.end)},
        "recurrences": [dict(r) for r in row.recurrences],
        "timezone": row.timezone,
    }


def attributes(row: Any, status: str, now: datetime) -> dict[str, Any]:
    identifier: dict[str, Any] = (
        {"monitor_id": row.monitor_id} if row.monitor_id is not None else {"monitor_tags": list(row.monitor_tags or [])}
    )
    return {
        "canceled": iso_micro(row.canceled),
        "created": iso_micro(row.created),
        "display_timezone": row.display_timezone,
        "message": row.message,
        "modified": iso_micro(row.modified),
        "monitor_identifier": identifier,
        "mute_first_recovery_notification": row.mute_first_recovery_notification,
        "notify_end_states": list(row.notify_end_states),
        "notify_end_types": list(row.notify_end_types),
        "schedule": schedule_document(row, now),
        "scope": row.scope,
        "status": status,
    }


def _to(target: str | None, kind: str) -> dict[str, Any]:
    return {"data": None if target is None else {"id": target, "type": kind}}


def relationships(row: Any, creator_uuid: str) -> dict[str, Any]:
    return {
        "created_by": _to(creator_uuid, "users"),
        "monitor": _to(str(row.monitor_id) if row.monitor_id is not None else None, "monitors"),
    }


@lru_cache(maxsize=4096)
def _gravatar(email: str) -> str:
    digest = hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()
    return f"https://secure.gravatar.com/avatar/{digest}?s=48&d=retro"


def user_document(user: Any) -> dict[str, Any]:
    return {
        "id": user.uuid,
        "type": "users",
        "attributes": {
            "name": user.name,
            "handle": user.email,
            "created_at": iso_micro(user.created_at),
            "modified_at": iso_micro(user.modified_at),
            "email": user.email,
            "icon": _gravatar(user.email),
            "title": None,
            "verified": True,
            "service_account": user.service_account,
            "disabled": user.disabled,
            "allowed_login_methods": [],
            "status": "Disabled" if user.disabled else "Active",
        },
    }


def monitor_document(monitor_id: int, name: str) -> dict[str, Any]:
    return {"id": monitor_id, "type": "monitors", "attributes": {"name": name}}
