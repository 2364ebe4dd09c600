"""What every status page route shares: permissions, JSON:API answers, ids, include=."""

from __future__ import annotations

from typing import Any

from fastapi import Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from recess.accounts.auth import require
from recess.accounts.permissions import STATUS_PAGES_INCIDENT_WRITE, STATUS_PAGES_SETTINGS_READ, STATUS_PAGES_SETTINGS_WRITE
from recess.core.errors import ApiError
from recess.core.ids import is_uuid
from recess.statuspages import rules, store, views
from recess.statuspages.model import StatusPage

PREFIX = "/api/v2/statuspages"


can_read = require(STATUS_PAGES_SETTINGS_READ)
can_write_settings = require(STATUS_PAGES_SETTINGS_WRITE)
can_write_incidents = require(STATUS_PAGES_INCIDENT_WRITE)


def doc(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type="application/vnd.api+json")


def no_content() -> Response:
    return Response(status_code=204)


def uuid_param(value: str, name: str) -> str:
    if not is_uuid(value):
        raise ApiError(400, f"{name} must be a UUID")
    return value.lower()


def page_or_404(session: Session, org_id: int, page_id: str) -> StatusPage:
    found = store.page(session, org_id, uuid_param(page_id, "page_id"))
    if found is None:
        raise ApiError(404, "status page not found")
    return found


def includes(text: str | None, allowed: tuple[str, ...]) -> set[str]:
    wanted = {p.strip() for p in (text or "").split(",") if p.strip()}
    unknown = sorted(wanted - set(allowed))
    if unknown:
        raise ApiError(400, f"invalid include value {unknown[0]!r}: supported values are {', '.join(allowed)}")
    return wanted


def included(session: Session, data: list[dict[str, Any]], wanted: set[str]) -> list[dict[str, Any]]:
    """The users and status pages that `data`'s relationships point at, as asked."""
    if not wanted:
        return []
    user_ids: list[str] = []
    page_ids: list[str] = []
    for item in data:
        rel = item.get("relationships", {})
        for name in ("created_by_user", "last_modified_by_user"):
            if name in wanted and rel.get(name, {}).get("data"):
                user_ids.append(rel[name]["data"]["id"])
        if "status_page" in wanted and rel.get("status_page", {}).get("data"):
            page_ids.append(rel["status_page"]["data"]["id"])
    out = [views.user_included(u) for u in store.users_by_uuid(session, user_ids).values()]
    for page_id in dict.fromkeys(page_ids):
        page = session.get(StatusPage, page_id)
        if page is not None:
            out.append({"type": "status_pages", "id": page.id, "attributes": views.page_attributes(page, tree(session, page))})
    return out


def tree(session: Session, page: StatusPage) -> list[dict[str, Any]]:
    statuses = store_statuses(session, [page.id])
    return views.component_tree(store.components(session, [page.id]), statuses)


def store_statuses(session: Session, page_ids: list[str]) -> dict[str, str]:
    affected = store.open_affected(session, page_ids)
    return rules.component_statuses(item for items in affected.values() for item in items)


def component_names(session: Session, page_ids: list[str]) -> dict[str, str]:
    return {c.id: c.name for c in store.components(session, page_ids)}
