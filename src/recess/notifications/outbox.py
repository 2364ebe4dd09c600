"""Recording a notification and its pending deliveries, in the caller's transaction.

Whatever commits the transition commits its notification and outbox rows with it, so a crash
can lose neither; the deliverer sends them afterwards.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from recess.accounts.model import Org
from recess.core import metrics
from recess.core.db import after_commit, insert_rows, new_ids
from recess.notifications import templates
from recess.notifications.model import Delivery, Notification, Webhook
from recess.notifications.muting import Decision
from recess.notifications.subjects import Subject
from recess.notifications.templates import Moment

_ALERT_TYPE = {"Alert": "error", "Warn": "warning", "No Data": "warning", "OK": "success"}


def alert_type(state: str) -> str:
    return _ALERT_TYPE.get(state, "info")


@dataclass(frozen=True)
class Record:
    """What to record: the notification of `moment` for `subject`, and whether it is muted."""

    subject: Subject
    moment: Moment
    decision: Decision
    at: datetime
    kind: str = "transition"
    downtime: str | None = None


@dataclass(frozen=True)
class Recorded:
    """A notification as recorded (a Notification row): its id, what it told, whether it was muted."""

    id: int
    kind: str
    group: str
    to_state: str
    muted: bool


def record(
    session: Session, subject: Subject, moment: Moment, decision: Decision, at: datetime, public_url: str, *,
    kind: str = "transition", downtime: str | None = None,
) -> Recorded:
    """The notification of `moment` for `subject`, and (unless muted) a delivery per webhook it mentions."""
    return record_each(session, [Record(subject, moment, decision, at, kind, downtime)], public_url)[0]


def record_each(session: Session, records: Sequence[Record], public_url: str) -> list[Recorded]:
    """`record` for each, in order. The notifications take their ids first (a delivery carries its
    notification's id, in its row and its body), then the notifications and the deliveries are
    written in one statement each (insert_rows), and the webhooks and orgs they name are read once."""
    if not records:
        return []
    rows = [_notification(r, id_) for r, id_ in zip(records, new_ids(session, Notification, len(records)), strict=True)]
    insert_rows(session, Notification, rows)
    _count(session, records)
    mentioned = [(r, row, names) for r, row in zip(records, rows, strict=True)
                 if not r.decision.muted and (names := templates.mentions(row["text"]))]
    if mentioned:
        hooks = _webhooks(session, {(r.subject.org_id, name) for r, _, names in mentioned for name in names})
        orgs = {org_id: session.get(Org, org_id) for org_id in sorted({r.subject.org_id for r, _, _ in mentioned})}
        insert_rows(session, Delivery, [
            delivery for r, row, names in mentioned
            for delivery in _deliveries(r.subject, row, names, hooks, orgs[r.subject.org_id], r.at, public_url)
        ])
    return [Recorded(row["id"], row["kind"], row["group_name"], row["to_state"], row["muted"]) for row in rows]


def _notification(r: Record, id_: int) -> dict[str, Any]:
    """The Notification row of `r`."""
    subject, moment, decision = r.subject, r.moment, r.decision
    tags = list(subject.group_tags)
    text = templates.render_message(subject.message, moment, templates.message_variables(tags, subject.variables))
    return {
        "id": id_, "org_id": subject.org_id, "monitor_id": subject.monitor_id, "group_name": subject.group, "kind": r.kind,
        "transition": moment.transition, "from_state": moment.from_state, "to_state": moment.to_state,
        "title": templates.title(subject.monitor_name, moment, subject.group), "text": text,
        "tags": sorted(set(tags) | set(subject.monitor_tags)), "at": r.at, "muted": decision.muted,
        "muted_by": list(decision.by), "downtime": r.downtime, "reason": decision.reason,
    }


def _count(session: Session, records: Sequence[Record]) -> None:
    counters = metrics.of(session)
    kinds = Counter(r.kind for r in records)
    muted = sum(r.decision.muted for r in records)

    def count() -> None:
        for kind, created in kinds.items():
            counters.notifications.labels(kind).inc(created)
        if muted:
            counters.notifications_muted.inc(muted)

    after_commit(session, count)


def _webhooks(session: Session, named: set[tuple[int, str]]) -> dict[tuple[int, str], Webhook]:
    """The webhooks of these (org id, name)s that exist."""
    by_org: dict[int, set[str]] = {}
    for org_id, name in named:
        by_org.setdefault(org_id, set()).add(name)
    query = select(Webhook).where(or_(*(and_(Webhook.org_id == org_id, Webhook.name.in_(sorted(names)))
                                        for org_id, names in sorted(by_org.items()))))
    return {(w.org_id, w.name): w for w in session.scalars(query)}


def _deliveries(subject: Subject, notification: dict[str, Any], names: list[str], hooks: dict[tuple[int, str], Webhook],
                org: Org | None, at: datetime, public_url: str) -> list[dict[str, Any]]:
    """The outbox rows of a notification (its row): one per webhook it mentions (failed at once
    when no webhook has that name)."""
    hosts = [t.split(":", 1)[1] for t in subject.group_tags if t.startswith("host:")]
    link = f"{public_url.rstrip('/')}/monitors/{subject.monitor_id}"
    group_name = subject.group
    millis = str(int(at.timestamp() * 1000))
    variables = {
        "ID": str(notification["id"]), "EVENT_TITLE": notification["title"], "EVENT_MSG": notification["text"],
        "EVENT_TYPE": "service_check" if subject.monitor_type == "service check" else "query_alert_monitor",
        "ALERT_TRANSITION": notification["transition"],
        "ALERT_STATUS": f"{subject.monitor_name} is {notification['to_state']} on {group_name}",
        "ALERT_ID": str(subject.monitor_id), "ALERT_TITLE": notification["title"], "ALERT_TYPE": alert_type(notification["to_state"]),
        "ALERT_QUERY": subject.query, "ALERT_SCOPE": "" if group_name == "*" else group_name,
        "ALERT_PRIORITY": f"P{subject.priority}" if subject.priority else "", "ALERT_CYCLE_KEY": str(notification["id"]),
        "HOSTNAME": hosts[0] if hosts else "", "TAGS": ",".join(notification["tags"]), "DATE": millis, "LAST_UPDATED": millis,
        "LINK": link, "ORG_ID": str(subject.org_id), "ORG_NAME": org.name if org else "", "AGGREG_KEY": str(subject.monitor_id),
    }
    out = []
    for name in names:
        hook = hooks.get((subject.org_id, name))
        row = {"org_id": subject.org_id, "notification_id": notification["id"], "channel": "webhook", "webhook": name,
               "idempotency_key": str(uuid.uuid4()), "attempts": 0, "created_at": at}
        if hook is None:
            out.append({**row, "url": "", "headers": {}, "body": "", "state": "failed", "next_attempt_at": None,
                        "last_error": f"no webhook named {name!r}"})
            continue
        body, content_type = templates.render_payload(hook.payload, variables, hook.encode_as)
        headers = {"Content-Type": content_type, **templates.parse_headers(hook.custom_headers)}
        out.append({**row, "url": hook.url, "headers": headers, "body": body, "state": "pending", "next_attempt_at": at,
                    "last_error": None})
    return out
