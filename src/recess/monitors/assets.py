"""A monitor's `assets` (runbook links) and `draft_status`, checked as Datadog's models define them.

An asset is `{name, url, category}` with optional `resource_key` and `resource_type`; `category`
is `runbook` and `resource_type` `notebook` (the client's enums). `url` is a full http(s) URL or,
for a Datadog resource, a path such as `/notebooks/12345`. Clients send back what they read
(`monitor_id`, `template_variables`, `options` too): those are ignored, as other read-only fields.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

CATEGORIES = ("runbook",)
RESOURCE_TYPES = ("notebook",)
DRAFT_STATUSES = ("draft", "published")
PUBLISHED, DRAFT = "published", "draft"
MAX_ASSETS = 100
MAX_URL = 2048


class AssetError(ValueError):
    """An asset or draft status that cannot be stored; the message names the field."""


def _is_url(text: str) -> bool:
    if not text or len(text) > MAX_URL or any(c.isspace() or ord(c) < 32 for c in text):
        return False
    if text.startswith("/"):
        return not text.startswith("//")
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _string(item: dict[str, Any], key: str, where: str, *, required: bool) -> str | None:
    if key not in item or item[key] is None:
        if required:
            raise AssetError(f"'{key}' is a required property of {where}")
        return None
    value = item[key]
    if not isinstance(value, str) or (required and not value.strip()):
        raise AssetError(f"Invalid value for {where}.{key}: it must be a non-empty string")
    return value


def _one_of(value: str | None, allowed: tuple[str, ...], field: str) -> None:
    if value is not None and value not in allowed:
        raise AssetError(f"Invalid value for {field}: {value!r} is not one of {list(allowed)}")


def check_assets(value: Any) -> list[dict[str, str]]:
    """The assets to store, each with the keys it was given among the five Datadog defines."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_ASSETS:
        raise AssetError(f"Invalid value for assets: it must be a list of at most {MAX_ASSETS} objects")
    out = []
    for i, item in enumerate(value):
        where = f"assets[{i}]"
        if not isinstance(item, dict):
            raise AssetError(f"Invalid value for {where}: it must be an object")
        name = _string(item, "name", where, required=True)
        url = _string(item, "url", where, required=True)
        category = _string(item, "category", where, required=True)
        _one_of(category, CATEGORIES, f"{where}.category")
        if url is None or not _is_url(url):
            raise AssetError(f"Invalid value for {where}.url: {url!r} is not a URL: give a full http(s) URL or a path starting with /")
        resource_type = _string(item, "resource_type", where, required=False)
        _one_of(resource_type, RESOURCE_TYPES, f"{where}.resource_type")
        resource_key = _string(item, "resource_key", where, required=False)
        asset = {"name": name, "category": category, "url": url, "resource_key": resource_key, "resource_type": resource_type}
        out.append({k: v for k, v in asset.items() if v is not None})
    return out


def check_draft_status(value: Any) -> str:
    if value is None:
        return PUBLISHED
    if not isinstance(value, str) or value not in DRAFT_STATUSES:
        raise AssetError(f"Invalid value for draft_status: {value!r} is not one of {list(DRAFT_STATUSES)}")
    return value


def rendered(monitor_id: int, assets: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Assets as Datadog answers them: with the monitor's id and (empty) template variables and options."""
    return [{"monitor_id": monitor_id, "name": a["name"], "category": a["category"], "url": a["url"],
             "template_variables": {}, "options": {},
             **{k: a[k] for k in ("resource_key", "resource_type") if k in a}} for a in assets]
