"""What the downtime routes answer, for `/openapi.json` (see `recess.core.openapi.Answer`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from recess.core.answers import PageMeta, RelationshipAnswer, ResourceAnswer
from recess.core.openapi import INT64, POSITIVE_INT64, UUID, Answer
from recess.downtimes import routes_matches, routes_v1, routes_v2


class DowntimeV1Answer(BaseModel):
    """A v1 downtime (or one occurrence of a recurring one)."""

    id: int
    uuid: str
    org_id: int
    monitor_id: int | None
    monitor_tags: list[str]
    scope: list[str]
    start: int | None
    end: int | None
    canceled: int | None
    created: int
    modified: int
    message: str | None
    active: bool
    disabled: bool
    recurrence: dict[str, Any] | None
    timezone: str | None
    parent_id: int | None
    child_id: int | None
    creator_id: int | None
    updater_id: int | None
    downtime_type: int
    status: str | None
    mute_first_recovery_notification: bool
    notify_end_types: list[str]
    notify_end_states: list[str]


class CanceledV1Answer(BaseModel):
    cancelled_ids: list[int]


class DowntimeAttributesAnswer(BaseModel):
    scope: str
    monitor_identifier: dict[str, Any]  # {"monitor_id": n} or {"monitor_tags": [...]}
    schedule: dict[str, Any] | None  # one-time {start, end}, or {current_downtime, recurrences, timezone}
    status: str
    display_timezone: str | None
    message: str | None
    mute_first_recovery_notification: bool
    notify_end_states: list[str]
    notify_end_types: list[str]
    created: str
    modified: str
    canceled: str | None


class DowntimeResourceAnswer(BaseModel):
    id: str
    type: Literal["downtime"]
    attributes: DowntimeAttributesAnswer
    relationships: dict[str, RelationshipAnswer] | None = None


class DowntimeDocument(BaseModel):
    data: DowntimeResourceAnswer
    included: list[ResourceAnswer] | None = None


class DowntimeListDocument(BaseModel):
    data: list[DowntimeResourceAnswer]
    meta: PageMeta
    included: list[ResourceAnswer] | None = None


class MatchAttributesAnswer(BaseModel):
    scope: str | None
    groups: list[str]
    start: str | None
    end: str | None


class MatchAnswer(BaseModel):
    id: str
    type: Literal["downtime_match"]
    attributes: MatchAttributesAnswer


class MatchListDocument(BaseModel):
    data: list[MatchAnswer]
    meta: PageMeta


class PreviewMonitorAnswer(BaseModel):
    id: str | int
    type: str
    attributes: dict[str, Any]  # monitor_id, monitor_name, groups


class PreviewDocument(BaseModel):
    data: list[PreviewMonitorAnswer]
    meta: dict[str, Any]  # page.total_filtered_count, and schedule: when the downtime would be active


V1_ID = {"downtime_id": POSITIVE_INT64}
V2_ID = {"downtime_id": UUID}
MONITOR = {"monitor_id": INT64}

answers = {
    routes_v1.list_downtimes: Answer(list[DowntimeV1Answer]),
    routes_v1.create_downtime: Answer(DowntimeV1Answer),
    routes_v1.get_downtime: Answer(DowntimeV1Answer, V1_ID),
    routes_v1.update_downtime: Answer(DowntimeV1Answer, V1_ID),
    routes_v1.cancel_downtime: Answer(None, V1_ID),
    routes_v1.cancel_by_scope: Answer(CanceledV1Answer),
    routes_v2.list_downtimes: Answer(DowntimeListDocument),
    routes_v2.create_downtime: Answer(DowntimeDocument),
    routes_v2.get_downtime: Answer(DowntimeDocument, V2_ID),
    routes_v2.update_downtime: Answer(DowntimeDocument, V2_ID),
    routes_v2.cancel_downtime: Answer(None, V2_ID),
    routes_matches.downtime_matches: Answer(MatchListDocument, MONITOR),
    routes_matches.monitor_downtimes: Answer(list[DowntimeV1Answer], MONITOR),
    routes_matches.preview: Answer(PreviewDocument),
}
