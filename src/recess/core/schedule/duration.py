"""Datadog's downtime durations: an integer and one of m, h, d, w (`30m`, `2h`, `1d`, `1w`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from recess.core.schedule.errors import ScheduleError

_PATTERN = re.compile(r"^([1-9][0-9]{0,9})([smhdw])$")
PUBLIC_UNITS = "mhdw"  # what users may write; `s` is for v1 windows of any length


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str  # "s" | "m" | "h" | "d" | "w"

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    @property
    def approx(self) -> timedelta:
        return {"s": timedelta(seconds=1), "m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}[
            self.unit
        ] * self.amount

    def end_of(self, local_start: datetime, tz: ZoneInfo) -> datetime:
        """The UTC end of an occurrence that starts at wall time `local_start` in `tz`.

        Seconds, minutes and hours are elapsed time; days and weeks are calendar time, so `1d` from 02:30
        ends at 02:30 the next day even across a daylight-saving change.
        """
        if self.unit in ("d", "w"):
            return (local_start + self.approx).replace(tzinfo=tz).astimezone(UTC)
        return local_start.replace(tzinfo=tz).astimezone(UTC) + self.approx


def parse_duration(text: str, units: str = "smhdw") -> Duration:
    match = _PATTERN.match(text.strip()) if isinstance(text, str) else None
    if not match or match.group(2) not in units or (match.group(2) != "s" and len(match.group(1)) > 6):
        raise ScheduleError(
            f"Invalid duration {text!r}: it must be a positive integer followed by one of 'm', 'h', 'd' or 'w'"
        )
    return Duration(int(match.group(1)), match.group(2))


def elapsed(seconds: int) -> Duration:
    """The largest elapsed-time unit that states `seconds` exactly (used for v1 windows)."""
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return Duration(seconds // size, unit)
    return Duration(seconds, "s")
