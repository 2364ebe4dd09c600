"""/api/v1/integration/webhooks/configuration/webhooks: Datadog's Webhooks integration."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, StrictStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from recess.accounts.auth import require
from recess.accounts.permissions import MONITORS_READ, MONITORS_WRITE
from recess.accounts.store import Principal
from recess.core.db import Database
from recess.core.errors import ApiError, bad_request
from recess.core.http import database, json as json_response
from recess.notifications import templates
from recess.notifications.model import Webhook

router = APIRouter(prefix="/api/v1/integration/webhooks/configuration/webhooks", tags=["Webhooks Integration"])
_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,200}$")


class WebhookBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr
    url: StrictStr
    payload: StrictStr | None = None
    custom_headers: StrictStr | None = None
    encode_as: Literal["json", "form"] = "json"


class WebhookUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr | None = None
    url: StrictStr | None = None
    payload: StrictStr | None = None
    custom_headers: StrictStr | None = None
    encode_as: Literal["json", "form"] | None = None


def _check(values: dict[str, Any]) -> None:
    if "name" in values and not _NAME.match(values["name"] or ""):
        raise bad_request("Invalid webhook name: use letters, digits, '_' and '-' only")
    if "url" in values and not re.match(r"^https?://\S+$", values["url"] or ""):
        raise bad_request("Invalid webhook url: it must be an http or https URL")
    try:
        templates.parse_headers(values.get("custom_headers"))
    except ValueError as exc:
        raise bad_request(f"Invalid custom_headers: {exc}") from None
    payload = values.get("payload")
    if payload and values.get("encode_as", "json") == "json":
        try:
            json.loads(re.sub(r"\$[A-Z][A-Z0-9_]*", "x", payload))
        except ValueError as exc:
            raise bad_request(f"Invalid payload: it must be JSON once $VARIABLES are replaced ({exc})") from None


def _document(hook: Webhook) -> dict[str, Any]:
    return {"name": hook.name, "url": hook.url, "payload": hook.payload, "custom_headers": hook.custom_headers, "encode_as": hook.encode_as}


def _get(session: Session, org_id: int, name: str) -> Webhook:
    hook = session.scalar(select(Webhook).where(Webhook.org_id == org_id, Webhook.name == name))
    if hook is None:
        raise ApiError(404, f"Webhook {name} not found")
    return hook


@router.post("", summary="Create a webhooks integration")
def create_webhook(body: WebhookBody, principal: Principal = Depends(require(MONITORS_WRITE)), db: Database = Depends(database)) -> Response:
    values = body.model_dump()
    _check(values)
    with db.session() as session:
        if session.scalar(select(Webhook.id).where(Webhook.org_id == principal.org_id, Webhook.name == body.name)) is not None:
            raise bad_request(f"Webhook {body.name} already exists")
        hook = Webhook(org_id=principal.org_id, **values)
        session.add(hook)
        return json_response(_document(hook))


@router.get("/{webhook_name}", summary="Get a webhook integration")
def get_webhook(webhook_name: str, principal: Principal = Depends(require(MONITORS_READ)), db: Database = Depends(database)) -> Response:
    with db.read() as session:
        return json_response(_document(_get(session, principal.org_id, webhook_name)))


@router.put("/{webhook_name}", summary="Update a webhook")
def update_webhook(
    webhook_name: str, body: WebhookUpdate, principal: Principal = Depends(require(MONITORS_WRITE)), db: Database = Depends(database)
) -> Response:
    changes = {k: getattr(body, k) for k in body.model_fields_set}
    with db.session() as session:
        hook = _get(session, principal.org_id, webhook_name)
        merged = {**_document(hook), **changes}
        _check(merged)
        if merged["name"] != hook.name and session.scalar(
            select(Webhook.id).where(Webhook.org_id == principal.org_id, Webhook.name == merged["name"])
        ) is not None:
            raise bad_request(f"Webhook {merged['name']} already exists")
        for key, value in changes.items():
            setattr(hook, key, value if key != "encode_as" or value is not None else hook.encode_as)
        return json_response(_document(hook))


@router.delete("/{webhook_name}", summary="Delete a webhook", status_code=200)
def delete_webhook(webhook_name: str, principal: Principal = Depends(require(MONITORS_WRITE)), db: Database = Depends(database)) -> Response:
    with db.session() as session:
        session.delete(_get(session, principal.org_id, webhook_name))
    return Response(status_code=200)
