"""Schedules as plain data, and what they say at an instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from recess.core.schedule.errors import ScheduleError
from recess.core.schedule.recurrence import Recurrence

__all__ = ["OneTime", "Recurring", "Schedule", "ScheduleError", "Window", "state_at"]


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime | None  # None: never ends


@dataclass(frozen=True)
class OneTime:
    start: datetime
    end: datetime | None

    def current(self, now: datetime) -> Window:
        return Window(self.start, self.end)

    def bounds(self) -> Window:
        return Window(self.start, self.end)


@dataclass(frozen=True)
class Recurring:
    timezone: str
    recurrences: tuple[Recurrence, ...]

    def current(self, now: datetime) -> Window:
        """The ongoing occurrence; else the next one; else the last one that happened."""
        ongoing: list[tuple[datetime, datetime]] = []
        upcoming: list[tuple[datetime, datetime]] = []
        past: list[tuple[datetime, datetime]] = []
        for recurrence in self.recurrences:
            before, after = recurrence.around(now)
            if after is not None:
                (ongoing if after[0] <= now else upcoming).append(after)
            if before is not None:
                past.append(before)
        if ongoing:
            return Window(*min(ongoing))
        if upcoming:
            return Window(*min(upcoming))
        if past:
            return Window(*max(past, key=lambda w: w[1]))
        first = min(r.first() for r in self.recurrences)
        return Window(*first)

    def bounds(self) -> Window:
        """From the first occurrence's start to the last occurrence's end (None: never ends)."""
        start = min(r.first()[0] for r in self.recurrences)
        ends = [r.last() for r in self.recurrences]
        end = None if any(e is None for e in ends) else max(e[1] for e in ends if e is not None)
        return Window(start, end)


Schedule = OneTime | Recurring


def edge_after(window: Window, now: datetime) -> datetime | None:
    """The window's next start or end after `now`: when its state next changes (None: never)."""
    edge = window.start if now < window.start else window.end
    return edge if edge is not None and edge > now else None


def state_at(window: Window, now: datetime) -> str:
    """`scheduled`, `active` or `ended` for a window at `now`."""
    if window.start > now:
        return "scheduled"
    if window.end is not None and window.end <= now:
        return "ended"
    return "active"
