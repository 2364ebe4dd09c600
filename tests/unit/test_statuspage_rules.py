"""Status page rules: derived status, maintenance steps, backfill timelines, positions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from recess.statuspages import rules
from recess.statuspages.rules import PageError

T0 = datetime(2026, 5, 1, tzinfo=UTC)
NOW = T0 + timedelta(days=10)


def test_worst_status_wins() -> None:
    assert rules.component_statuses([[{"id": "a", "status": "degraded"}], [{"id": "a", "status": "major_outage"}, {"id": "b", "status": "maintenance"}]]) == {
        "a": "major_outage", "b": "maintenance"}
    assert rules.worst(["maintenance", "degraded"]) == "degraded"
    assert rules.worst([]) == "operational"


def test_maintenance_steps() -> None:
    start, end = T0, T0 + timedelta(hours=1)
    assert rules.due_steps("scheduled", start, end, T0 - timedelta(seconds=1)) == []
    assert [s.status for s in rules.due_steps("scheduled", start, end, T0)] == ["in_progress"]
    assert [s.status for s in rules.due_steps("scheduled", start, end, end)] == ["in_progress", "completed"]
    assert [s.status for s in rules.due_steps("in_progress", start, end, end)] == ["completed"]
    assert rules.due_steps("canceled", start, end, end) == []
    assert rules.next_due("scheduled", start, end) == start and rules.next_due("completed", start, end) is None
    assert rules.maintenance_components([{"id": "a", "status": "operational"}], "in_progress") == [{"id": "a", "status": "maintenance"}]


def degradation(*statuses: str) -> list[dict[str, object]]:
    return [{"status": s, "started_at": T0 + timedelta(minutes=i)} for i, s in enumerate(statuses)]


def test_degradation_backfill_rules() -> None:
    rules.check_degradation_backfill(degradation("investigating", "resolved"), NOW)
    rules.check_degradation_backfill(degradation("resolved"), NOW)
    for bad, message in [
        (degradation(), "at least one update"),
        (degradation("investigating"), "must be resolved"),
        (degradation("resolved", "resolved"), "is resolved but is not the last"),
        (degradation("broken", "resolved"), "status must be one of"),
        ([*degradation("investigating"), {"status": "resolved", "started_at": T0 - timedelta(minutes=1)}], "time order"),
        (degradation("investigating", "resolved"), "future"),
    ]:
        with pytest.raises(PageError, match=message):
            rules.check_degradation_backfill(bad, T0 if message == "future" else NOW)


def test_maintenance_backfill_rules() -> None:
    good = [{"status": "in_progress", "started_at": T0, "description": "a"}, {"status": "completed", "started_at": T0 + timedelta(hours=1), "description": "b"}]
    rules.check_maintenance_backfill(good, NOW)
    for bad, message in [
        (good[:1], "exactly 2 updates"),
        (good * 2, "exactly 2 updates"),
        ([good[1], good[0]], "in_progress, then completed"),
        ([good[0], dict(good[1], started_at=T0)], "must start after"),
        ([good[0], dict(good[1], description="")], "description is required"),
    ]:
        with pytest.raises(PageError, match=message):
            rules.check_maintenance_backfill(bad, NOW)
    with pytest.raises(PageError, match="future"):
        rules.check_maintenance_backfill(good, T0)


def test_positions() -> None:
    assert rules.place({"a": 0, "b": 1, "c": 2}, "c", 0) == {"c": 0, "a": 1, "b": 2}
    assert rules.place({"a": 0, "b": 1}, "new", None) == {"a": 0, "b": 1, "new": 2}
    assert rules.place({"a": 0, "b": 1}, "a", 9) == {"b": 0, "a": 1}
    assert rules.close_gap({"a": 0, "b": 1, "c": 2}, "b") == {"a": 0, "c": 1}
