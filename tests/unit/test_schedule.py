"""Schedules: durations, RRULE occurrences in a time zone, daylight-saving changes, state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from recess.core.schedule import (
    OneTime, Recurrence, Recurring, ScheduleError, Window, parse_duration, parse_local_start, resolve_timezone, state_at,
)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def recurring(rule: str, duration: str, start: str, tz: str = "UTC") -> Recurring:
    zone = resolve_timezone(tz)
    return Recurring(tz, (Recurrence.build(rule, duration, parse_local_start(start), zone),))


@pytest.mark.parametrize(("text", "delta"), [("30m", timedelta(minutes=30)), ("2h", timedelta(hours=2)), ("1d", timedelta(days=1)), ("1w", timedelta(weeks=1)), ("123d", timedelta(days=123))])
def test_durations(text: str, delta: timedelta) -> None:
    assert parse_duration(text).approx == delta
    assert str(parse_duration(text)) == text


@pytest.mark.parametrize("text", ["", "0m", "1y", "h", "1.5h", "-1h", "1 h", "10", "1H"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_duration(text)


# Europe/Paris in 2026: summer time begins 29 March 02:00 -> 03:00 and ends 25 October 03:00 -> 02:00.
PARIS_DAILY = recurring("FREQ=DAILY", "1h", "2026-03-20T02:30", "Europe/Paris")


@pytest.mark.parametrize(
    ("now", "start", "end", "state"),
    [
        # Before the change: 02:30 CET is 01:30 UTC.
        ("2026-03-28T00:00", "2026-03-28T01:30", "2026-03-28T02:30", "scheduled"),
        ("2026-03-28T02:00", "2026-03-28T01:30", "2026-03-28T02:30", "active"),
        # 29 March: 02:30 does not exist; the occurrence moves forward by the gap to 03:30 CEST.
        ("2026-03-28T12:00", "2026-03-29T01:30", "2026-03-29T02:30", "scheduled"),
        ("2026-03-29T02:00", "2026-03-29T01:30", "2026-03-29T02:30", "active"),
        # After the change: 02:30 CEST is 00:30 UTC.
        ("2026-03-29T12:00", "2026-03-30T00:30", "2026-03-30T01:30", "scheduled"),
        ("2026-03-30T01:00", "2026-03-30T00:30", "2026-03-30T01:30", "active"),
        # 25 October: 02:30 happens twice; the first (CEST, 00:30 UTC) is taken.
        ("2026-10-24T12:00", "2026-10-25T00:30", "2026-10-25T01:30", "scheduled"),
        ("2026-10-25T01:00", "2026-10-25T00:30", "2026-10-25T01:30", "active"),
        # After it: 02:30 CET is 01:30 UTC again.
        ("2026-10-25T12:00", "2026-10-26T01:30", "2026-10-26T02:30", "scheduled"),
    ],
)
def test_daily_paris_across_daylight_saving(now: str, start: str, end: str, state: str) -> None:
    window = PARIS_DAILY.current(utc(now))
    assert (window.start, window.end) == (utc(start), utc(end))
    assert state_at(window, utc(now)) == state


def test_day_durations_follow_the_calendar_across_changes() -> None:
    # 1d from 12:00 on 28 March ends at 12:00 on 29 March local time: 23 elapsed hours.
    schedule = recurring("FREQ=WEEKLY", "1d", "2026-03-28T12:00", "Europe/Paris")
    window = schedule.current(utc("2026-03-28T12:00"))
    assert window.end - window.start == timedelta(hours=23)
    # Hours are elapsed time.
    hourly = recurring("FREQ=WEEKLY", "24h", "2026-03-28T12:00", "Europe/Paris").current(utc("2026-03-28T12:00"))
    assert hourly.end - hourly.start == timedelta(hours=24)


def test_monthly_third_wednesday() -> None:
    schedule = recurring("FREQ=MONTHLY;BYSETPOS=3;BYDAY=WE;INTERVAL=1", "2h", "2026-01-01T09:00", "America/New_York")
    window = schedule.current(utc("2026-11-01T00:00"))
    assert window.start == utc("2026-11-18T14:00")  # 09:00 EST
    assert window.end == utc("2026-11-18T16:00")


def test_finite_rules_end() -> None:
    schedule = recurring("FREQ=DAILY;COUNT=3", "1h", "2026-01-01T10:00")
    assert schedule.bounds() == Window(utc("2026-01-01T10:00"), utc("2026-01-03T11:00"))
    last = schedule.current(utc("2026-02-01T00:00"))
    assert last == Window(utc("2026-01-03T10:00"), utc("2026-01-03T11:00"))
    assert state_at(last, utc("2026-02-01T00:00")) == "ended"
    until = recurring("FREQ=DAILY;UNTIL=20260105T000000Z", "1h", "2026-01-01T10:00", "Europe/Paris")
    assert until.bounds().end == utc("2026-01-04T10:00")


def test_infinite_rules_never_end() -> None:
    assert PARIS_DAILY.bounds().end is None
    assert PARIS_DAILY.bounds().start == utc("2026-03-20T01:30")


def test_several_recurrences_take_the_ongoing_one_then_the_next() -> None:
    zone = resolve_timezone("UTC")
    schedule = Recurring(
        "UTC",
        (
            Recurrence.build("FREQ=DAILY", "1h", parse_local_start("2026-01-01T10:00"), zone),
            Recurrence.build("FREQ=DAILY", "1h", parse_local_start("2026-01-01T12:00"), zone),
        ),
    )
    assert schedule.current(utc("2026-06-01T12:30")) == Window(utc("2026-06-01T12:00"), utc("2026-06-01T13:00"))
    assert schedule.current(utc("2026-06-01T11:00")) == Window(utc("2026-06-01T12:00"), utc("2026-06-01T13:00"))
    assert schedule.current(utc("2026-06-01T14:00")) == Window(utc("2026-06-02T10:00"), utc("2026-06-02T11:00"))


def test_one_time_states() -> None:
    window = OneTime(utc("2026-01-01T00:00"), utc("2026-01-02T00:00")).current(utc("2026-01-01T00:00"))
    assert state_at(window, utc("2025-12-31T23:59")) == "scheduled"
    assert state_at(window, utc("2026-01-01T00:00")) == "active"
    assert state_at(window, utc("2026-01-02T00:00")) == "ended"
    forever = OneTime(utc("2026-01-01T00:00"), None).current(utc("2030-01-01T00:00"))
    assert state_at(forever, utc("2030-01-01T00:00")) == "active"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("", "must not be empty"),
        ("FREQ=NEVER", "Invalid rrule"),
        ("INTERVAL=2", "FREQ is required"),
        ("FREQ=DAILY;DTSTART=20260101T000000", "DTSTART is not supported"),
        ("FREQ=DAILY;DURATION=PT1H", "DURATION is not supported"),
        ("FREQ=DAILY;UNTIL=20200101T000000Z", "no occurrence"),
        ("FREQ=DAILY;COUNT=0", "no occurrence"),
        ("FREQ=DAILY;BYDAY=XX", "Invalid rrule"),
    ],
)
def test_bad_rules(rule: str, message: str) -> None:
    with pytest.raises(ScheduleError) as exc:
        Recurrence.build(rule, "1h", parse_local_start("2026-01-01T00:00"), resolve_timezone("UTC"))
    assert message in str(exc.value)


def test_bad_time_zones_and_starts() -> None:
    with pytest.raises(ScheduleError):
        resolve_timezone("Mars/Olympus")
    with pytest.raises(ScheduleError):
        resolve_timezone("../../etc/passwd")
    with pytest.raises(ScheduleError, match="UTC offset"):
        parse_local_start("2026-01-01T00:00:00+01:00")
    with pytest.raises(ScheduleError):
        parse_local_start("tomorrow")


def test_start_is_always_the_first_occurrence() -> None:
    # 2026-11-22 is a Sunday; the rule says weekdays. The start still counts (RFC 5545).
    schedule = recurring("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "1h", "2026-11-22T10:00")
    assert schedule.current(utc("2026-11-22T09:00")).start == utc("2026-11-22T10:00")
    assert schedule.current(utc("2026-11-22T12:00")).start == utc("2026-11-23T10:00")


def test_internal_seconds_unit_is_not_public() -> None:
    from recess.core.schedule.duration import PUBLIC_UNITS

    assert parse_duration("3601s").approx == timedelta(seconds=3601)
    with pytest.raises(ScheduleError):
        parse_duration("3601s", PUBLIC_UNITS)
