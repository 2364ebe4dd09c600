"""What the webhook and event routes answer, for `/openapi.json` (see `recess.core.openapi.Answer`)."""

from __future__ import annotations

from pydantic import BaseModel

from recess.core.openapi import INT64, Answer
from recess.notifications import events, routes_webhooks


class WebhookAnswer(BaseModel):
    name: str
    url: str
    payload: str | None
    custom_headers: str | None
    encode_as: str


class EventAnswer(BaseModel):
    """A monitor alert event; recess adds how its notification was handled (`muted`, `muted_by`…)."""

    id: int
    id_str: str
    title: str
    text: str
    date_happened: int
    priority: str
    host: str | None
    device_name: str | None
    tags: list[str]
    alert_type: str
    source_type_name: str
    url: str
    monitor_id: int | None
    monitor_group: str | None
    alert_transition: str | None
    muted: bool
    muted_by: list[str]


class EventListAnswer(BaseModel):
    events: list[EventAnswer]
    status: str


class EventOneAnswer(BaseModel):
    event: EventAnswer
    status: str


answers = {
    routes_webhooks.create_webhook: Answer(WebhookAnswer),
    routes_webhooks.get_webhook: Answer(WebhookAnswer),
    routes_webhooks.update_webhook: Answer(WebhookAnswer),
    routes_webhooks.delete_webhook: Answer(None),
    events.list_events: Answer(EventListAnswer),
    events.get_event: Answer(EventOneAnswer, {"event_id": INT64}),
}
