"""/api/v1/integration/webhooks/configuration/webhooks: Datadog's Webhooks integration, on the wire."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict

from recess.accounts.auth import require
from recess.accounts.permissions import MONITORS_READ, MONITORS_WRITE
from recess.accounts.store import Principal
from recess.core.application import services
from recess.core.db import Database
from recess.core.errors import ApiError, bad_request
from recess.core.limits import ShortText, Text
from recess.core.http import database, json as json_response
from recess.notifications import targets, webhooks
from recess.notifications.model import Webhook

router = APIRouter(prefix="/api/v1/integration/webhooks/configuration/webhooks", tags=["Webhooks Integration"])


class WebhookBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortText
    url: Text
    payload: Text | None = None
    custom_headers: Text | None = None
    encode_as: Literal["json", "form"] = "json"


class WebhookUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortText | None = None
    url: Text | None = None
    payload: Text | None = None
    custom_headers: Text | None = None
    encode_as: Literal["json", "form"] | None = None


async def allowed_targets(request: Request) -> targets.Allow:
    """The internal targets this app's operator allows webhooks to reach (RECESS_WEBHOOK_ALLOW).
    Async: a few microseconds of parsing need no worker thread."""
    return targets.parse_allow(services(request).settings.webhook_allow)


def _document(hook: Webhook) -> dict[str, Any]:
    return webhooks.values_of(hook)


@contextmanager
def _answers() -> Iterator[None]:
    """The service's refusals as Datadog's answers."""
    try:
        yield
    except webhooks.WebhookTaken as exc:
        raise ApiError(409, str(exc)) from None
    except webhooks.WebhookError as exc:
        raise bad_request(str(exc)) from None
    except webhooks.WebhookNotFound as exc:
        raise ApiError(404, str(exc)) from None


@router.post("", summary="Create a webhooks integration")
def create_webhook(body: WebhookBody, principal: Principal = Depends(require(MONITORS_WRITE)), db: Database = Depends(database),
                   allow: targets.Allow = Depends(allowed_targets)) -> Response:
    with _answers(), db.session() as session:
        return json_response(_document(webhooks.create(session, principal.org_id, body.model_dump(), allow)))


@router.get("/{webhook_name}", summary="Get a webhook integration")
def get_webhook(webhook_name: str, principal: Principal = Depends(require(MONITORS_READ)), db: Database = Depends(database)) -> Response:
    with _answers(), db.read() as session:
        return json_response(_document(webhooks.get(session, principal.org_id, webhook_name)))


@router.put("/{webhook_name}", summary="Update a webhook")
def update_webhook(
    webhook_name: str, body: WebhookUpdate, principal: Principal = Depends(require(MONITORS_WRITE)), db: Database = Depends(database),
    allow: targets.Allow = Depends(allowed_targets),
) -> Response:
    changes = {k: getattr(body, k) for k in body.model_fields_set}
    with _answers(), db.session() as session:
        return json_response(_document(webhooks.update(session, principal.org_id, webhook_name, changes, allow)))


@router.delete("/{webhook_name}", summary="Delete a webhook", status_code=200)
def delete_webhook(webhook_name: str, principal: Principal = Depends(require(MONITORS_WRITE)), db: Database = Depends(database)) -> Response:
    with _answers(), db.session() as session:
        webhooks.delete(session, principal.org_id, webhook_name)
    return Response(status_code=200)
