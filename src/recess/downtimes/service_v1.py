"""The v1 downtime API as plain calls: v1 bodies translated to v2 fields, rows rendered as v1.

v1 is served from the same store and rules as v2; this module is the translation both ways,
so that routes_v1 (and the v1 monitor downtimes route) only carry the wire.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from recess.core.schedule import Recurring, Window, state_at
from recess.core.timefmt import from_posix
from recess.downtimes import rules, store, v1
from recess.downtimes import schemas_v1 as wire
from recess.downtimes.model import Downtime, Occurrence
from recess.downtimes.rules import DowntimeError


def render(session: Session, row: Downtime, org_id: int, now: datetime, creator: Any = None) -> dict[str, Any]:
    _, window, _ = wire.current(row, now)
    child = store.occurrence_id(session, row.id, window.start) if wire.has_child(row, window, now) else None
    return wire.document(row, org_id, now, child, creator)


def render_occurrence(row: Downtime, occurrence: Occurrence, org_id: int, now: datetime) -> dict[str, Any]:
    _, window, state = wire.current(row, now)
    if window.start != occurrence.start:  # an earlier or later occurrence: its own window
        schedule = rules.schedule_of(row.start, row.end, row.timezone, row.recurrences)
        assert isinstance(schedule, Recurring)  # only a recurring downtime has occurrences
        recurrence = schedule.recurrences[0]
        local = occurrence.start.astimezone(recurrence.tz).replace(tzinfo=None)
        window = Window(occurrence.start, recurrence.duration.end_of(local, recurrence.tz))
        state = "canceled" if row.canceled else state_at(window, now)
    return wire.child_document(row, org_id, occurrence.id, window, state)


def identifier(body: dict[str, Any], previous: Downtime | None = None) -> dict[str, Any] | None:
    if "monitor_id" in body:
        return {"monitor_id": body["monitor_id"]}
    if "monitor_tags" in body:
        return {"monitor_tags": body["monitor_tags"] or ["*"]}
    return None if previous is not None else {"monitor_tags": ["*"]}


def common(body: dict[str, Any]) -> dict[str, Any]:
    """The fields a v1 body shares with v2 under the same (or a renamed) name."""
    out: dict[str, Any] = {k: body[k] for k in ("message", "notify_end_states", "notify_end_types", "mute_first_recovery_notification") if k in body}
    if "timezone" in body:
        out["display_timezone"] = body["timezone"]
    return out


def create(given: dict[str, Any], now: datetime) -> tuple[list[str], dict[str, Any] | None, rules.Fields]:
    """A v1 create body as v2 fields, with the v1 scope terms and recurrence it echoes back.
    Raises DowntimeError."""
    if "scope" not in given:
        raise DowntimeError("Invalid scope parameter")
    terms = v1.parse_scope(given["scope"])
    recurrence = v1.check_recurrence(given["recurrence"]) if "recurrence" in given else None
    start = from_posix(given["start"]) if "start" in given else None
    end = from_posix(given["end"]) if "end" in given else None
    timezone = rules.check_timezone(given.get("timezone") or "UTC", "timezone")
    attributes = {
        **common(given),
        "scope": v1.scope_query(terms),
        "monitor_identifier": identifier(given),
        "display_timezone": timezone,
        "schedule": v1.schedule(start or now, end, timezone, recurrence),
    }
    return terms, recurrence, rules.create(attributes, now)


def update(row: Downtime, given: dict[str, Any], now: datetime) -> tuple[rules.Fields, dict[str, Any]]:
    """A v1 update body applied to `row`: the new v2 fields and the v1 echoes to store. Raises DowntimeError."""
    previous = store.fields_of(row)
    echoes: dict[str, Any] = {}
    changes = common(given)
    if "scope" in given:
        echoes["v1_scope"] = v1.parse_scope(given["scope"])
        changes["scope"] = v1.scope_query(echoes["v1_scope"])
    monitor_identifier = identifier(given, row)
    if monitor_identifier is not None:
        changes["monitor_identifier"] = monitor_identifier
    if {"start", "end", "recurrence"} & given.keys() or ("timezone" in given and row.recurrences is not None):
        first_start, first_end = wire.first_window(row)
        recurrence = (
            v1.check_recurrence(given["recurrence"]) if "recurrence" in given
            else v1.echo_recurrence(row.v1_recurrence, row.recurrences)
        )
        if recurrence is not None and "recurrence" not in given and recurrence.get("type") != "rrule":
            recurrence = v1.check_recurrence(recurrence)
        start = from_posix(given["start"]) if "start" in given else first_start
        end = from_posix(given["end"]) if "end" in given else first_end
        timezone = rules.check_timezone(given.get("timezone") or row.display_timezone, "timezone")
        changes["schedule"] = v1.schedule(start, end, timezone, recurrence)  # type: ignore[arg-type]
        echoes["v1_recurrence"] = recurrence
    fields = rules.update(previous, changes, now)
    return fields, echoes
