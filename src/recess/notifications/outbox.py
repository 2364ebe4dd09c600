"""Recording a notification and its pending deliveries, in the caller's transaction.

Whatever commits the transition commits its notification and outbox rows with it, so a crash
can lose neither; the deliverer sends them afterwards.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from recess.accounts.model import Org
from recess.core import metrics
from recess.core.db import after_commit
from recess.notifications import templates
from recess.notifications.model import Delivery, Notification, Webhook
from recess.notifications.muting import Decision
from recess.notifications.subjects import Subject
from recess.notifications.templates import Moment

_ALERT_TYPE = {"Alert": "error", "Warn": "warning", "No Data": "warning", "OK": "success"}


def alert_type(state: str) -> str:
    return _ALERT_TYPE.get(state, "info")


def record(
    session: Session, subject: Subject, moment: Moment, decision: Decision, at: datetime, public_url: str, *,
    kind: str = "transition", downtime: str | None = None,
) -> Notification:
    """The notification of `moment` for `subject`, and (unless muted) a delivery per webhook it mentions."""
    tags = list(subject.group_tags)
    text = templates.render_message(subject.message, moment, templates.message_variables(tags, subject.variables))
    notification = Notification(
        org_id=subject.org_id, monitor_id=subject.monitor_id, group_name=subject.group, kind=kind, transition=moment.transition,
        from_state=moment.from_state, to_state=moment.to_state, title=templates.title(subject.monitor_name, moment, subject.group),
        text=text, tags=sorted(set(tags) | set(subject.monitor_tags)), at=at, muted=decision.muted, muted_by=list(decision.by),
        downtime=downtime, reason=decision.reason,
    )
    session.add(notification)
    session.flush()
    _count(session, kind, decision.muted)
    if not decision.muted:
        _enqueue(session, subject, notification, at, public_url)
    return notification


def _count(session: Session, kind: str, muted: bool) -> None:
    counters = metrics.of(session)

    def count() -> None:
        counters.notifications.labels(kind).inc()
        if muted:
            counters.notifications_muted.inc()

    after_commit(session, count)


def _enqueue(session: Session, subject: Subject, notification: Notification, at: datetime, public_url: str) -> None:
    names = templates.mentions(notification.text)
    if not names:
        return
    hooks = {w.name: w for w in session.scalars(select(Webhook).where(Webhook.org_id == subject.org_id, Webhook.name.in_(names)))}
    org = session.get(Org, subject.org_id)
    hosts = [t.split(":", 1)[1] for t in subject.group_tags if t.startswith("host:")]
    link = f"{public_url.rstrip('/')}/monitors/{subject.monitor_id}"
    group_name = subject.group
    millis = str(int(at.timestamp() * 1000))
    variables = {
        "ID": str(notification.id), "EVENT_TITLE": notification.title, "EVENT_MSG": notification.text,
        "EVENT_TYPE": "service_check" if subject.monitor_type == "service check" else "query_alert_monitor",
        "ALERT_TRANSITION": notification.transition,
        "ALERT_STATUS": f"{subject.monitor_name} is {notification.to_state} on {group_name}",
        "ALERT_ID": str(subject.monitor_id), "ALERT_TITLE": notification.title, "ALERT_TYPE": alert_type(notification.to_state),
        "ALERT_QUERY": subject.query, "ALERT_SCOPE": "" if group_name == "*" else group_name,
        "ALERT_PRIORITY": f"P{subject.priority}" if subject.priority else "", "ALERT_CYCLE_KEY": str(notification.id),
        "HOSTNAME": hosts[0] if hosts else "", "TAGS": ",".join(notification.tags), "DATE": millis, "LAST_UPDATED": millis,
        "LINK": link, "ORG_ID": str(subject.org_id), "ORG_NAME": org.name if org else "", "AGGREG_KEY": str(subject.monitor_id),
    }
    for name in names:
        hook = hooks.get(name)
        if hook is None:
            session.add(Delivery(
                org_id=subject.org_id, notification_id=notification.id, webhook=name, url="", headers={}, body="",
                idempotency_key=str(uuid.uuid4()), state="failed", attempts=0, last_error=f"no webhook named {name!r}",
                created_at=at,
            ))
            continue
        body, content_type = templates.render_payload(hook.payload, variables, hook.encode_as)
        headers = {"Content-Type": content_type, **templates.parse_headers(hook.custom_headers)}
        session.add(Delivery(
            org_id=subject.org_id, notification_id=notification.id, webhook=name, url=hook.url, headers=headers, body=body,
            idempotency_key=str(uuid.uuid4()), state="pending", attempts=0, next_attempt_at=at, created_at=at,
        ))
