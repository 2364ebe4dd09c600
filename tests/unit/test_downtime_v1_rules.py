"""v1 translation rules: scope lists, downtime types, recurrence objects to RRULEs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from recess.core.schedule.duration import Duration
from recess.downtimes import v1
from recess.downtimes.rules import DowntimeError


@pytest.mark.parametrize(
    ("value", "terms"),
    [("env:prod", ["env:prod"]), ("env:dev,env:prod", ["env:dev", "env:prod"]), (["host:a", " role:db "], ["host:a", "role:db"]), (["*"], ["*"])],
)
def test_parse_scope(value: object, terms: list[str]) -> None:
    assert v1.parse_scope(value) == terms


@pytest.mark.parametrize("value", [None, "", [], ["nokey"], [":x"], ["k:"], [1]])
def test_parse_scope_rejects(value: object) -> None:
    with pytest.raises(DowntimeError, match="Invalid scope parameter"):
        v1.parse_scope(value)


def test_scope_round_trip() -> None:
    assert v1.scope_query(["*"]) == "*"
    assert v1.scope_query(["env:prod", "role:db"]) == "env:prod AND role:db"
    assert v1.scope_query(["service:payments api"]) == 'service:"payments api"'
    assert v1.scope_terms("env:prod AND role:db") == ["env:prod", "role:db"]
    assert v1.scope_terms("env:prod role:db") == ["env:prod", "role:db"]
    assert v1.scope_terms("*") == ["*"]
    assert v1.scope_terms("env:(a OR b)") == ["env:(a OR b)"]


@pytest.mark.parametrize(("terms", "kind"), [(["*"], 0), (["host:a"], 1), (["host:a", "host:b"], 2), (["env:prod"], 2)])
def test_downtime_type(terms: list[str], kind: int) -> None:
    assert v1.downtime_type(terms) == kind


@pytest.mark.parametrize(
    ("recurrence", "rule"),
    [
        ({"type": "days", "period": 3}, "FREQ=DAILY;INTERVAL=3"),
        ({"type": "weeks", "period": 1, "week_days": ["Fri", "Mon"]}, "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,FR"),
        ({"type": "months", "period": 1, "until_occurrences": 5}, "FREQ=MONTHLY;INTERVAL=1;COUNT=5"),
        ({"type": "years", "period": 2, "until_date": 1798761600}, "FREQ=YEARLY;INTERVAL=2;UNTIL=20270101T000000Z"),
        ({"type": "rrule", "rrule": "FREQ=MONTHLY;BYMONTHDAY=1"}, "FREQ=MONTHLY;BYMONTHDAY=1"),
    ],
)
def test_recurrence_rule(recurrence: dict[str, object], rule: str) -> None:
    assert v1.recurrence_rule(v1.check_recurrence(recurrence)) == rule


@pytest.mark.parametrize(
    ("recurrence", "message"),
    [
        ({"type": "hours"}, "Invalid recurrence type"),
        ({"type": "weeks", "week_days": ["mon"]}, "Invalid set of days in week_days. Be sure that the first letter is capitalized."),
        ({"type": "days", "until_date": 1, "until_occurrences": 1}, "You must provide only provide one of (until_occurrences, until_date)"),
        ({"type": "days", "period": 0}, "Invalid recurrence period"),
        ({"type": "rrule"}, "rrule is required"),
    ],
)
def test_recurrence_errors(recurrence: dict[str, object], message: str) -> None:
    with pytest.raises(DowntimeError) as exc:
        v1.check_recurrence(recurrence)
    assert message in str(exc.value)


def test_window_becomes_one_recurrence_at_local_wall_time() -> None:
    start = datetime(2026, 7, 1, 8, 0, 30, tzinfo=UTC)
    end = datetime(2026, 7, 1, 9, 30, 30, tzinfo=UTC)
    schedule = v1.schedule(start, end, "Europe/Paris", v1.check_recurrence({"type": "days", "period": 1}))
    assert schedule["timezone"] == "Europe/Paris"
    [recurrence] = schedule["recurrences"]
    assert recurrence["start"] == "2026-07-01T10:00:30" and recurrence["duration"] == Duration(90, "m")
    with pytest.raises(DowntimeError, match="needs an end"):
        v1.schedule(start, None, "UTC", v1.check_recurrence({"type": "days"}))
