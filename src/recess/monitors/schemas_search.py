"""Monitor search and group search results on the wire, with the keys Datadog answers."""

from __future__ import annotations

from typing import Any

from recess.core.timefmt import posix
from recess.monitors import queries
from recess.monitors.service_search import Found, Results


def _notifications(message: str) -> list[dict[str, str]]:
    return [{"handle": h, "name": h} for h in queries.handles(message)]


def monitor_result(found: Found) -> dict[str, Any]:
    m, creator = found.monitor, found.creator
    return {
        "status": m.overall_state, "scopes": queries.scopes(m.type, m.query), "classification": found.item.classification,
        "creator": {"handle": creator.email, "id": creator.id, "name": creator.name},
        "metrics": queries.metrics(m.type, m.query), "notifications": _notifications(m.message),
        "muted_until_ts": found.muting.until if found.muting.muted else None, "query": m.query, "id": m.id,
        "last_triggered_ts": found.last_triggered, "name": m.name, "tags": list(m.tags), "org_id": m.org_id,
        "priority": m.priority, "overall_state_modified": posix(m.overall_state_modified), "restricted_roles": [],
        "type": m.type, "muted": found.muting.muted,
    }


def group_result(found: Found, now_posix: int) -> dict[str, Any]:
    m, group = found.monitor, found.group
    assert group is not None
    until = found.muting.until if found.muting.muted else None
    return {
        "status": group.status, "last_nodata_ts": posix(group.last_nodata_at) or 0,
        "env_tags": [t.split(":", 1)[1] for t in m.tags if t.startswith("env:")],
        "muted_remaining": max(until - now_posix, 0) if until is not None else None, "muted_until_ts": until,
        "all_tags": list(m.tags), "monitor_name": m.name,
        "team_tags": [t.split(":", 1)[1] for t in m.tags if t.startswith("team:")],
        "last_triggered_ts": found.last_triggered or 0, "group": group.name, "monitor_id": m.id,
        "priority": m.priority, "muted": found.muting.muted, "group_tags": list(group.tags),
    }


def monitors(results: Results) -> dict[str, Any]:
    return {"counts": results.counts, "monitors": [monitor_result(f) for f in results.found], "metadata": results.metadata}


def groups(results: Results) -> dict[str, Any]:
    now = int(results.now.timestamp())
    return {"counts": results.counts, "groups": [group_result(f, now) for f in results.found], "metadata": results.metadata}
