"""The page as Atlassian Statuspage's public API v2 shows one (pure: a snapshot in, dicts out).

Why: status aggregators, widgets and chat bots already read `…/api/v2/summary.json` of
Statuspage pages; answering the same paths with the same field names lets them read recess pages
unchanged. Statuspage's words are used where recess's differ: component statuses
`degraded_performance` and `under_maintenance`, an incident's `impact` from the worst status it
gives a component, maintenance statuses scheduled/in_progress/completed (canceled maintenances
never happened, so they are left out, as Statuspage leaves them out of its lists). Times are
UTC with milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from recess.statuspages import rules
from recess.statuspages.feeds import event_url
from recess.statuspages.snapshot import Affected, Entry, Event, Node, Snapshot

LIMIT = 50
COMPONENT_STATUS = {"degraded": "degraded_performance", "maintenance": "under_maintenance"}
IMPACT = {"major_outage": "critical", "partial_outage": "major", "degraded": "minor"}
INDICATOR = {  # worst component status -> (indicator, description)
    "operational": ("none", "All Systems Operational"),
    "maintenance": ("maintenance", "Service Under Maintenance"),
    "degraded": ("minor", "Partially Degraded Service"),
    "partial_outage": ("major", "Partial System Outage"),
    "major_outage": ("critical", "Major System Outage"),
}

Json = dict[str, Any]


def stamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def page(snap: Snapshot) -> Json:
    return {"id": snap.id, "name": snap.name, "url": snap.url, "time_zone": "Etc/UTC", "updated_at": stamp(snap.updated_at)}


def _component(snap: Snapshot, node: Node, position: int) -> Json:
    out: Json = {
        "id": node.id, "name": node.name, "status": _wire(node.status),
        "created_at": stamp(node.created_at), "updated_at": stamp(node.modified_at), "position": position,
        "description": None, "showcase": True, "start_date": node.created_at.date().isoformat(), "group_id": node.group_id,
        "page_id": snap.id, "group": node.type == "group", "only_show_if_degraded": False,
    }
    if node.type == "group":
        out["components"] = [c.id for c in node.children]
    return out


def components(snap: Snapshot) -> list[Json]:
    """Every component and group, groups before their components, positions from 1 as shown."""
    ordered = [n for top in snap.components for n in (top, *top.children)]
    return [_component(snap, n, i) for i, n in enumerate(ordered, start=1)]


def _wire(status: str) -> str:
    return COMPONENT_STATUS.get(status, status)


def _affected(entry: Entry, before: dict[str, str]) -> list[Json]:
    return [{"code": a.id, "name": a.name, "old_status": _wire(before.get(a.id, "operational")), "new_status": _wire(a.status)}
            for a in entry.components]


def _updates(event: Event) -> list[Json]:
    out = []
    before: dict[str, str] = {}
    for entry in event.updates:
        out.append({"id": entry.id, "status": entry.status, "body": entry.description, "incident_id": event.id,
                    "created_at": stamp(entry.created_at), "updated_at": stamp(entry.modified_at),
                    "display_at": stamp(entry.started_at), "affected_components": _affected(entry, before) or None,
                    "deliver_notifications": True, "custom_tweet": None, "tweet_id": None})
        before = {a.id: a.status for a in entry.components}
    return list(reversed(out))


def impact(event: Event) -> str:
    if event.kind == "maintenance":
        return "maintenance"
    return IMPACT.get(rules.worst(a.status for u in event.updates for a in u.components), "none")


def _first_at(event: Event, status: str) -> datetime | None:
    return next((u.started_at for u in event.updates if u.status == status), None)


def incident(snap: Snapshot, event: Event) -> Json:
    nodes = {n.id: n for n in snap.leaves()}
    touched: dict[str, Affected] = {a.id: a for u in event.updates for a in u.components}
    ordered = [n for n in nodes.values() if n.id in touched]
    positions = {c["id"]: c["position"] for c in components(snap)}
    out: Json = {
        "id": event.id, "name": event.title, "status": event.status, "created_at": stamp(event.created_at),
        "updated_at": stamp(event.modified_at), "monitoring_at": stamp(_first_at(event, "monitoring")),
        "resolved_at": stamp(_first_at(event, "resolved" if event.kind == "incident" else "completed")),
        "impact": impact(event), "shortlink": event_url(snap, event), "started_at": stamp(event.began),
        "page_id": snap.id, "incident_updates": _updates(event),
        "components": [_component(snap, n, positions[n.id]) for n in ordered],
    }
    if event.kind == "maintenance":
        out |= {"scheduled_for": stamp(event.start), "scheduled_until": stamp(event.end)}
    return out


def _newest(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.created_at, e.id), reverse=True)[:LIMIT]


def status(snap: Snapshot) -> Json:
    indicator, description = INDICATOR[rules.worst(leaf.status for leaf in snap.leaves())]
    return {"indicator": indicator, "description": description}


def answer(snap: Snapshot, name: str) -> Json | None:
    """The document at `api/v2/{name}.json`, or None when there is no such document."""
    maintenances = [e for e in snap.maintenances if e.status != "canceled"]
    upcoming = sorted((e for e in maintenances if e.status == "scheduled"), key=lambda e: (e.began, e.id))
    active = [e for e in maintenances if e.status == "in_progress"]
    unresolved = [e for e in snap.incidents if e.is_open]
    lists: dict[str, tuple[str, list[Event]]] = {
        "incidents": ("incidents", _newest(snap.incidents)),
        "incidents/unresolved": ("incidents", _newest(unresolved)),
        "scheduled-maintenances": ("scheduled_maintenances", _newest(maintenances)),
        "scheduled-maintenances/upcoming": ("scheduled_maintenances", upcoming),
        "scheduled-maintenances/active": ("scheduled_maintenances", active),
    }
    if name in lists:
        key, events = lists[name]
        return {"page": page(snap), key: [incident(snap, e) for e in events]}
    if name == "components":
        return {"page": page(snap), "components": components(snap)}
    if name == "status":
        return {"page": page(snap), "status": status(snap)}
    if name == "summary":
        return {"page": page(snap), "components": components(snap), "incidents": [incident(snap, e) for e in _newest(unresolved)],
                "scheduled_maintenances": [incident(snap, e) for e in active + upcoming], "status": status(snap)}
    return None
