"""Monitor group states from check runs: plain functions over plain data.

A service check monitor watches runs of one check that carry all its `over` tags. Each run
belongs to the group named by its values of the `by` keys. A group alerts after `critical`
consecutive CRITICAL runs, warns after `warning` consecutive WARNING-or-worse runs, and
recovers after `ok` consecutive OK runs; otherwise it keeps its state. With notify_no_data, a
group that has had no run for `no_data_timeframe` minutes is No Data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from recess.core.search import index_tags
from recess.monitors.service_check import ServiceCheckQuery

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
STATE_OK, STATE_WARN, STATE_ALERT, STATE_NO_DATA = "OK", "Warn", "Alert", "No Data"
STATES = (STATE_OK, STATE_WARN, STATE_ALERT, STATE_NO_DATA)
_SEVERITY = {STATE_OK: 0, STATE_NO_DATA: 1, STATE_WARN: 2, STATE_ALERT: 3}
UNGROUPED = "*"


@dataclass(frozen=True)
class Thresholds:
    ok: int = 1
    warning: int = 1
    critical: int = 1

    @property
    def window(self) -> int:
        return max(self.ok, self.warning, self.critical)


def run_tags(host_name: str | None, tags: Iterable[str]) -> list[str]:
    """A run's tags, with its host as `host:<name>` as Datadog adds it."""
    out = [t.strip().lower() for t in tags if t and t.strip()]
    if host_name:
        out.append(f"host:{host_name.lower()}")
    return list(dict.fromkeys(out))


def selects(query: ServiceCheckQuery, check: str, tags: list[str]) -> bool:
    """Whether a run of `check` with `tags` counts for the monitor."""
    if check != query.check:
        return False
    present = set(tags)
    if any(t != "*" and t not in present for t in query.over):
        return False
    return not any(t in present for t in query.exclude)


def group_of(query: ServiceCheckQuery, tags: list[str]) -> tuple[str, list[str]] | None:
    """(group name, the group's own `by` tags); None when the run lacks a `by` key."""
    if not query.by:
        return UNGROUPED, []
    index = index_tags(tags)
    own = []
    for key in query.by:
        values = sorted(index.get(key, ()))
        if not values:
            return None
        own.append(f"{key}:{values[0]}")
    return ",".join(own), own


def next_state(previous: str | None, recent: list[int], thresholds: Thresholds) -> str:
    """The group's state after its most recent runs (oldest first)."""

    def last(count: int, allowed: tuple[int, ...]) -> bool:
        return len(recent) >= count and all(status in allowed for status in recent[-count:])

    if last(thresholds.critical, (CRITICAL,)):
        return STATE_ALERT
    if last(thresholds.warning, (WARNING, CRITICAL)):
        return STATE_WARN
    if last(thresholds.ok, (OK,)):
        return STATE_OK
    return previous if previous is not None and previous != STATE_NO_DATA else STATE_OK


def overall(states: Iterable[str]) -> str:
    """The worst group state; a monitor with no groups yet has No Data."""
    worst = None
    for state in states:
        if worst is None or _SEVERITY.get(state, 0) > _SEVERITY.get(worst, 0):
            worst = state
    return worst or STATE_NO_DATA


def no_data_due(last_run: datetime, timeframe_minutes: int | None) -> datetime | None:
    if timeframe_minutes is None:
        return None
    return last_run + timedelta(minutes=timeframe_minutes)


def is_alerting(state: str) -> bool:
    return state in (STATE_ALERT, STATE_WARN, STATE_NO_DATA)
