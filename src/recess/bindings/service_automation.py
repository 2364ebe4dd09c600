"""Monitors that move the page: the scheduler's job for bindings with auto_degradation.

Each tick, for each automated binding: its monitor groups in a state that maps to a component
status are tracked (`BoundGroup`) with the instant they have been bad and unmuted since (a
downtime muting a group, the Muter says, holds the clock back until it ends); one that stays so
past the delay joins the binding's automatic degradation, opened on the binding's components
(a group's: its components) with the first joined group, updated as the set changes, and
given a `resolved` update when every joined group has recovered. Every automatic update says
it was automatic. A person's change to that degradation (an update, an edit, a deletion) stops
automation for it until all its groups have recovered.

All state is in the database, written in the scheduler's transaction: a restart picks up
where it was, and with several processes one ticks at a time (the scheduler's lock).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from recess.bindings import rules, store
from recess.bindings.model import AutomaticDegradation, BoundGroup, MonitorBinding
from recess.bindings.rules import BadGroup
from recess.monitors import store as monitors
from recess.monitors.model import Monitor
from recess.notifications.muter import Muter, Target
from recess.statuspages import service_degradations as degradations
from recess.statuspages import store as pages
from recess.statuspages.model import Component, Degradation, StatusPage
from recess.statuspages.schemas import Affected, DegradationIn, DegradationPatch


class Automation:
    def __init__(self, muter: Muter) -> None:
        self.muter = muter

    def run(self, session: Session, now: datetime) -> None:
        """The job: every automated binding, once."""
        listed: dict[int, list[Monitor]] = {}
        for binding in store.automated(session):
            if binding.org_id not in listed:
                listed[binding.org_id] = list(monitors.listing(session, binding.org_id))
            automate(session, self.muter, binding, listed[binding.org_id], now)


def track(session: Session, muter: Muter, binding: MonitorBinding, org_monitors: list[Monitor], now: datetime) -> list[BadGroup]:
    """Bring the binding's tracked groups up to date; answer those that have joined."""
    auto = binding.auto_degradation or {}
    delay = int(auto.get("delay_minutes", 0))
    held = {m.id: m for m in org_monitors if rules.applies_to_monitor(binding.monitor_id, binding.monitor_tags, m.id, m.tags)}
    tracked = {(t.monitor_id, t.group_name): t for t in store.bound_groups(session, binding.component_id)}
    seen = set()
    for monitor_id, groups in monitors.groups_of(session, list(held)).items():
        monitor = held[monitor_id]
        for group in groups:
            status = rules.status_for(auto, group.status)
            if status is None or not rules.covers(binding.scope, group.tags):
                continue
            key = (monitor_id, group.name)
            seen.add(key)
            silences = muter.silences(session, Target(binding.org_id, monitor_id, tuple(monitor.tags), group.name,
                                                      tuple(group.tags)), now)
            row = tracked.get(key)
            muted = rules.muted_until(row.muted_until if row is not None else None, [s.end for s in silences], now)
            since = rules.bad_since(group.alerting_since, muted, now)
            if row is None:
                row = BoundGroup(component_id=binding.component_id, monitor_id=monitor_id, group_name=group.name, joined=False)
                session.add(row)
                tracked[key] = row
            row.state, row.status, row.muted_until, row.since, row.due_at = group.status, status, muted, since, rules.due(since, delay)
            if not row.joined and rules.joins(since, delay, bool(silences), now):
                row.joined = True
    for key, row in list(tracked.items()):
        if key not in seen:  # recovered, no longer bound, or its monitor is gone
            session.delete(row)
            del tracked[key]
    session.flush()
    return [BadGroup(monitor_id=row.monitor_id, monitor_name=held[row.monitor_id].name, group=row.group_name, state=row.state,
                     status=row.status, since=row.since)
            for row in tracked.values() if row.joined]


def automate(session: Session, muter: Muter, binding: MonitorBinding, org_monitors: list[Monitor], now: datetime) -> None:
    joined = track(session, muter, binding, org_monitors, now)
    component = session.get(Component, binding.component_id)
    page = session.get(StatusPage, binding.page_id)
    if component is None or page is None:
        return
    state = store.automation(session, binding.component_id)
    if state is None:
        if joined:
            _open(session, binding, page, component, joined, now)
        return
    degradation = session.get(Degradation, state.degradation_id, with_for_update=True)
    if not state.manual and (degradation is None or _changed_by_someone(session, state, degradation)):
        state.manual = True
    if state.manual or degradation is None:
        if not joined:  # the episode is over: the next one gets a degradation of its own
            session.delete(state)
        return
    if not joined:
        _write(session, state, page, degradation, DegradationPatch.model_validate({
            "status": "resolved", "description": rules.resolved_description(),
            "components_affected": [{"id": c.id, "status": "operational"} for c in _targets(session, component)]}),
            binding, joined, now)
        session.delete(state)
    elif rules.written(joined) != state.written:
        _write(session, state, page, degradation, DegradationPatch.model_validate({
            "description": rules.description(joined), "components_affected": _affected(session, component, joined)}),
            binding, joined, now)


def _targets(session: Session, component: Component) -> list[Component]:
    return store.children(session, component.id) if component.type == "group" else [component]


def _affected(session: Session, component: Component, joined: list[BadGroup]) -> list[Affected]:
    status = rules.component_status(joined)
    return [Affected.model_validate({"id": c.id, "status": status}) for c in _targets(session, component)]


def _open(session: Session, binding: MonitorBinding, page: StatusPage, component: Component, joined: list[BadGroup],
          now: datetime) -> None:
    affected = _affected(session, component, joined)
    if not affected:  # a group without components: nothing on the page to degrade
        return
    given = DegradationIn(title=rules.title(component.name, joined), status="investigating",
                          description=rules.description(joined), components_affected=affected)
    degradation = degradations.create(session, binding.org_id, page, given, binding.modified_by, now)
    state = AutomaticDegradation(component_id=binding.component_id, degradation_id=degradation.id, manual=False)
    _seen(session, state, degradation, joined)
    session.add(state)


def _write(session: Session, state: AutomaticDegradation, page: StatusPage, degradation: Degradation, patch: DegradationPatch,
           binding: MonitorBinding, joined: list[BadGroup], now: datetime) -> None:
    degradations.update(session, page, degradation, patch, binding.modified_by, now)
    _seen(session, state, degradation, joined)


def _seen(session: Session, state: AutomaticDegradation, degradation: Degradation, joined: list[BadGroup]) -> None:
    session.flush()
    state.seen_modified_at = degradation.modified_at
    state.seen_updates = len(pages.updates(session, [degradation.id])[degradation.id])
    state.written = rules.written(joined)


def _changed_by_someone(session: Session, state: AutomaticDegradation, degradation: Degradation) -> bool:
    return (degradation.modified_at != state.seen_modified_at
            or len(pages.updates(session, [degradation.id])[degradation.id]) != state.seen_updates)
