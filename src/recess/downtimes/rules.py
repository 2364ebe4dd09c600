"""What a downtime is, what it may be changed into, and what it says at an instant.

Plain functions over plain data: the routes hand in what the user sent (already shaped by the
wire schemas) and get back complete, valid fields, or a DowntimeError naming the problem.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from recess.core.schedule import (
    OneTime, Recurrence, Recurring, Schedule, ScheduleError, Window, edge_after, parse_local_start, resolve_timezone, state_at,
)
from recess.core.schedule.duration import PUBLIC_UNITS, Duration, parse_duration
from recess.core.schedule.recurrence import format_local_start
from recess.core.search import SearchSyntaxError, parse

NOTIFY_END_STATES = ("alert", "no data", "warn")
NOTIFY_END_TYPES = ("canceled", "expired")
DEFAULT_NOTIFY_END_STATES = ["alert", "no data", "warn"]
DEFAULT_NOTIFY_END_TYPES = ["expired"]
MAX_RECURRENCES = 5


class DowntimeError(ValueError):
    """Input that cannot make a valid downtime; the message is shown to the user."""


@dataclass(frozen=True)
class Fields:
    """Everything a user decides about a downtime, complete and valid."""

    scope: str
    monitor_id: int | None
    monitor_tags: list[str] | None
    message: str | None
    display_timezone: str
    mute_first_recovery_notification: bool
    notify_end_states: list[str]
    notify_end_types: list[str]
    start: datetime
    end: datetime | None
    timezone: str | None = None
    recurrences: list[dict[str, str]] | None = None

    @property
    def is_recurring(self) -> bool:
        return self.recurrences is not None


def schedule_of(start: datetime, end: datetime | None, timezone: str | None, recurrences: list[dict[str, str]] | None) -> Schedule:
    """The schedule stored in a downtime's columns (already validated when it was written)."""
    if recurrences is None:
        return OneTime(start, end)
    tz = resolve_timezone(timezone or "UTC")
    return Recurring(
        timezone or "UTC",
        tuple(Recurrence.build(r["rrule"], r["duration"], parse_local_start(r["start"]), tz) for r in recurrences),
    )


def status(canceled: datetime | None, schedule: Schedule, now: datetime) -> str:
    if canceled is not None:
        return "canceled"
    return state_at(schedule.current(now), now)


def current_window(schedule: Schedule, now: datetime) -> Window:
    return schedule.current(now)


def next_change(schedule: Schedule, now: datetime) -> datetime | None:
    """The next instant after `now` at which what the schedule says (active or not, the current
    window) changes: the current window's start or end. None: never, as far as it says."""
    return edge_after(schedule.current(now), now)


def next_end(fields: Fields, now: datetime, pending: datetime | None = None) -> datetime | None:
    """When the current (or next) window ends, for end-of-downtime notifications.

    `pending` is the end still awaited before a change: when an update moves that end into the
    past, the moved end is kept so that the expiry is still noticed (at once).
    """
    end = fields.end if fields.recurrences is None else schedule_of(
        fields.start, fields.end, fields.timezone, fields.recurrences).current(now).end  # one-time: its own end
    if end is None:
        return None
    if end > now or (pending is not None and pending > now):
        return end
    return None


# --- validation -----------------------------------------------------------------------------


def check_scope(scope: Any) -> str:
    if not isinstance(scope, str):
        raise DowntimeError("Invalid scope: it must be a string")
    try:
        parse(scope)
    except SearchSyntaxError as exc:
        raise DowntimeError(str(exc)) from None
    return scope


def check_timezone(name: str, field: str) -> str:
    try:
        resolve_timezone(name)
    except ScheduleError as exc:
        raise DowntimeError(f"Invalid {field}: {exc}") from None
    return name


def check_monitor_identifier(identifier: dict[str, Any]) -> tuple[int | None, list[str] | None]:
    monitor_id, tags = identifier.get("monitor_id"), identifier.get("monitor_tags")
    if (monitor_id is None) == (tags is None):
        raise DowntimeError("monitor_identifier must have exactly one of monitor_id or monitor_tags")
    if monitor_id is not None:
        if monitor_id < 0:
            raise DowntimeError("monitor_identifier.monitor_id must be a positive integer")
        return monitor_id, None
    if not tags:
        raise DowntimeError("monitor_identifier.monitor_tags must hold at least one tag")
    if any(not t.strip() for t in tags):
        raise DowntimeError("monitor_identifier.monitor_tags must not hold empty tags")
    return None, list(tags)


def _recurring(schedule: dict[str, Any], timezone: str, now: datetime) -> tuple[datetime, datetime | None, list[dict[str, str]]]:
    items = schedule.get("recurrences") or []
    if not items:
        raise DowntimeError("schedule.recurrences must hold at least one recurrence")
    if len(items) > MAX_RECURRENCES:
        raise DowntimeError(f"schedule.recurrences holds {len(items)} recurrences; at most {MAX_RECURRENCES} are allowed")
    tz = resolve_timezone(timezone)
    stored, built = [], []
    for i, item in enumerate(items):
        try:
            start = parse_local_start(item["start"]) if item.get("start") else now.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
            length = item["duration"]  # v1 hands in a Duration of any unit; users write m/h/d/w
            length = length if isinstance(length, Duration) else parse_duration(length, PUBLIC_UNITS)
            recurrence = Recurrence.build(item["rrule"], length, start, tz)
        except ScheduleError as exc:
            raise DowntimeError(f"schedule.recurrences[{i}]: {exc}") from None
        built.append(recurrence)
        stored.append({"duration": str(recurrence.duration), "rrule": item["rrule"], "start": format_local_start(start)})
    bounds = Recurring(timezone, tuple(built)).bounds()
    return bounds.start, bounds.end, stored


def _schedule_fields(
    schedule: dict[str, Any] | None, previous: Fields | None, display_timezone: str, now: datetime
) -> dict[str, Any]:
    """Columns for the schedule the user sent, merged over the previous one on update."""
    if schedule is None:
        if previous is not None:
            return {}
        return {"start": now, "end": None, "timezone": None, "recurrences": None}
    recurring_keys = {"recurrences", "timezone"} & schedule.keys()
    one_time_keys = {"start", "end"} & schedule.keys()
    if recurring_keys and one_time_keys:
        raise DowntimeError("schedule must be either one-time (start, end) or recurring (recurrences, timezone), not both")
    if recurring_keys:
        base = dict(recurrences=previous.recurrences, timezone=previous.timezone) if previous and previous.is_recurring else {}
        merged = {**base, **{k: v for k, v in schedule.items() if k in recurring_keys}}
        timezone = merged.get("timezone") or (previous.timezone if previous and previous.is_recurring else None) or display_timezone
        timezone = check_timezone(timezone, "schedule.timezone")
        if not merged.get("recurrences"):
            raise DowntimeError("schedule.recurrences must hold at least one recurrence")
        start, end, stored = _recurring(merged, timezone, now)
        return {"start": start, "end": end, "timezone": timezone, "recurrences": stored}
    # One-time: unspecified parts keep their previous value when the previous schedule was one-time.
    kept = previous if previous is not None and not previous.is_recurring else None
    given_start: datetime | None = schedule["start"] if "start" in schedule else (kept.start if kept else None)
    end = schedule["end"] if "end" in schedule else (kept.end if kept else None)
    start = given_start or now
    if end is not None and end <= start:
        raise DowntimeError("schedule.end must be after schedule.start")
    if end is not None and previous is None and end <= now:
        raise DowntimeError("schedule.end must be in the future")
    return {"start": start, "end": end, "timezone": None, "recurrences": None}


def _notify(values: list[str] | None, allowed: tuple[str, ...], field: str, default: list[str]) -> list[str]:
    if values is None:
        return list(default)
    for value in values:
        if value not in allowed:
            raise DowntimeError(f"Invalid value for {field}: {value!r} is not one of {list(allowed)}")
    return list(dict.fromkeys(values))


def create(attributes: dict[str, Any], now: datetime) -> Fields:
    """Complete, valid fields from create attributes, with Datadog's defaults."""
    if "scope" not in attributes:
        raise DowntimeError("'scope' is a required property")
    if "monitor_identifier" not in attributes or attributes["monitor_identifier"] is None:
        raise DowntimeError("'monitor_identifier' is a required property")
    monitor_id, monitor_tags = check_monitor_identifier(attributes["monitor_identifier"])
    display_timezone = check_timezone(attributes.get("display_timezone") or "UTC", "display_timezone")
    schedule = attributes.get("schedule")
    if schedule and not attributes.get("display_timezone") and schedule.get("timezone"):
        display_timezone = check_timezone(schedule["timezone"], "schedule.timezone")
    return Fields(
        scope=check_scope(attributes["scope"]),
        monitor_id=monitor_id,
        monitor_tags=monitor_tags,
        message=attributes.get("message"),
        display_timezone=display_timezone,
        mute_first_recovery_notification=bool(attributes.get("mute_first_recovery_notification") or False),
        notify_end_states=_notify(attributes.get("notify_end_states"), NOTIFY_END_STATES, "notify_end_states", DEFAULT_NOTIFY_END_STATES),
        notify_end_types=_notify(attributes.get("notify_end_types"), NOTIFY_END_TYPES, "notify_end_types", DEFAULT_NOTIFY_END_TYPES),
        **_schedule_fields(schedule, None, display_timezone, now),
    )


def update(previous: Fields, changes: dict[str, Any], now: datetime) -> Fields:
    """`previous` with only the attributes present in `changes` replaced (a merge, as PATCH)."""
    out: dict[str, Any] = {}
    if "scope" in changes:
        if changes["scope"] is None:
            raise DowntimeError("Invalid value for scope: it must not be null")
        out["scope"] = check_scope(changes["scope"])
    if "monitor_identifier" in changes:
        if changes["monitor_identifier"] is None:
            raise DowntimeError("Invalid value for monitor_identifier: it must not be null")
        out["monitor_id"], out["monitor_tags"] = check_monitor_identifier(changes["monitor_identifier"])
    if "message" in changes:
        out["message"] = changes["message"]
    if "display_timezone" in changes:
        out["display_timezone"] = check_timezone(changes["display_timezone"] or "UTC", "display_timezone")
    if "mute_first_recovery_notification" in changes:
        out["mute_first_recovery_notification"] = bool(changes["mute_first_recovery_notification"])
    if "notify_end_states" in changes:
        out["notify_end_states"] = _notify(changes["notify_end_states"], NOTIFY_END_STATES, "notify_end_states", DEFAULT_NOTIFY_END_STATES)
    if "notify_end_types" in changes:
        out["notify_end_types"] = _notify(changes["notify_end_types"], NOTIFY_END_TYPES, "notify_end_types", DEFAULT_NOTIFY_END_TYPES)
    if "schedule" in changes:
        display_timezone = out.get("display_timezone", previous.display_timezone)
        out.update(_schedule_fields(changes["schedule"] or {}, previous, display_timezone, now))
    return replace(previous, **out)
