"""JSON posted to a subscriber's own URL through the outbox: Slack messages (channel "slack")
and Statuspage-style webhook payloads (channel "statuspage").

Why their own channels: they are sent as webhooks are (the same rows, leases, retries, target
checks and Idempotency-Key), but their URL is a secret the subscriber gave (a Slack webhook URL
is enough to post to the channel), not a destination an org configured. So it is never logged
(failures name the delivery id and its label), and an error that quotes it is kept with
`<subscriber URL>` in its place.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from recess.core.db import wake_after_commit
from recess.notifications.model import Delivery

SLACK = "slack"
STATUSPAGE = "statuspage"
CHANNELS = (SLACK, STATUSPAGE)
HIDDEN = "<subscriber URL>"


def enqueue(session: Session, org_id: int, channel: str, label: str, url: str, payload: dict[str, Any], now: datetime) -> None:
    """Queue a POST of `payload` as JSON to `url` in the caller's transaction; the deliverer is
    woken once it commits. `label` names it in logs instead of the URL."""
    assert channel in CHANNELS, channel
    session.add(Delivery(
        org_id=org_id, notification_id=None, channel=channel, webhook=label[:200], url=url,
        headers={"Content-Type": "application/json"}, body=json.dumps(payload, ensure_ascii=False),
        idempotency_key=str(uuid.uuid4()), state="pending", attempts=0, next_attempt_at=now, created_at=now))
    wake_after_commit(session, "delivery")


def hide(text: str | None, url: str) -> str | None:
    """`text` (an error kept and logged) without the URL, whole or as the client may quote it
    (without its query, or its path alone)."""
    if not text:
        return text
    base = url.split("?", 1)[0].split("#", 1)[0]
    path = base.split("://", 1)[-1].partition("/")[2]
    for secret in (url, base, f"/{path}" if path else ""):
        if len(secret) > 1:
            text = text.replace(secret, HIDDEN)
    return text
