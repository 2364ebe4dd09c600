"""Feeding monitors: check runs, no-data timeouts and reported states become group states.

Each function runs inside the caller's transaction and records every state change as a
GroupTransition there, so history (and what later reacts to it) commits with the change.
Rows are written a batch at a time (one statement per kind of row), not one flush per row.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from recess.monitors import evaluate, rules, store
from recess.monitors.model import GroupRow, Monitor
from recess.monitors.service_check import ServiceCheckQuery, parse
from recess.monitors.subjects import subject_of
from recess.notifications.subjects import Subject


@dataclass(frozen=True)
class Change:
    """A group's state change: its monitor, and its group as the notification of it tells the
    group at that instant (a later run in the same list must not change what it says)."""

    monitor: Monitor
    subject: Subject
    from_state: str
    to_state: str
    at: datetime
    cause: str  # check_run | no_data | report
    episode_start: datetime | None  # when the alert it changes began


def _record(session: Session, changes: Sequence[Change]) -> None:
    """Each change in the groups' state history, in order (one statement for them all)."""
    store.add_transitions(session, [
        {"org_id": c.monitor.org_id, "monitor_id": c.monitor.id, "group_name": c.subject.group, "from_state": c.from_state,
         "to_state": c.to_state, "tags": list(c.subject.group_tags), "at": c.at, "cause": c.cause,
         "episode_start": c.episode_start}
        for c in changes
    ])


def _change(monitor: Monitor, group: GroupRow, state: str, now: datetime, cause: str) -> Change | None:
    """Move `group` to `state` (None: it is there already); the caller records the change."""
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
    return Change(monitor, subject_of(monitor, group, group.name, group.tags), previous, state, now, cause, episode_start)


def _set_overall(monitor: Monitor, states: Iterable[str], now: datetime) -> None:
    state = evaluate.overall(states)
    if state != monitor.overall_state:
        monitor.overall_state = state
        monitor.overall_state_modified = now


def refresh_overall(session: Session, monitor: Monitor, now: datetime) -> None:
    session.flush()
    _set_overall(monitor, store.group_statuses(session, monitor.id), now)


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


def check_run(session: Session, org_id: int, run: Mapping[str, Any] | Run, now: datetime) -> list[Change]:
    """Store a check run and evaluate every service check monitor that watches it."""
    return check_runs(session, org_id, [run if isinstance(run, Run) else prepare(run)], lambda: now)


class _Batch:
    """The groups one transaction feeds, read and locked together, with their monitors' group
    state counts (a monitor's overall state is its worst group's); `save` writes them back, with
    the changes made, one statement per kind of row."""

    def __init__(self, session: Session, groups: dict[tuple[int, str], GroupRow], monitor_ids: Iterable[int]) -> None:
        self.session = session
        self.groups = groups
        self.counts = store.status_counts(session, monitor_ids)
        self.changes: list[Change] = []

    @classmethod
    def of(cls, session: Session, names: Mapping[int, Collection[str]]) -> _Batch:
        """The named groups of each monitor ({monitor id: names}) that exist."""
        return cls(session, store.feeding(session, names), names)

    def group(self, monitor: Monitor, name: str, tags: list[str], now: datetime) -> GroupRow:
        """The monitor's group `name`, new (OK, with `tags`) if it has none."""
        found = self.groups.get((monitor.id, name))
        if found is None:
            found = self.groups[(monitor.id, name)] = store.new_group(self.session, monitor, name, tags, now)
            self.counts[monitor.id][found.status] += 1
        return found

    def note(self, monitor: Monitor, change: Change | None) -> None:
        """`change` (if any) of one of the monitor's groups, to record and count."""
        if change is not None:
            counts = self.counts[monitor.id]
            counts[change.from_state] -= 1
            counts[change.to_state] += 1
            self.changes.append(change)

    def overall(self, monitor: Monitor, now: datetime) -> None:
        """The monitor's overall state as its groups' states stand now."""
        _set_overall(monitor, (state for state, count in self.counts[monitor.id].items() if count > 0), now)

    def save(self) -> list[Change]:
        store.save_groups(self.session, self.groups.values())
        _record(self.session, self.changes)
        return self.changes


def check_runs(session: Session, org_id: int, runs: Sequence[Run], now: Callable[[], datetime]) -> list[Change]:
    """Several prepared runs, applied in order in one transaction (a posted list), and the changes
    they made. The watching monitors are read once, and the groups the runs feed are read and
    locked in one query and written back in one statement."""
    watchers = _watchers(session, org_id)
    fed = [[(w, placed) for w in watchers if evaluate.selects(w.query, run.check, run.tags)
            and (placed := evaluate.group_of(w.query, run.tags)) is not None] for run in runs]
    names: dict[int, set[str]] = {}
    for placements in fed:
        for watcher, (name, _) in placements:
            names.setdefault(watcher.monitor.id, set()).add(name)
    batch = _Batch.of(session, names)
    received = []
    for run, placements in zip(runs, fed, strict=True):
        at = now()
        received.append({"org_id": org_id, "check": run.check, "host_name": run.host_name, "status": run.status, "tags": run.tags,
                         "message": run.message, "timestamp": run.timestamp or int(at.timestamp()), "received_at": at})
        for watcher, (name, own) in placements:
            group = batch.group(watcher.monitor, name, own, at)
            batch.note(watcher.monitor, _apply(session, watcher, group, run, own, at))
            batch.overall(watcher.monitor, at)
    store.add_check_runs(session, received)
    return batch.save()


def _apply(session: Session, watcher: _Watcher, group: GroupRow, run: Run, own: list[str], now: datetime) -> Change | None:
    """One run counted in one of a watching monitor's groups."""
    group.recent = [*group.recent, run.status][-max(watcher.query.last, watcher.thresholds.window):]
    store.set_group_tags(session, group, sorted(set(own) | set(run.tags)))
    group.last_run_at = now
    group.nodata_at = evaluate.no_data_due(now, watcher.no_data_minutes)
    state = evaluate.next_state(group.status, group.recent, watcher.thresholds)
    return _change(watcher.monitor, group, state, now, "check_run")


def no_data(session: Session, now: datetime) -> list[Change]:
    """Groups whose runs stopped for their timeframe become No Data."""
    due = store.due_no_data(session, now)
    batch = _Batch(session, {(g.monitor_id, g.name): g for g in due}, {g.monitor_id for g in due})
    for group in due:
        group.nodata_at = None
        monitor = store.monitor_by_id(session, group.monitor_id)
        if monitor is None or monitor.deleted is not None:
            continue
        batch.note(monitor, _change(monitor, group, evaluate.STATE_NO_DATA, now, "no_data"))
        batch.overall(monitor, now)
    return batch.save()


def report(session: Session, monitor: Monitor, groups: list[dict[str, Any]], now: datetime) -> list[Change]:
    """States an outside evaluator reports for a monitor's groups."""
    batch = _Batch.of(session, {monitor.id: {item["name"] for item in groups}})
    for item in groups:
        group = batch.group(monitor, item["name"], [], now)
        if item.get("tags") is not None:
            store.set_group_tags(session, group, sorted({t.lower() for t in item["tags"]}))
        group.last_run_at = now
        batch.note(monitor, _change(monitor, group, item["status"], now, "report"))
    batch.overall(monitor, now)
    return batch.save()


def reschedule_no_data(session: Session, monitor: Monitor) -> None:
    """After an options change: each group's No Data instant under the new timeframe."""
    minutes = rules.no_data_minutes(monitor.options)
    for group in store.groups_of(session, [monitor.id])[monitor.id]:
        due = evaluate.no_data_due(group.last_run_at, minutes) if group.last_run_at else None
        group.nodata_at = due if group.status != evaluate.STATE_NO_DATA else None
