"""Turning group transitions into notifications and pending deliveries, in the caller's transaction.

Whatever commits the transition commits its notification and outbox rows with it, so a crash
can lose neither; the deliverer sends them afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recess.accounts.model import Org
from recess.core import metrics
from recess.core.db import after_commit
from recess.core.timefmt import iso_micro
from recess.downtimes import live
from recess.downtimes.matching import DowntimeIndex, Entry, group_of, monitor_tag_set
from recess.monitors import store as monitors
from recess.monitors.model import GroupTransition, Monitor, MonitorGroup
from recess.notifications import muting, templates
from recess.notifications.model import Delivery, Notification, Webhook
from recess.notifications.muting import Decision
from recess.notifications.templates import Moment
from recess.settings import get_settings

_ALERT_TYPE = {"Alert": "error", "Warn": "warning", "No Data": "warning", "OK": "success"}
_STATUS_NAME = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}


def alert_type(state: str) -> str:
    return _ALERT_TYPE.get(state, "info")


def on_transitions(session: Session, index: DowntimeIndex, transitions: Sequence[GroupTransition], now: datetime) -> list[Notification]:
    """A notification for each transition, muted or not by the downtimes active at its instant."""
    if not transitions:
        return []
    live.refresh(session, index, now)
    out = []
    for transition in transitions:
        monitor = session.get(Monitor, transition.monitor_id)
        if monitor is None:
            continue
        group = group_of(transition.group_name, transition.tags)
        covering = index.matching(monitor.org_id, monitor.id, monitor_tag_set(monitor.tags), group, transition.at)
        decision = muting.decide(transition.from_state, transition.to_state, covering, transition.episode_start, transition.at)
        row = monitors.group(session, monitor.id, transition.group_name)
        out.append(record(session, monitor, row, transition.group_name, transition.tags,
                          Moment(transition.from_state, transition.to_state), decision, transition.at))
    return out


def on_downtime_end(session: Session, index: DowntimeIndex, ended: Entry, how: str, at: datetime) -> list[Notification]:
    """Re-notify the groups a downtime covered when it ends, as its notify_end_* settings ask."""
    live.refresh(session, index, at)
    out = []
    for monitor in monitors.listing(session, ended.org_id):
        tags = monitor_tag_set(monitor.tags)
        if not ended.applies_to_monitor(monitor.id, tags):
            continue
        for row in monitors.groups_of(session, [monitor.id])[monitor.id]:
            group = group_of(row.name, row.tags)
            if not ended.covers(group.tags) or not muting.notifies_at_end(ended, how, row.status):
                continue
            others = [e for e in index.matching(monitor.org_id, monitor.id, tags, group, at) if e.id != ended.id]
            decision = muting.at_end(others, ended, how)
            out.append(record(session, monitor, row, row.name, list(row.tags), Moment(row.status, row.status), decision, at,
                              kind="downtime_end", downtime=ended.uuid))
    return out


def _variables(monitor: Monitor, group: MonitorGroup | None, tags: list[str], moment: Moment) -> dict[str, str]:
    thresholds: dict[str, Any] = dict(monitor.options.get("thresholds") or {})
    recent = list(group.recent) if group is not None else []
    extra = {
        "value": str(sum(1 for s in recent if s != 0)) if recent else "",
        "threshold": _number(thresholds.get("critical")),
        "warn_threshold": _number(thresholds.get("warning")),
        "last_triggered_at": iso_micro(group.last_triggered_at) or "" if group is not None else "",
        "check_status": _STATUS_NAME.get(recent[-1], "") if recent else "",
    }
    return templates.message_variables(tags, extra)


def _number(value: Any) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def record(
    session: Session, monitor: Monitor, group: MonitorGroup | None, group_name: str, tags: list[str], moment: Moment,
    decision: Decision, at: datetime, *, kind: str = "transition", downtime: str | None = None,
) -> Notification:
    text = templates.render_message(monitor.message, moment, _variables(monitor, group, tags, moment))
    notification = Notification(
        org_id=monitor.org_id, monitor_id=monitor.id, group_name=group_name, kind=kind, transition=moment.transition,
        from_state=moment.from_state, to_state=moment.to_state, title=templates.title(monitor.name, moment, group_name),
        text=text, tags=sorted(set(tags) | set(monitor.tags)), at=at, muted=decision.muted, muted_by=list(decision.by),
        downtime=downtime, reason=decision.reason,
    )
    session.add(notification)
    session.flush()
    _count(session, kind, decision.muted)
    if not decision.muted:
        _enqueue(session, monitor, notification, group_name, tags, at)
    return notification


def _count(session: Session, kind: str, muted: bool) -> None:
    counters = metrics.of(session)

    def count() -> None:
        counters.notifications.labels(kind).inc()
        if muted:
            counters.notifications_muted.inc()

    after_commit(session, count)


def _enqueue(session: Session, monitor: Monitor, notification: Notification, group_name: str, tags: list[str], at: datetime) -> None:
    names = templates.mentions(notification.text)
    if not names:
        return
    hooks = {w.name: w for w in session.scalars(select(Webhook).where(Webhook.org_id == monitor.org_id, Webhook.name.in_(names)))}
    org = session.get(Org, monitor.org_id)
    hosts = [t.split(":", 1)[1] for t in tags if t.startswith("host:")]
    link = f"{get_settings().public_url.rstrip('/')}/monitors/{monitor.id}"
    millis = str(int(at.timestamp() * 1000))
    variables = {
        "ID": str(notification.id), "EVENT_TITLE": notification.title, "EVENT_MSG": notification.text,
        "EVENT_TYPE": "service_check" if monitor.type == "service check" else "query_alert_monitor",
        "ALERT_TRANSITION": notification.transition, "ALERT_STATUS": f"{monitor.name} is {notification.to_state} on {group_name}",
        "ALERT_ID": str(monitor.id), "ALERT_TITLE": notification.title, "ALERT_TYPE": alert_type(notification.to_state),
        "ALERT_QUERY": monitor.query, "ALERT_SCOPE": "" if group_name == "*" else group_name,
        "ALERT_PRIORITY": f"P{monitor.priority}" if monitor.priority else "", "ALERT_CYCLE_KEY": str(notification.id),
        "HOSTNAME": hosts[0] if hosts else "", "TAGS": ",".join(notification.tags), "DATE": millis, "LAST_UPDATED": millis,
        "LINK": link, "ORG_ID": str(monitor.org_id), "ORG_NAME": org.name if org else "", "AGGREG_KEY": str(monitor.id),
    }
    for name in names:
        hook = hooks.get(name)
        if hook is None:
            session.add(Delivery(
                org_id=monitor.org_id, notification_id=notification.id, webhook=name, url="", headers={}, body="",
                idempotency_key=str(uuid.uuid4()), state="failed", attempts=0, last_error=f"no webhook named {name!r}",
                created_at=at,
            ))
            continue
        body, content_type = templates.render_payload(hook.payload, variables, hook.encode_as)
        headers = {"Content-Type": content_type, **templates.parse_headers(hook.custom_headers)}
        session.add(Delivery(
            org_id=monitor.org_id, notification_id=notification.id, webhook=name, url=hook.url, headers=headers, body=body,
            idempotency_key=str(uuid.uuid4()), state="pending", attempts=0, next_attempt_at=at, created_at=at,
        ))
