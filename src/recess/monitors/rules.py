"""What a monitor may be: supported types, queries and options, with Datadog's defaults.

`service check` monitors are evaluated by recess from posted check runs. Metric monitors are
fed from outside: recess does not ingest metrics, so another evaluator reports their group
states (POST /api/v1/monitor/{id}/state). Datadog takes a metric monitor as `metric alert` or
`query alert` and answers `query alert` either way; so does recess (the stored type).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from recess.core.limits import MINUTES
from recess.monitors.assets import AssetError, check_assets, check_draft_status
from recess.monitors.evaluate import Thresholds
from recess.monitors.service_check import QueryError
from recess.monitors.service_check import parse as parse_service_check

SERVICE_CHECK = "service check"
METRIC_ALERT = "metric alert"
QUERY_ALERT = "query alert"  # what Datadog answers for a metric monitor, and what recess stores
SUPPORTED_TYPES = (SERVICE_CHECK, METRIC_ALERT, QUERY_ALERT)
DEFAULT_NO_DATA_MINUTES = 10
T = TypeVar("T")
# The comparison that ends a metric query, searched for after the query's first character (which
# must not be a space). Searched rather than matched after `^\S.*\s*`: that pattern backtracked
# in quadratic time over a long run of spaces (seconds for 16 KB).
_METRIC_COMPARISON = re.compile(r"(>=|<=|>|<|==|!=)\s*-?\d+(\.\d+)?\s*\Z")
MAX_SECTIONS = 100  # {{#…}} and {{^…}} sections in one message: each costs a pass when rendered


class MonitorError(ValueError):
    """Input that cannot make a valid monitor; the message is shown to the user."""


@dataclass(frozen=True)
class MonitorFields:
    name: str
    type: str
    query: str
    message: str
    tags: list[str]
    options: dict[str, Any]
    priority: int | None
    assets: list[dict[str, str]]
    draft_status: str


def stored_type(kind: str) -> str:
    """The type a monitor is stored and answered as: `metric alert` is `query alert`."""
    return QUERY_ALERT if kind == METRIC_ALERT else kind


def is_metric(kind: str) -> bool:
    return stored_type(kind) == QUERY_ALERT


def check_query(kind: str, query: Any) -> str:
    if not isinstance(query, str) or not query.strip():
        raise MonitorError("The value provided for parameter 'query' is invalid: it must be a non-empty string")
    if kind == SERVICE_CHECK:
        try:
            parse_service_check(query)
        except QueryError as exc:
            raise MonitorError(str(exc)) from None
    elif query[0].isspace() or not _METRIC_COMPARISON.search(query, 1):
        raise MonitorError("The value provided for parameter 'query' is invalid: invalid operator specified: a metric alert query ends with a comparison such as '> 90'")
    return query


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or value < 1:
        raise MonitorError(f"options.thresholds.{name} must be a whole number of check runs, at least 1")
    return int(value)


def thresholds_of(options: dict[str, Any]) -> Thresholds:
    given = options.get("thresholds") or {}
    return Thresholds(**{k: int(given[k]) for k in ("ok", "warning", "critical") if given.get(k) is not None})


def check_options(kind: str, query: str, options: Any) -> dict[str, Any]:
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise MonitorError("options must be an object")
    out = dict(options)
    out.pop("silenced", None)  # derived from downtimes, never stored
    if "notify_no_data" in out and not isinstance(out["notify_no_data"], bool):
        raise MonitorError("options.notify_no_data must be a boolean")
    for key, minimum in (("no_data_timeframe", 2), ("renotify_interval", 0)):
        value = out.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < minimum):
            raise MonitorError(f"options.{key} must be an integer of at least {minimum} (minutes)")
        if value is not None and value > MINUTES:
            raise MonitorError(f"options.{key} must be at most {MINUTES} minutes (ten years)")
    thresholds = out.get("thresholds")
    if thresholds is not None and not isinstance(thresholds, dict):
        raise MonitorError("options.thresholds must be an object")
    thresholds = dict(thresholds or {})
    for name, value in thresholds.items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise MonitorError(f"options.thresholds.{name} must be a number")
    if kind == SERVICE_CHECK:
        last = parse_service_check(query).last
        for name in ("ok", "warning", "critical"):
            if thresholds.get(name) is not None:
                count = _count(thresholds[name], name)
                if count > last:
                    raise MonitorError(f"options.thresholds.{name} ({count}) exceeds the {last} check run(s) the query looks at (last({last}))")
        thresholds = {"ok": 1, "warning": 1, "critical": 1, **{k: v for k, v in thresholds.items() if v is not None}}
    elif thresholds.get("critical") is None:
        raise MonitorError("options.thresholds.critical is required for a metric alert")
    out["thresholds"] = {k: float(v) if v is not None else None for k, v in thresholds.items()}
    return out


def _kind(value: Any) -> str:
    if not isinstance(value, str) or value not in SUPPORTED_TYPES:
        raise MonitorError(f"Monitor type {value!r} is not supported by recess: use one of {', '.join(SUPPORTED_TYPES)}")
    return stored_type(value)


def create(body: dict[str, Any]) -> MonitorFields:
    if body.get("type") is None:
        raise MonitorError("'type' is a required property")
    kind = _kind(body["type"])
    if "query" not in body:
        raise MonitorError("'query' is a required property")
    query = check_query(kind, body["query"])
    return MonitorFields(
        name=_text(body.get("name"), "name") or query,
        type=kind,
        query=query,
        message=_message(body.get("message")),
        tags=_tags(body.get("tags")),
        options=check_options(kind, query, body.get("options")),
        priority=_priority(body.get("priority")),
        assets=_checked(check_assets, body.get("assets")),
        draft_status=_checked(check_draft_status, body.get("draft_status")),
    )


def _checked(check: Callable[[Any], T], value: Any) -> T:
    try:
        return check(value)
    except AssetError as exc:
        raise MonitorError(str(exc)) from None


def update(previous: MonitorFields, body: dict[str, Any]) -> MonitorFields:
    """PUT edits only the fields it carries (as Datadog's monitor edit)."""
    if "type" in body and _kind(body["type"]) != previous.type:
        raise MonitorError("A monitor's type cannot be changed")
    query = check_query(previous.type, body["query"]) if "query" in body else previous.query
    changes: dict[str, Any] = {"query": query}
    if "name" in body:
        changes["name"] = _text(body["name"], "name") or query
    if "message" in body:
        changes["message"] = _message(body["message"])
    if "tags" in body:
        changes["tags"] = _tags(body["tags"])
    if "priority" in body:
        changes["priority"] = _priority(body["priority"])
    if "assets" in body:
        changes["assets"] = _checked(check_assets, body["assets"])
    if "draft_status" in body:
        changes["draft_status"] = _checked(check_draft_status, body["draft_status"])
    if "options" in body or "query" in body:
        options = body.get("options") if "options" in body else previous.options
        changes["options"] = check_options(previous.type, query, options)
    return replace(previous, **changes)


def _text(value: Any, name: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise MonitorError(f"{name} must be a string")
    return value


def _message(value: Any) -> str:
    text = _text(value, "message") or ""
    sections = text.count("{{#") + text.count("{{^")
    if sections > MAX_SECTIONS:
        raise MonitorError(f"message holds {sections} template sections ({{{{#…}}}} or {{{{^…}}}}): at most {MAX_SECTIONS}")
    return text


def _tags(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
        raise MonitorError("tags must be a list of non-empty strings")
    return list(dict.fromkeys(t.strip() for t in value))


def _priority(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise MonitorError("priority must be an integer from 1 to 5")
    return value


def no_data_minutes(options: dict[str, Any]) -> int | None:
    """Minutes without runs before a group is No Data; None when the monitor does not notify."""
    if not options.get("notify_no_data"):
        return None
    return int(options.get("no_data_timeframe") or DEFAULT_NO_DATA_MINUTES)
