"""/api/v1/monitor/search, /groups/search, /can_delete and /validate: the monitor API's
sub-paths beside the monitor ids. The work is done by `service_search`, `service` and `rules`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Response

from recess.accounts.store import Principal
from recess.core import clock
from recess.core.db import Database
from recess.core.errors import ApiError, bad_request
from recess.core.http import database, json
from recess.monitors import rules, schemas_search, search, service, service_search, store
from recess.monitors import schemas as wire
from recess.monitors.references import References
from recess.monitors.routes import can_read, get_or_404, monitor_id_of, muter, references
from recess.monitors.rules import MonitorError
from recess.notifications.muter import Muter

router = APIRouter(tags=["Monitors"])


def _search(db: Database, muter_: Muter, org_id: int, query: str | None, page: str | None, per_page: str | None,
            sort: str | None, *, by_group: bool) -> service_search.Results:
    try:
        how = search.paging(page, per_page, sort)
        with db.read() as session:
            return service_search.find(session, muter_, org_id, query, how, clock.now(), by_group=by_group)
    except search.SearchError as exc:
        raise bad_request(str(exc)) from None


@router.get("/api/v1/monitor/search", summary="Monitors search")
def search_monitors(
    query: str | None = Query(None), page: str | None = Query(None), per_page: str | None = Query(None),
    sort: str | None = Query(None), principal: Principal = Depends(can_read), db: Database = Depends(database),
    muter_: Muter = Depends(muter),
) -> Response:
    return json(schemas_search.monitors(_search(db, muter_, principal.org_id, query, page, per_page, sort, by_group=False)))


@router.get("/api/v1/monitor/groups/search", summary="Monitors group search")
def search_monitor_groups(
    query: str | None = Query(None), page: str | None = Query(None), per_page: str | None = Query(None),
    sort: str | None = Query(None), principal: Principal = Depends(can_read), db: Database = Depends(database),
    muter_: Muter = Depends(muter),
) -> Response:
    return json(schemas_search.groups(_search(db, muter_, principal.org_id, query, page, per_page, sort, by_group=True)))


def _ids(text: str | None) -> list[int]:
    if text is None or not text.strip():
        raise bad_request("Missing required query parameter: monitor_ids")
    ids = []
    for part in text.split(","):
        try:
            ids.append(monitor_id_of(part.strip()))
        except ApiError:
            raise bad_request(f"Invalid value for monitor_ids: {part.strip()!r} is not a monitor id") from None
    return ids


@router.get("/api/v1/monitor/can_delete", summary="Check if a monitor can be deleted")
def check_can_delete(
    monitor_ids: str | None = Query(None), principal: Principal = Depends(can_read), db: Database = Depends(database),
    references_: References = Depends(references),
) -> Response:
    """200 when every monitor can be deleted; 409 with `errors` naming what refers to the others."""
    wanted = _ids(monitor_ids)
    with db.read() as session:
        ok, named, missing = service.blockers(session, references_, principal.org_id, wanted, clock.now())
    if missing:
        raise ApiError(404, f"Monitor {missing[0]} not found")
    errors = {str(i): named[i] for i in wanted if i in named} or None
    return json({"data": {"ok": ok}, "errors": errors}, status=409 if errors else 200)


@router.post("/api/v1/monitor/validate", summary="Validate a monitor")
def validate_monitor(body: wire.MonitorBody, principal: Principal = Depends(can_read)) -> Response:
    """200 `{}` when the body would make a valid monitor; otherwise the 400 create would answer."""
    try:
        rules.create(body.given())
    except MonitorError as exc:
        raise bad_request(str(exc)) from None
    return json({})


@router.post("/api/v1/monitor/{monitor_id:id}/validate", summary="Validate an existing monitor")
def validate_existing_monitor(
    monitor_id: str, body: wire.MonitorBody, principal: Principal = Depends(can_read), db: Database = Depends(database),
) -> Response:
    """200 `{}` when the body is a valid edit of the monitor; otherwise the 400 edit would answer."""
    with db.read() as session:
        previous = store.fields_of(get_or_404(session, principal.org_id, monitor_id_of(monitor_id)))
    try:
        rules.update(previous, body.given())
    except MonitorError as exc:
        raise bad_request(str(exc)) from None
    return json({})
