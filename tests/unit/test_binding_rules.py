"""Binding rules: which monitors and groups a binding holds, when a bad group joins, and what
automatic degradations say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from recess.bindings import rules
from recess.bindings.rules import AUTOMATIC, BadGroup, BindingError

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def test_monitors_and_groups_are_held_as_a_downtime_holds_them() -> None:
    assert rules.applies_to_monitor(7, None, 7, []) and not rules.applies_to_monitor(7, None, 8, [])
    assert rules.applies_to_monitor(None, ["service:db"], 1, ["Service:DB", "team:x"])
    assert not rules.applies_to_monitor(None, ["service:db", "env:prod"], 1, ["service:db"])
    assert rules.applies_to_monitor(None, ["*"], 1, [])
    assert rules.covers("*", []) and rules.covers("role:primary", ["host:db-1", "role:primary"])
    assert not rules.covers("role:primary AND -host:db-1", ["host:db-1", "role:primary"])


def test_auto_settings_default_and_check() -> None:
    assert rules.auto_settings(None) is None
    assert rules.auto_settings({}) == rules.DEFAULT_AUTO
    assert rules.auto_settings({"no_data": None, "delay_minutes": 0}) == {**rules.DEFAULT_AUTO, "no_data": None, "delay_minutes": 0}
    with pytest.raises(BindingError, match="auto_degradation.alert"):
        rules.auto_settings({"alert": "operational"})
    with pytest.raises(BindingError, match="delay_minutes"):
        rules.auto_settings({"delay_minutes": True})


def test_states_map_to_component_statuses() -> None:
    auto = {"alert": "major_outage", "warn": "degraded", "no_data": None}
    assert [rules.status_for(auto, s) for s in ("OK", "Alert", "Warn", "No Data")] == [None, "major_outage", "degraded", None]


def test_the_delay_counts_from_when_a_group_is_bad_and_unmuted() -> None:
    # Muted by a downtime ending at T0+60m: known muted until then.
    until = rules.muted_until(None, [T0 + 60 * MIN], T0 + 10 * MIN)
    assert until == T0 + 60 * MIN
    assert rules.muted_until(None, [None], T0 + 10 * MIN) == T0 + 10 * MIN  # no end: at least now
    # The silence was canceled at T0+20m: no later than when nothing mutes it any more.
    assert rules.muted_until(until, [], T0 + 20 * MIN) == T0 + 20 * MIN
    assert rules.muted_until(until, [], T0 + 90 * MIN) == until
    since = rules.bad_since(T0, until, T0 + 90 * MIN)
    assert since == T0 + 60 * MIN
    assert not rules.joins(since, 5, False, T0 + 64 * MIN) and rules.joins(since, 5, False, T0 + 65 * MIN)
    assert not rules.joins(since, 5, True, T0 + 2 * 60 * MIN)  # muted now: never
    assert rules.bad_since(None, None, T0) == T0 and rules.bad_since(T0, None, T0 + MIN) == T0


def test_automatic_texts_name_monitors_and_groups() -> None:
    groups = [BadGroup(1, "db up", "host:db-2", "Warn", "degraded", T0 + MIN),
              BadGroup(1, "db up", "host:db-1", "Alert", "major_outage", T0),
              BadGroup(2, "replication", "*", "No Data", "degraded", T0 + 2 * MIN)]
    assert rules.title("Database", groups) == "Database: db up (host:db-1) and 2 more"
    text = rules.description(groups)
    assert text.startswith(AUTOMATIC)
    assert text.index("db up (host:db-1) is Alert since 2026-06-01T12:00:00Z") < text.index("host:db-2") < text.index("replication is No Data")
    assert rules.component_status(groups) == "major_outage"
    assert rules.written(groups) == rules.written(list(reversed(groups)))
    many = [BadGroup(1, "m", f"host:{i:02}", "Alert", "degraded", T0) for i in range(25)]
    assert rules.description(many).endswith("and 5 more groups.")
    assert rules.resolved_description().startswith(AUTOMATIC)


def test_maintenance_downtimes_name_the_maintenance() -> None:
    message = rules.maintenance_message("DB upgrade", "Acme", "abc")
    assert "maintenance_id:abc" in message and '"DB upgrade"' in message and '"Acme"' in message
    note = rules.hand_cancel_note("Primary", "u-1", T0)
    assert "u-1" in note and "Primary" in note and "canceled by hand at 2026-06-01T12:00:00Z" in note
