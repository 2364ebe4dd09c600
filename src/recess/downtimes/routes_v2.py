"""/api/v2/downtime: translate the wire to rules and store calls, one transaction a request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Response

from recess.accounts.auth import require
from recess.accounts.permissions import MONITORS_DOWNTIME
from recess.accounts import store as accounts
from recess.accounts.store import Principal
from recess.core import clock
from recess.core.db import Database, wake_after_commit
from recess.core.errors import ApiError, bad_request
from recess.core.params import uuid_id
from recess.core.limits import INT64_MAX
from recess.core.http import database, json, no_content
from recess.core.jsonapi import parse_include
from recess.downtimes import live, rules, service, store
from recess.downtimes import schemas_v2 as wire
from recess.downtimes.matches import downtime_index
from recess.downtimes.matching import DowntimeIndex
from recess.downtimes.model import Downtime as DowntimeRow
from recess.downtimes.rules import DowntimeError
from recess.monitors.store import by_ids as monitors_by_id
from recess.notifications.service import Notifier, notifier

router = APIRouter(prefix="/api/v2/downtime", tags=["Downtimes"])
can_downtime = require(MONITORS_DOWNTIME)
INCLUDES = ("created_by", "monitor")
DEFAULT_PAGE = 30


def _check_id(downtime_id: str) -> str:
    return uuid_id(downtime_id, "downtime_id", "Invalid URL param: downtime_id must be an uuid")


def _status(row: DowntimeRow, now: datetime) -> str:
    return rules.status(row.canceled, rules.schedule_of(row.start, row.end, row.timezone, row.recurrences), now)


def _documents(session: Any, rows: list[Any], now: datetime, include: set[str] | None,
               users: dict[int, Any] | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Resources for `rows`; with `include` not None, relationships and the included resources
    (the creators read from `session` unless given in `users`). Plain JSON values, not
    `Resource` models: building and dumping models was most of a create's rendering (the
    models in answers.py still describe these for /openapi.json)."""
    if users is None:
        users = accounts.users_by_id(session, {r.created_by for r in rows}) if include is not None else {}
    data: list[dict[str, Any]] = []
    included: dict[tuple[str, str | int], dict[str, Any]] = {}  # each once, in first-seen order
    for row in rows:
        doc = {"id": row.uuid, "type": "downtime", "attributes": wire.attributes(row, _status(row, now), now)}
        if include is not None:
            creator = users[row.created_by]
            doc["relationships"] = wire.relationships(row, creator.uuid)
            if "created_by" in include:
                included.setdefault(("users", creator.uuid), wire.user_document(creator))
        data.append(doc)
    if include and "monitor" in include:
        wanted = {r.monitor_id for r in rows if r.monitor_id is not None}
        for monitor in monitors_by_id(session, rows[0].org_id if rows else 0, wanted):
            included.setdefault(("monitors", monitor.id), wire.monitor_document(monitor.id, monitor.name))
    return data, list(included.values())


def _document(data: Any, included: list[dict[str, Any]], include: set[str] | None, **members: Any) -> dict[str, Any]:
    """A top-level document; `included` is a member whenever includes were asked for."""
    return {"data": data, **members, **({"included": included} if include is not None else {})}


def single(session: Any, row: Any, now: datetime, include: set[str] | None,
           users: dict[int, Any] | None = None) -> dict[str, Any]:
    data, included = _documents(session, [row], now, include, users)
    return _document(data[0], included, include)


@router.get("", summary="Get all downtimes")
def list_downtimes(
    current_only: bool = Query(False, description="Only return downtimes that are active when the request is made."),
    include: str | None = Query(None, description="Comma-separated: created_by, monitor."),
    page_offset: int = Query(0, alias="page[offset]", ge=0, le=INT64_MAX),
    page_limit: int = Query(DEFAULT_PAGE, alias="page[limit]", ge=1, le=1000),
    principal: Principal = Depends(can_downtime),
    db: Database = Depends(database),
    index: DowntimeIndex = Depends(downtime_index),
) -> Response:
    wanted = parse_include(include, INCLUDES)
    now = clock.now()
    with db.read() as session:
        if current_only:
            live.refresh(session, index, now)
            page = store.active_page(session, principal.org_id, now, page_offset, page_limit,
                                     index.recurring_active(principal.org_id, now))
            total = index.active_count(principal.org_id, now)
        else:
            live.refresh(session, index, now)
            page = store.page(session, principal.org_id, page_offset, page_limit)
            total = index.stored_count(principal.org_id)
        rows = list(page)
        data, included = _documents(session, rows, now, wanted or None)
    return json(_document(data, included, wanted or None, meta={"page": {"total_filtered_count": total}}))


@router.post("", summary="Schedule a downtime", status_code=200)
def create_downtime(
    request: wire.CreateRequest, principal: Principal = Depends(can_downtime), db: Database = Depends(database)
) -> Response:
    now = clock.now()
    try:
        fields = rules.create(wire.provided(request.data.attributes), now)
    except DowntimeError as exc:
        raise bad_request(str(exc)) from None
    with db.session() as session:
        row = store.insert(session, principal.org_id, principal.user_id, fields, now, api_version=2)
        body = single(session, row, now, {"created_by"})
    service.wake_for_end(db, row)
    return json(body)


@router.get("/{downtime_id:id}", summary="Get a downtime")
async def get_downtime(
    downtime_id: str,
    include: str | None = Query(None, description="Comma-separated: created_by, monitor."),
    principal: Principal = Depends(can_downtime),
    db: Database = Depends(database),
) -> Response:
    downtime_id = _check_id(downtime_id)
    wanted = parse_include(include, INCLUDES)
    now = clock.now()
    with db.read() as session:
        row = store.by_uuid(session, principal.org_id, downtime_id)
        if row is None:
            raise ApiError(404, "Downtime not found")
        return json(single(session, row, now, wanted or None))


@router.patch("/{downtime_id:id}", summary="Update a downtime")
def update_downtime(
    downtime_id: str, request: wire.UpdateRequest, principal: Principal = Depends(can_downtime), db: Database = Depends(database)
) -> Response:
    downtime_id = _check_id(downtime_id)
    if request.data.id.lower() != downtime_id:
        raise bad_request(f"data.id {request.data.id!r} does not match the downtime_id in the URL")
    now = clock.now()
    with db.session() as session:
        row = store.by_uuid(session, principal.org_id, downtime_id, for_update=True)
        if row is None:
            raise ApiError(404, "Downtime not found")
        if row.canceled is not None:
            raise bad_request(f"Downtime {downtime_id} is canceled and cannot be updated")
        try:
            fields = rules.update(store.fields_of(row), wire.provided(request.data.attributes), now)
        except DowntimeError as exc:
            raise bad_request(str(exc)) from None
        store.write(row, fields, principal.user_id, now)
        wake_after_commit(session, "scheduler", row.ends_next)  # its end may have moved
        return json(single(session, row, now, {"created_by"}))


@router.delete("/{downtime_id:id}", summary="Cancel a downtime", status_code=204, response_class=Response)
def cancel_downtime(
    downtime_id: str, principal: Principal = Depends(can_downtime), db: Database = Depends(database),
    notifier_: Notifier = Depends(notifier),
) -> Response:
    downtime_id = _check_id(downtime_id)
    with db.session() as session:
        row = store.by_uuid(session, principal.org_id, downtime_id, for_update=True)
        if row is None:
            raise ApiError(404, f"Downtime {downtime_id} not found")
        service.cancel(session, notifier_, row, principal.user_id, clock.now())
    db.wake("delivery")
    return no_content()
