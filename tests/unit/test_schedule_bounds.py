"""Recurrences do bounded work: limits refuse what cannot be computed cheaply, and a window is
found from a start moved near the instant asked about, with the same answer as walking from the
real start."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rruleset, rrulestr

from recess.core.schedule import ScheduleError
from recess.core.schedule.recurrence import MAX_COUNT, Recurrence


def _walked(r: Recurrence, now: datetime) -> tuple[tuple[datetime, datetime] | None, tuple[datetime, datetime] | None]:
    """The answer by walking every occurrence from the start (the reference)."""
    occurrences = rruleset()
    occurrences.rdate(r.start)
    occurrences.rrule(rrulestr(r.rrule, dtstart=r.start))
    before = None
    for local in occurrences:
        window = r.window(local)
        if window[1] > now:
            return before, window
        before = window
    return before, None


RULES = [
    "FREQ=DAILY", "FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU",
    "FREQ=MONTHLY", "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=MONTHLY;BYDAY=2TU",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "FREQ=MONTHLY;INTERVAL=5;BYDAY=FR;BYMONTHDAY=13",
    "FREQ=YEARLY", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;INTERVAL=2;BYMONTH=3,10;BYDAY=-1SU",
    "FREQ=DAILY;BYMONTH=3,11", "FREQ=WEEKLY;WKST=SU;INTERVAL=3;BYDAY=SU,MO", "FREQ=DAILY;UNTIL=20400101T000000",
]


@pytest.mark.parametrize("rule", RULES)
def test_moved_start_gives_the_walked_answer(rule: str) -> None:
    rng = random.Random(rule)
    for zone in ("UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe"):
        tz = ZoneInfo(zone)
        for _ in range(12):
            start = datetime(2000, 1, 1) + timedelta(days=rng.randint(0, 365 * 20), minutes=rng.randint(0, 1439))
            recurrence = Recurrence.build(rule, rng.choice(["30m", "2h", "1d", "1w"]), start, tz)
            now = start.replace(tzinfo=tz).astimezone(UTC) + timedelta(days=rng.randint(0, 365 * 30), seconds=rng.randint(0, 86399))
            assert recurrence.around(now) == _walked(recurrence, now), (rule, zone, start, now)


def test_a_decades_old_daily_rule_is_computed_quickly() -> None:
    recurrence = Recurrence.build("FREQ=DAILY", "1h", datetime(1970, 1, 1, 2, 30), ZoneInfo("Europe/Paris"))
    started = time.perf_counter()
    recurrence.around(datetime(2190, 6, 1, tzinfo=UTC))
    assert time.perf_counter() - started < 0.05


def test_last_of_a_far_until_is_computed_quickly() -> None:
    recurrence = Recurrence.build("FREQ=DAILY;UNTIL=21991231T000000", "1h", datetime(1970, 1, 1), ZoneInfo("UTC"))
    started = time.perf_counter()
    last = recurrence.last()
    assert last is not None and last[0] == datetime(2199, 12, 31, tzinfo=UTC)
    assert time.perf_counter() - started < 0.05


@pytest.mark.parametrize(("rule", "duration", "message"), [
    ("FREQ=SECONDLY", "1m", "FREQ must be DAILY"),
    ("FREQ=MINUTELY", "1m", "FREQ must be DAILY"),
    ("FREQ=HOURLY;INTERVAL=2", "1m", "FREQ must be DAILY"),
    ("FREQ=DAILY;INTERVAL=0", "1h", "INTERVAL must be from 1"),
    ("FREQ=DAILY;INTERVAL=-1", "1h", "INTERVAL must be from 1|Invalid rrule"),
    ("FREQ=YEARLY;INTERVAL=11", "1h", "INTERVAL must be from 1 to 10"),
    (f"FREQ=DAILY;COUNT={MAX_COUNT + 1}", "1h", "COUNT must be at most"),
    ("FREQ=DAILY;UNTIL=99991231T235959Z", "1h", "UNTIL must be no later"),
    ("FREQ=DAILY;BYHOUR=1,2,3", "1h", "BYHOUR"),
    ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "1h", "BYMONTHDAY needs FREQ=MONTHLY"),
    ("FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30", "1h", "BYMONTHDAY needs FREQ=MONTHLY"),
    ("FREQ=DAILY;INTERVAL=7;BYDAY=MO", "1h", "no occurrence"),  # 2026-01-01 is a Thursday
    ("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", "1h", "no occurrence"),
    ("FREQ=DAILY", "999999w", "at most 3660 days"),
    ("FREQ=DAILY;" + "BYDAY=MO;" * 100, "1h", "longer than"),
])
def test_limits_are_schedule_errors_naming_them(rule: str, duration: str, message: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ScheduleError, match=message):
        Recurrence.build(rule, duration, datetime(2026, 1, 1), ZoneInfo("UTC"))
    assert time.perf_counter() - started < 2  # a monthly rule that never yields is searched to 9999


@pytest.mark.parametrize("year", [1, 1969, 2200, 9999])
def test_starts_outside_the_supported_years_are_refused(year: int) -> None:
    with pytest.raises(ScheduleError, match="year"):
        Recurrence.build("FREQ=DAILY", "1h", datetime(year, 1, 1), ZoneInfo("UTC"))
