"""Monitors on the wire (v1): request bodies and the monitor object."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from recess.core.limits import GROUP_REPORTS, Int64, Name, PosixSeconds, ShortText, Tags, Text
from recess.core.timefmt import iso_micro, posix
from recess.monitors import assets
from recess.monitors.model import Monitor, MonitorGroup

_DEFAULT_OPTIONS: dict[str, Any] = {
    "notify_no_data": False, "no_data_timeframe": None, "renotify_interval": None, "notify_audit": False,
    "include_tags": True, "new_host_delay": 300,
}


class MonitorBody(BaseModel):
    """Create/edit body. Clients send read-only fields back (id, state, creator…): ignored."""

    model_config = ConfigDict(extra="ignore")

    name: Name | None = None
    type: ShortText | None = None
    query: Text | None = None
    message: Text | None = None
    tags: Tags | None = None
    options: dict[str, Any] | None = None
    priority: Int64 | None = None
    assets: Any = None  # checked by rules (monitors.assets), in Datadog's words
    draft_status: Any = None

    def given(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.model_fields_set}


class CheckRunBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    check: Annotated[StrictStr, Field(max_length=200)]  # as the column holds it
    host_name: Annotated[StrictStr, Field(max_length=255)] | None = None  # a DNS name's most, and the column's
    status: StrictInt
    tags: Tags | None = None
    timestamp: PosixSeconds | None = None
    message: Text | None = None


class GroupReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    status: ShortText
    tags: Tags | None = None


class StateReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    groups: list[GroupReport] = Field(max_length=GROUP_REPORTS)


def group_state(group: MonitorGroup) -> dict[str, Any]:
    out: dict[str, Any] = {"name": group.name, "status": group.status}
    for key, value in (
        ("last_triggered_ts", group.last_triggered_at), ("last_resolved_ts", group.last_resolved_at),
        ("last_nodata_ts", group.last_nodata_at),
    ):
        if value is not None:
            out[key] = posix(value)
    return out


def document(
    monitor: Monitor, creator: Any, *, silenced: dict[str, int | None], matching: list[dict[str, Any]] | None = None,
    groups: list[MonitorGroup] | None = None,
) -> dict[str, Any]:
    options = {**_DEFAULT_OPTIONS, **monitor.options, "silenced": silenced}
    doc: dict[str, Any] = {
        "id": monitor.id,
        "org_id": monitor.org_id,
        "type": monitor.type,
        "name": monitor.name,
        "message": monitor.message,
        "tags": list(monitor.tags),
        "query": monitor.query,
        "options": options,
        "multi": " by " in monitor.query or ".by(" in monitor.query,
        "created_at": int(monitor.created.timestamp() * 1000),
        "created": iso_micro(monitor.created),
        "modified": iso_micro(monitor.modified),
        "deleted": iso_micro(monitor.deleted),
        "restricted_roles": None,
        "priority": monitor.priority,
        "draft_status": monitor.draft_status,
        "assets": assets.rendered(monitor.id, monitor.assets),
        "overall_state_modified": iso_micro(monitor.overall_state_modified),
        "overall_state": monitor.overall_state,
        "creator": {"name": creator.name, "handle": creator.email, "email": creator.email, "id": creator.id},
    }
    if matching is not None:
        doc["matching_downtimes"] = matching
    if groups is not None:
        doc["state"] = {"groups": {g.name: group_state(g) for g in groups}}
    return doc
