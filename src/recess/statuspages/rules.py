"""Status page rules as pure functions: derived status, maintenance steps, backfills, positions,
who may subscribe how, and who is told of what."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from recess.notifications import targets

COMPONENT_STATUSES = ("operational", "degraded", "partial_outage", "major_outage", "maintenance")
_SEVERITY = {"operational": 0, "maintenance": 1, "degraded": 2, "partial_outage": 3, "major_outage": 4}
DEGRADATION_STATUSES = ("investigating", "identified", "monitoring", "resolved")
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "completed", "canceled")
# A page's images are put in its public HTML (`<link href>`, `<img src>`): only web addresses, so
# that no `javascript:`, `data:` or `file:` URL, nor a relative one, ever gets there.
URL_SCHEMES = ("http", "https")
_NOT_IN_URLS = frozenset(' "<>\\`{}|^')


def http_url(value: str, name: str) -> str:
    """`value` when it is an absolute http(s) URL with a host; else a ValueError naming `name`."""
    refused = ValueError(f"{name} must be an http or https URL")
    if any(ch in _NOT_IN_URLS or ord(ch) < 0x21 or ord(ch) == 0x7F for ch in value):
        raise refused
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        raise refused from None
    if parts.scheme.lower() not in URL_SCHEMES or not host:
        raise refused
    return value


def image_or_url(value: str, name: str) -> str:
    """A page image as Datadog defines it (base64 image data, or a `data:` URI of it), or an
    absolute http(s) URL; anything else (`javascript:`, a relative URL) is a ValueError."""
    from recess.statuspages.images import decode  # pure, like this module

    if decode(value) is not None:
        return value
    try:
        return http_url(value, name)
    except ValueError:
        raise ValueError(f"{name} must be base64 image data or an http or https URL") from None


class PageError(ValueError):
    """A rule broken; the message names it. `status` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def severity(status: str) -> int:
    """How bad a component status is, from operational (0) to major_outage (4)."""
    return _SEVERITY.get(status, 0)


def worst(statuses: Iterable[str]) -> str:
    return max(statuses, key=lambda s: _SEVERITY.get(s, 0), default="operational")


def component_statuses(open_affected: Iterable[Sequence[dict[str, Any]]]) -> dict[str, str]:
    """Component id -> status, from the components_affected of what is open now: unresolved
    degradations (their latest update) and in-progress maintenances. Worst wins; the rest are
    operational."""
    out: dict[str, str] = {}
    for affected in open_affected:
        for item in affected:
            out[item["id"]] = worst((out.get(item["id"], "operational"), item["status"]))
    return out


@dataclass(frozen=True)
class Step:
    """A maintenance transition that is due: to `status` at `at`."""

    status: str
    at: datetime


def due_steps(status: str, start: datetime, completed: datetime, now: datetime) -> list[Step]:
    """The automatic transitions a maintenance has due at `now`, in order."""
    steps = []
    if status == "scheduled" and start <= now:
        steps.append(Step("in_progress", start))
        status = "in_progress"
    if status == "in_progress" and completed <= now:
        steps.append(Step("completed", completed))
    return steps


def next_due(status: str, start: datetime, completed: datetime) -> datetime | None:
    return start if status == "scheduled" else completed if status == "in_progress" else None


def maintenance_components(affected: Sequence[dict[str, Any]], status: str) -> list[dict[str, Any]]:
    """What a maintenance does to its components in `status`: under maintenance while in
    progress, operational otherwise."""
    shown = "maintenance" if status == "in_progress" else "operational"
    return [{**item, "status": shown} for item in affected]


def check_degradation_backfill(updates: Sequence[dict[str, Any]], now: datetime) -> None:
    if not updates:
        raise PageError("a backfilled degradation needs at least one update")
    for i, update in enumerate(updates):
        if update["status"] not in DEGRADATION_STATUSES:
            raise PageError(f"updates[{i}].status must be one of {', '.join(DEGRADATION_STATUSES)}")
        if update["started_at"] > now:
            raise PageError(f"updates[{i}].started_at is in the future: a backfill records the past")
        if i and update["started_at"] <= updates[i - 1]["started_at"]:
            raise PageError(f"updates[{i}].started_at must be after updates[{i - 1}].started_at: updates are in time order")
    if updates[-1]["status"] != "resolved":
        raise PageError("the last update of a backfilled degradation must be resolved")
    for i, update in enumerate(updates[:-1]):
        if update["status"] == "resolved":
            raise PageError(f"updates[{i}] is resolved but is not the last update")


def check_maintenance_backfill(updates: Sequence[dict[str, Any]], now: datetime) -> None:
    if len(updates) != 2:
        raise PageError(f"a backfilled maintenance needs exactly 2 updates (in_progress, then completed), got {len(updates)}")
    if [u["status"] for u in updates] != ["in_progress", "completed"]:
        raise PageError("a backfilled maintenance's updates must be in_progress, then completed")
    if updates[1]["started_at"] <= updates[0]["started_at"]:
        raise PageError("the completed update must start after the in_progress update")
    if updates[1]["started_at"] > now:
        raise PageError("the completed update is in the future: a backfill records the past")
    for i, update in enumerate(updates):
        if not update.get("description"):
            raise PageError(f"updates[{i}].description is required")


def place(positions: dict[str, int], moving: str, wanted: int | None) -> dict[str, int]:
    """Siblings' positions after `moving` goes to `wanted` (None: the end), kept 0..n-1 in order."""
    others = sorted((p, key) for key, p in positions.items() if key != moving)
    order = [key for _, key in others]
    at = len(order) if wanted is None else max(0, min(wanted, len(order)))
    order.insert(at, moving)
    return {key: i for i, key in enumerate(order)}


def close_gap(positions: dict[str, int], leaving: str) -> dict[str, int]:
    order = [key for _, key in sorted((p, key) for key, p in positions.items() if key != leaving)]
    return {key: i for i, key in enumerate(order)}


# --- subscribers ---------------------------------------------------------------------------------

EMAIL, SLACK, WEBHOOK = "email", "slack", "webhook"
_EMAIL = re.compile(r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$")
MAX_TARGET_URL = 2000


def valid_email(text: str) -> bool:
    return len(text) <= 254 and bool(_EMAIL.match(text))


def subscriber_channels(page_type: str, subscriptions_enabled: bool, slack_subscriptions_enabled: bool) -> tuple[str, ...]:
    """How a page may be subscribed to: email and webhooks with `subscriptions_enabled`, Slack
    with `slack_subscriptions_enabled` (as Datadog's two attributes say); internal pages none."""
    if page_type != "public":
        return ()
    return ((EMAIL, WEBHOOK) if subscriptions_enabled else ()) + ((SLACK,) if slack_subscriptions_enabled else ())


def subscriber_url(url: str, allow: targets.Allow) -> str:
    """A Slack or webhook subscriber's URL, when recess may post to it; else a PageError saying why.

    Why https: the URL and what is posted to it travel over the internet, and a Slack webhook URL
    is all it takes to post to the channel. Plain http only reaches a target the operator allows
    (RECESS_WEBHOOK_ALLOW, such as a receiver on the same network). Internal targets are refused
    as webhooks' are (notifications.targets), names checked again when sent."""
    if not url or len(url) > MAX_TARGET_URL or any(ch in _NOT_IN_URLS or not 0x21 <= ord(ch) < 0x7F for ch in url):
        raise PageError(f"the URL must be an https URL of at most {MAX_TARGET_URL} characters, without spaces")
    try:
        target = targets.vet_url(url, allow)
    except targets.Malformed as exc:
        raise PageError(f"the URL cannot be used: {exc}") from None
    except targets.Refused:
        raise PageError("the URL points at an internal address, which recess does not post to") from None
    allowed = allow.host_allowed(target.host, target.port) or (
        target.address is not None and allow.address_allowed(target.address, target.port))
    if target.scheme != "https" and not allowed:
        raise PageError("the URL must be an https URL")
    return url


def concerned(subscribed: Sequence[str] | None, touched: Iterable[str]) -> bool:
    """Whether a subscriber of `subscribed` components (None: the whole page) is told of an
    update naming the `touched` components."""
    return subscribed is None or bool(set(subscribed) & set(touched))
