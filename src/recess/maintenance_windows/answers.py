"""What the maintenance window routes answer, for `/openapi.json` (see `recess.core.openapi.Answer`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from recess.core.openapi import UUID, Answer
from recess.maintenance_windows import routes


class WindowAttributesAnswer(BaseModel):
    name: str
    query: str
    start_at: str
    end_at: str
    created_by: str | None
    updated_by: str | None


class WindowAnswer(BaseModel):
    id: str
    type: Literal["maintenance_window"]
    attributes: WindowAttributesAnswer


class WindowDocument(BaseModel):
    data: WindowAnswer


class WindowListDocument(BaseModel):
    data: list[WindowAnswer]


WINDOW = {"maintenance_window_id": UUID}

answers = {
    routes.list_windows: Answer(WindowListDocument),
    routes.create_window: Answer(WindowDocument),
    routes.update_window: Answer(WindowDocument, WINDOW),
    routes.delete_window: Answer(None, WINDOW),
}
