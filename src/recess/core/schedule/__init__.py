"""One-time and RRULE-recurring schedules: windows, the current occurrence, and state at an instant.

Everything here is pure: instants in, instants out, aware UTC datetimes throughout.
"""

from recess.core.schedule.duration import Duration, parse_duration
from recess.core.schedule.recurrence import Recurrence, parse_local_start, resolve_timezone
from recess.core.schedule.windows import OneTime, Recurring, Schedule, ScheduleError, Window, edge_after, state_at

__all__ = [
    "Duration", "OneTime", "Recurrence", "Recurring", "Schedule", "ScheduleError", "Window",
    "edge_after", "parse_duration", "parse_local_start", "resolve_timezone", "state_at",
]
