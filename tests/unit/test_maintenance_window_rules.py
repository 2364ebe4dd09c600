from datetime import UTC, datetime, timedelta

import pytest

from recess.maintenance_windows import rules

T0 = datetime(2026, 6, 1, tzinfo=UTC)


def test_case_tags_and_suppression() -> None:
    tags = rules.case_tags("SEC", "P1", "OPEN", {"service": ["auth"]})
    assert tags == ["project:SEC", "priority:P1", "status:open", "service:auth"]
    w = rules.Window("w1", "project:SEC service:auth", T0, T0 + timedelta(hours=6))
    later = rules.Window("w2", "priority:P1", T0, T0 + timedelta(hours=8))
    assert rules.suppressing([w], tags, T0) == w
    assert rules.suppressing([w, later], tags, T0 + timedelta(hours=1)) == later  # the one ending last
    assert rules.suppressing([w], tags, T0 + timedelta(hours=6)) is None  # end is exclusive
    assert rules.suppressing([w], tags, T0 - timedelta(seconds=1)) is None
    assert rules.suppressing([w], rules.case_tags("OPS", "P1", "OPEN", {}), T0) is None


def test_validation() -> None:
    with pytest.raises(rules.WindowError, match="Invalid query"):
        rules.check_query("nokey")
    with pytest.raises(rules.WindowError, match="end_at must be after start_at"):
        rules.check_times(T0, T0)
