"""Feeding monitors: check runs, no-data timeouts and reported states become group states.

Each function runs inside the caller's transaction and records every state change as a
GroupTransition there, so history (and what later reacts to it) commits with the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from recess.monitors import evaluate, rules, store
from recess.monitors.model import CheckRun, GroupTransition, Monitor, MonitorGroup
from recess.monitors.service_check import ServiceCheckQuery, parse


def _change(session: Session, monitor: Monitor, group: MonitorGroup, state: str, now: datetime, cause: str) -> GroupTransition | None:
    previous = group.status
    group.modified = now
    if state == previous:
        return None
    group.status = state
    episode_start = group.alerting_since
    if previous == evaluate.STATE_OK:
        group.alerting_since = now
    elif state == evaluate.STATE_OK:
        group.alerting_since = None
    if state == evaluate.STATE_NO_DATA:
        group.last_nodata_at = now
    elif state in (evaluate.STATE_ALERT, evaluate.STATE_WARN):
        group.last_triggered_at = now
    elif state == evaluate.STATE_OK:
        group.last_resolved_at = now
    transition = GroupTransition(
        org_id=monitor.org_id, monitor_id=monitor.id, group_name=group.name, from_state=previous,
        to_state=state, tags=list(group.tags), at=now, cause=cause, episode_start=episode_start,
    )
    store.add_transition(session, transition)
    return transition


def refresh_overall(session: Session, monitor: Monitor, now: datetime) -> None:
    session.flush()
    state = evaluate.overall(store.group_statuses(session, monitor.id))
    if state != monitor.overall_state:
        monitor.overall_state = state
        monitor.overall_state_modified = now


@dataclass(frozen=True)
class Run:
    """A check run shaped before any transaction begins: its tags normalised (host included)."""

    check: str
    host_name: str | None
    status: int
    tags: list[str]
    message: str | None = None
    timestamp: int | None = None


def prepare(run: Mapping[str, Any]) -> Run:
    """Plain work done outside the write lock: everything about a run that needs no database."""
    return Run(check=run["check"], host_name=run.get("host_name"), status=run["status"],
               tags=evaluate.run_tags(run.get("host_name"), run.get("tags") or []),
               message=run.get("message"), timestamp=run.get("timestamp"))


@dataclass(frozen=True)
class _Watcher:
    monitor: Monitor
    query: ServiceCheckQuery
    thresholds: evaluate.Thresholds
    no_data_minutes: int | None


def _watchers(session: Session, org_id: int) -> list[_Watcher]:
    return [_Watcher(m, parse(m.query), rules.thresholds_of(m.options), rules.no_data_minutes(m.options))
            for m in store.service_check_monitors(session, org_id)]


def check_run(session: Session, org_id: int, run: Mapping[str, Any] | Run, now: datetime) -> list[GroupTransition]:
    """Store a check run and evaluate every service check monitor that watches it."""
    return _apply(session, org_id, run if isinstance(run, Run) else prepare(run), _watchers(session, org_id), now)


def check_runs(session: Session, org_id: int, runs: Sequence[Run], now: Callable[[], datetime]) -> Iterator[list[GroupTransition]]:
    """Several prepared runs in order, in one transaction, each run's changes as it is applied
    (so that the caller notifies them before the next run); the watching monitors are read once."""
    watchers = _watchers(session, org_id)
    for run in runs:
        yield _apply(session, org_id, run, watchers, now())


def _apply(session: Session, org_id: int, run: Run, watchers: Sequence[_Watcher], now: datetime) -> list[GroupTransition]:
    tags = run.tags
    store.add_check_run(session, CheckRun(
        org_id=org_id, check=run.check, host_name=run.host_name, status=run.status, tags=tags,
        message=run.message, timestamp=run.timestamp or int(now.timestamp()), received_at=now,
    ))
    changes = []
    for watcher in watchers:
        monitor, query, thresholds = watcher.monitor, watcher.query, watcher.thresholds
        if not evaluate.selects(query, run.check, tags):
            continue
        placed = evaluate.group_of(query, tags)
        if placed is None:
            continue
        name, own = placed
        group = store.group(session, monitor.id, name) or store.add_group(session, monitor, name, own, now)
        group.recent = [*group.recent, run.status][-max(query.last, thresholds.window):]
        store.set_group_tags(session, group, sorted(set(own) | set(tags)))
        group.last_run_at = now
        group.nodata_at = evaluate.no_data_due(now, watcher.no_data_minutes)
        state = evaluate.next_state(group.status, group.recent, thresholds)
        if (transition := _change(session, monitor, group, state, now, "check_run")) is not None:
            changes.append(transition)
        refresh_overall(session, monitor, now)
    return changes


def no_data(session: Session, now: datetime) -> list[GroupTransition]:
    """Groups whose runs stopped for their timeframe become No Data."""
    changes = []
    for group in store.due_no_data(session, now):
        group.nodata_at = None
        monitor = store.monitor_by_id(session, group.monitor_id)
        if monitor is None or monitor.deleted is not None:
            continue
        if (transition := _change(session, monitor, group, evaluate.STATE_NO_DATA, now, "no_data")) is not None:
            changes.append(transition)
        refresh_overall(session, monitor, now)
    return changes


def report(session: Session, monitor: Monitor, groups: list[dict[str, Any]], now: datetime) -> list[GroupTransition]:
    """States an outside evaluator reports for a monitor's groups."""
    changes = []
    for item in groups:
        group = store.group(session, monitor.id, item["name"]) or store.add_group(session, monitor, item["name"], [], now)
        if item.get("tags") is not None:
            store.set_group_tags(session, group, sorted({t.lower() for t in item["tags"]}))
        group.last_run_at = now
        if (transition := _change(session, monitor, group, item["status"], now, "report")) is not None:
            changes.append(transition)
    refresh_overall(session, monitor, now)
    return changes


def reschedule_no_data(session: Session, monitor: Monitor) -> None:
    """After an options change: each group's No Data instant under the new timeframe."""
    minutes = rules.no_data_minutes(monitor.options)
    for group in store.groups_of(session, [monitor.id])[monitor.id]:
        due = evaluate.no_data_due(group.last_run_at, minutes) if group.last_run_at else None
        group.nodata_at = due if group.status != evaluate.STATE_NO_DATA else None
