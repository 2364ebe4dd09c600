"""Bindings themselves: binding a component to monitors, reading it back with what it holds
now, and removing it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from recess.bindings import rules, store
from recess.bindings.model import MonitorBinding
from recess.bindings.rules import BindingError
from recess.bindings.service_maintenances import MaintenanceDowntimes
from recess.downtimes import rules as downtime_rules
from recess.downtimes.rules import DowntimeError
from recess.monitors import store as monitors
from recess.monitors.model import Monitor, MonitorGroup
from recess.notifications.muter import Muter, Target
from recess.statuspages.model import Component, StatusPage


@dataclass(frozen=True)
class Given:
    """What a user sends to bind a component: a downtime's monitor identifier and scope, and
    auto_degradation settings (None: off)."""

    monitor_identifier: dict[str, Any]
    scope: str
    auto_degradation: dict[str, Any] | None


def check(given: Given) -> tuple[int | None, list[str] | None, str, dict[str, Any] | None]:
    """(monitor_id, monitor_tags, scope, auto settings) from `given`, or a BindingError naming the field."""
    try:
        monitor_id, monitor_tags = downtime_rules.check_monitor_identifier(given.monitor_identifier)
    except DowntimeError as exc:
        raise BindingError(str(exc)) from None
    try:
        scope = downtime_rules.check_scope(given.scope)
    except DowntimeError as exc:
        message = str(exc)
        raise BindingError(message if message.startswith("Invalid scope") else f"Invalid scope: {message}") from None
    return monitor_id, monitor_tags, scope, rules.auto_settings(given.auto_degradation)


def put(session: Session, page: StatusPage, component: Component, given: Given, downtimes: MaintenanceDowntimes, user: str,
        now: datetime) -> tuple[MonitorBinding, bool]:
    """Bind `component` as `given` (replacing its binding); (the binding, whether it is new).

    The page's open maintenances that the binding applies to get its downtimes now, as if they
    had been scheduled after it. Turning auto_degradation off leaves an open automatic
    degradation to people.
    """
    monitor_id, monitor_tags, scope, auto = check(given)
    store.lock_component(session, component.id)
    row = store.binding(session, component.id, for_update=True)
    created = row is None
    if row is None:
        row = MonitorBinding(component_id=component.id, org_id=page.org_id, page_id=page.id, created_at=now, created_by=user)
        session.add(row)
    row.monitor_id, row.monitor_tags, row.scope = monitor_id, monitor_tags, scope
    row.auto_degradation, row.automated = auto, auto is not None
    row.modified_at, row.modified_by = now, user
    session.flush()
    if auto is None:
        store.forget_automation(session, component.id)
    for maintenance in store.open_maintenances(session, page.id):
        if component.id in downtimes.targets(session, maintenance):
            downtimes.reconcile(session, maintenance, user, now)
    return row, created


def remove(session: Session, row: MonitorBinding) -> None:
    """The binding goes; the downtimes maintenances made from it stay, and so does an open
    automatic degradation (no longer automated)."""
    store.forget_automation(session, row.component_id)
    session.delete(row)


def applies_to(session: Session, component: Component) -> list[Component]:
    """The components a binding on `component` speaks for: itself, or a group's components."""
    return store.children(session, component.id) if component.type == "group" else [component]


def bound(session: Session, row: MonitorBinding) -> list[tuple[Monitor, list[MonitorGroup]]]:
    """The monitors the binding holds now, each with its groups the scope covers."""
    held = [m for m in monitors.listing(session, row.org_id)
            if rules.applies_to_monitor(row.monitor_id, row.monitor_tags, m.id, m.tags)]
    groups = monitors.groups_of(session, [m.id for m in held])
    return [(m, [g for g in groups[m.id] if rules.covers(row.scope, g.tags)]) for m in held]


def identifier(row: MonitorBinding) -> dict[str, Any]:
    return {"monitor_id": row.monitor_id} if row.monitor_id is not None else {"monitor_tags": list(row.monitor_tags or [])}


def monitors_view(session: Session, muter: Muter, row: MonitorBinding, now: datetime) -> list[dict[str, Any]]:
    """What the binding holds now, as its GET shows it: monitors, their covered groups, each
    group's state and whether a downtime mutes it."""
    out = []
    for monitor, groups in bound(session, row):
        shown: Sequence[tuple[str, Sequence[str], str]] = [(g.name, g.tags, g.status) for g in groups]
        out.append({
            "id": monitor.id, "name": monitor.name, "overall_state": monitor.overall_state,
            "groups": [{"name": name, "status": status,
                        "muted": bool(muter.silences(session, Target(row.org_id, monitor.id, tuple(monitor.tags), name,
                                                                     tuple(tags)), now))}
                       for name, tags, status in shown],
        })
    return out
