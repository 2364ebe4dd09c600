"""Downtime rules: defaults, merges, validation and status, as plain functions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from recess.downtimes import rules
from recess.downtimes.rules import DowntimeError

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
BASE = {"scope": "env:prod", "monitor_identifier": {"monitor_tags": ["*"]}}


def test_create_defaults() -> None:
    fields = rules.create(dict(BASE), NOW)
    assert fields.display_timezone == "UTC"
    assert fields.notify_end_states == ["alert", "no data", "warn"]
    assert fields.notify_end_types == ["expired"]
    assert fields.mute_first_recovery_notification is False
    assert (fields.start, fields.end) == (NOW, None)
    assert fields.message is None and not fields.is_recurring
    assert rules.create({**BASE, "schedule": {"start": None}}, NOW).start == NOW


def test_recurring_defaults_and_bounds() -> None:
    fields = rules.create(
        {**BASE, "schedule": {"recurrences": [{"rrule": "FREQ=DAILY;COUNT=2", "duration": "1h"}], "timezone": "Asia/Tokyo"}},
        NOW,
    )
    assert fields.timezone == "Asia/Tokyo" and fields.display_timezone == "Asia/Tokyo"
    assert fields.recurrences == [{"duration": "1h", "rrule": "FREQ=DAILY;COUNT=2", "start": "2026-06-01T21:00"}]
    assert fields.start == NOW and fields.end == NOW + timedelta(days=1, hours=1)


def test_update_merges_only_what_was_sent() -> None:
    fields = rules.create({**BASE, "message": "a"}, NOW)
    later = NOW + timedelta(minutes=5)
    updated = rules.update(fields, {"message": "b"}, later)
    assert updated == replace(fields, message="b")
    ends = rules.update(fields, {"schedule": {"end": NOW + timedelta(hours=1)}}, later)
    assert (ends.start, ends.end) == (NOW, NOW + timedelta(hours=1))
    cleared = rules.update(ends, {"schedule": {"end": None}}, later)
    assert cleared.end is None
    message_cleared = rules.update(fields, {"message": None}, later)
    assert message_cleared.message is None


def test_update_switches_schedule_kind() -> None:
    fields = rules.create(dict(BASE), NOW)
    recurring = rules.update(fields, {"schedule": {"recurrences": [{"rrule": "FREQ=WEEKLY", "duration": "2h", "start": "2026-06-02T10:00"}]}}, NOW)
    assert recurring.is_recurring and recurring.timezone == "UTC"
    with pytest.raises(DowntimeError, match="at least one recurrence"):
        rules.update(fields, {"schedule": {"timezone": "UTC"}}, NOW)
    back = rules.update(recurring, {"schedule": {"start": NOW, "end": NOW + timedelta(hours=3)}}, NOW)
    assert not back.is_recurring and back.end == NOW + timedelta(hours=3)


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({**BASE, "scope": "nokey"}, "All values must have a key"),
        ({"scope": "a:b", "monitor_identifier": {"monitor_id": -1}}, "positive"),
        ({**BASE, "notify_end_types": ["later"]}, "notify_end_types"),
        ({**BASE, "schedule": {"start": NOW, "end": NOW}}, "after schedule.start"),
        ({**BASE, "schedule": {"recurrences": [{"rrule": "FREQ=DAILY", "duration": "1h"}] * 6}}, "at most 5"),
        ({**BASE, "display_timezone": "Nowhere"}, "display_timezone"),
    ],
)
def test_create_rejects(attributes: dict[str, object], message: str) -> None:
    with pytest.raises(DowntimeError, match=message):
        rules.create(attributes, NOW)


def test_status() -> None:
    schedule = rules.schedule_of(NOW, NOW + timedelta(hours=1), None, None)
    assert rules.status(None, schedule, NOW - timedelta(seconds=1)) == "scheduled"
    assert rules.status(None, schedule, NOW) == "active"
    assert rules.status(None, schedule, NOW + timedelta(hours=1)) == "ended"
    assert rules.status(NOW, schedule, NOW) == "canceled"
