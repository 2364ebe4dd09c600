"""What webhook subscribers get: Atlassian Statuspage's webhook payload (pure: a snapshot in,
a JSON body out).

Why Statuspage's: tools that already take Statuspage webhooks (chat bridges, incident tools)
read recess's unchanged. The incident is the very object the public API (`public_api.incident`)
shows, with the fields only webhooks carry; maintenances are incidents with `scheduled_for`
and `scheduled_until`, as Statuspage sends them. `meta.unsubscribe` is the subscriber's own
unsubscribe link.
"""

from __future__ import annotations

from typing import Any

from recess.statuspages import public_api
from recess.statuspages.snapshot import Event, Snapshot

DOCUMENTATION = "https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/"


def incident(snap: Snapshot, event: Event, unsubscribe: str) -> dict[str, Any]:
    """The payload about `event` (an incident or a maintenance) as it is now."""
    status = public_api.status(snap)
    body = public_api.incident(snap, event) | {"backfilled": event.backfilled, "impact_override": None}
    if event.kind == "maintenance":
        body |= {"scheduled_auto_transition": True, "scheduled_remind_prior": False}
    return {
        "meta": {"unsubscribe": unsubscribe, "documentation": DOCUMENTATION},
        "page": {"id": snap.id, "status_indicator": status["indicator"], "status_description": status["description"]},
        "incident": body,
    }
