"""Webhook destinations (Datadog's Webhooks integration) as plain calls over a session.

A webhook is named in a monitor message as @webhook-NAME. Its URL, payload template and custom
headers are checked when it is written, so that a delivery never fails for a reason the
writer could have been told about: among them a URL that points at an internal target
(`recess.notifications.targets`; the operator's RECESS_WEBHOOK_ALLOW is the `allow` given).
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recess.core.db import claiming
from recess.notifications import targets, templates
from recess.notifications.model import Webhook

_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,200}$")
FIELDS = ("name", "url", "payload", "custom_headers", "encode_as")


class WebhookError(ValueError):
    """A webhook that cannot be written; the message says why."""


class WebhookTaken(WebhookError):
    """The name is another webhook's of the org (a 409)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Webhook {name} already exists")


class WebhookNotFound(LookupError):
    pass


def check(values: dict[str, Any], allow: targets.Allow = targets.NOTHING_ALLOWED) -> None:
    """Raise WebhookError unless `values` (a whole or partial webhook) can be stored. `allow`:
    the internal targets the operator allows (none unless given)."""
    if "name" in values and not _NAME.match(values["name"] or ""):
        raise WebhookError("Invalid webhook name: use letters, digits, '_' and '-' only")
    if "url" in values:
        if not re.fullmatch(r"https?://\S+", values["url"] or ""):
            raise WebhookError("Invalid webhook url: it must be an http or https URL")
        try:
            targets.vet_url(values["url"], allow)
        except (targets.Malformed, targets.Refused) as exc:
            raise WebhookError(f"Invalid webhook url: {exc}") from None
    try:
        templates.check_headers(templates.parse_headers(values.get("custom_headers")))
    except ValueError as exc:
        raise WebhookError(f"Invalid custom_headers: {exc}") from None
    payload = values.get("payload")
    if payload and values.get("encode_as", "json") == "json":
        try:
            json.loads(re.sub(r"\$[A-Z][A-Z0-9_]*", "x", payload))
        except ValueError as exc:
            raise WebhookError(f"Invalid payload: it must be JSON once $VARIABLES are replaced ({exc})") from None


def values_of(hook: Webhook) -> dict[str, Any]:
    return {name: getattr(hook, name) for name in FIELDS}


def _taken(session: Session, org_id: int, name: str) -> bool:
    return session.scalar(select(Webhook.id).where(Webhook.org_id == org_id, Webhook.name == name)) is not None


def get(session: Session, org_id: int, name: str) -> Webhook:
    hook = session.scalar(select(Webhook).where(Webhook.org_id == org_id, Webhook.name == name))
    if hook is None:
        raise WebhookNotFound(f"Webhook {name} not found")
    return hook


def create(session: Session, org_id: int, values: dict[str, Any], allow: targets.Allow = targets.NOTHING_ALLOWED) -> Webhook:
    check(values, allow)
    if _taken(session, org_id, values["name"]):
        raise WebhookTaken(values["name"])
    hook = Webhook(org_id=org_id, **values)
    with claiming(session, lambda: WebhookTaken(values["name"])):  # created meanwhile by another request
        session.add(hook)
    return hook


def update(session: Session, org_id: int, name: str, changes: dict[str, Any],
           allow: targets.Allow = targets.NOTHING_ALLOWED) -> Webhook:
    hook = get(session, org_id, name)
    merged = {**values_of(hook), **changes}
    check(merged, allow)
    if merged["name"] != hook.name and _taken(session, org_id, merged["name"]):
        raise WebhookTaken(merged["name"])
    with claiming(session, lambda: WebhookTaken(merged["name"])):
        for key, value in changes.items():
            setattr(hook, key, value if key != "encode_as" or value is not None else hook.encode_as)
    return hook


def delete(session: Session, org_id: int, name: str) -> None:
    session.delete(get(session, org_id, name))
