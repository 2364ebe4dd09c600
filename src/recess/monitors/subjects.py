"""A monitor group as notifications see it (`Subject`), with the template variables only a
monitor knows: its value, thresholds and last check status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from recess.core.timefmt import iso_micro
from recess.monitors.model import GroupRow, Monitor, MonitorGroup
from recess.notifications.subjects import Subject

_STATUS_NAME = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}


def _number(value: Any) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _variables(monitor: Monitor, group: MonitorGroup | GroupRow | None) -> dict[str, str]:
    options: dict[str, Any] = dict(monitor.options)
    thresholds: dict[str, Any] = options.get("thresholds") or {}
    recent = list(group.recent) if group is not None else []
    return {
        "value": str(sum(1 for s in recent if s != 0)) if recent else "",
        "threshold": _number(thresholds.get("critical")),
        "warn_threshold": _number(thresholds.get("warning")),
        "last_triggered_at": iso_micro(group.last_triggered_at) or "" if group is not None else "",
        "check_status": _STATUS_NAME.get(recent[-1], "") if recent else "",
    }


def subject_of(monitor: Monitor, group: MonitorGroup | GroupRow | None, group_name: str, group_tags: Sequence[str]) -> Subject:
    return Subject(
        org_id=monitor.org_id, monitor_id=monitor.id, monitor_name=monitor.name, monitor_type=monitor.type,
        query=monitor.query, message=monitor.message, priority=monitor.priority, monitor_tags=tuple(monitor.tags),
        group=group_name, group_tags=tuple(group_tags), variables=_variables(monitor, group),
    )
