"""What the monitor routes answer, for `/openapi.json` (see `recess.core.openapi.Answer`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from recess.core.openapi import INT64, Answer
from recess.monitors import routes, routes_search


class CreatorAnswer(BaseModel):
    id: int
    name: str | None
    handle: str
    email: str


class MonitorAnswer(BaseModel):
    """A v1 monitor (`state` with `group_states`, `matching_downtimes` with `with_downtimes`)."""

    id: int
    org_id: int
    type: str
    name: str
    message: str
    tags: list[str]
    query: str
    options: dict[str, Any]
    multi: bool
    priority: int | None
    created_at: int
    created: str
    modified: str
    deleted: str | None
    restricted_roles: list[str] | None
    overall_state: str | None
    overall_state_modified: str | None
    creator: CreatorAnswer
    state: dict[str, Any] | None = None
    matching_downtimes: list[dict[str, Any]] | None = None


class DeletedMonitorAnswer(BaseModel):
    deleted_monitor_id: int


class CheckRunAnswer(BaseModel):
    status: str


class StateAnswer(BaseModel):
    monitor_id: int
    overall_state: str | None
    groups: dict[str, dict[str, Any]]


class HistoryAnswer(BaseModel):
    data: list[dict[str, Any]]  # group, from, to, at, tags, cause


class NotificationsAnswer(BaseModel):
    data: list[dict[str, Any]]  # each notification, muted or not, with its deliveries


class MonitorSearchAnswer(BaseModel):
    counts: dict[str, Any]  # by status, muted, type, tag
    monitors: list[dict[str, Any]]
    metadata: dict[str, Any]  # page, page_count, per_page, total_count


class GroupSearchAnswer(BaseModel):
    counts: dict[str, Any]
    groups: list[dict[str, Any]]
    metadata: dict[str, Any]


class CanDeleteData(BaseModel):
    ok: bool


class CanDeleteAnswer(BaseModel):
    """`errors`: for each monitor that cannot be deleted, what refers to it (409), else null."""

    data: CanDeleteData
    errors: dict[str, list[str]] | None


class EmptyAnswer(BaseModel):
    """`{}`: the monitor is valid."""


MONITOR = {"monitor_id": INT64}

answers = {
    routes.create_monitor: Answer(MonitorAnswer),
    routes.list_monitors: Answer(list[MonitorAnswer]),
    routes.get_monitor: Answer(MonitorAnswer, MONITOR),
    routes.update_monitor: Answer(MonitorAnswer, MONITOR),
    routes.delete_monitor: Answer(DeletedMonitorAnswer, MONITOR),
    routes.submit_check_run: Answer(CheckRunAnswer),
    routes.report_state: Answer(StateAnswer, MONITOR),
    routes.state_history: Answer(HistoryAnswer, MONITOR),
    routes.monitor_notifications: Answer(NotificationsAnswer, MONITOR),
    routes_search.validate_monitor: Answer(EmptyAnswer),
    routes_search.validate_existing_monitor: Answer(EmptyAnswer, MONITOR),
    routes_search.search_monitors: Answer(MonitorSearchAnswer),
    routes_search.search_monitor_groups: Answer(GroupSearchAnswer),
    routes_search.check_can_delete: Answer(CanDeleteAnswer, others={"409": ("A monitor cannot be deleted", CanDeleteAnswer)}),
}
