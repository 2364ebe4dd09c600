"""Which downtimes match a monitor: v2 downtime_matches, v1 monitor downtimes, and a preview."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Response

from recess.accounts.auth import require
from recess.accounts.permissions import MONITORS_DOWNTIME, MONITORS_READ
from recess.accounts.store import Principal
from recess.core import clock
from recess.core.db import Database
from recess.core.errors import ApiError, bad_request
from recess.core.jsonapi import Document, Resource
from recess.core.limits import INT64_MAX
from recess.core.http import database, json, render
from recess.core.schedule import state_at
from recess.core.params import int_id
from recess.core.timefmt import iso_micro
from recess.downtimes import rules, service_v1, store
from recess.downtimes import schemas_v2 as wire
from recess.downtimes.matches import Found, MonitorMatches, monitor_matches
from recess.downtimes.matching import Entry, group_of, monitor_tag_set
from recess.downtimes.rules import DowntimeError
from recess.monitors import store as monitors

router = APIRouter(tags=["Downtimes"])


def _monitor_id(text: str) -> int:
    return int_id(text, "monitor_id")


@router.get("/api/v2/monitor/{monitor_id:id}/downtime_matches", summary="Get active downtimes for a monitor")
def downtime_matches(
    monitor_id: str,
    page_offset: int = Query(0, alias="page[offset]", ge=0, le=INT64_MAX),
    page_limit: int = Query(30, alias="page[limit]", ge=1, le=1000),
    principal: Principal = Depends(require(MONITORS_DOWNTIME)),
    db: Database = Depends(database),
    matches: MonitorMatches = Depends(monitor_matches),
) -> Response:
    wanted = _monitor_id(monitor_id)
    now = clock.now()
    with db.read() as session:
        monitor = monitors.ref(session, principal.org_id, wanted)
        if monitor is None:
            raise ApiError(404, f"Monitor with id {wanted} not found")
        found = matches.of(session, monitor, now)
    return Response(matches_page(found, page_offset, page_limit, now), media_type="application/json")


# Pages written lately, by the answer they are a page of (held, so its id is not reused): a
# kept answer (MonitorMatches) is the same object until something it depends on changes, and
# its windows stay as they are meanwhile, so its pages do too. A later read of a 1,000-match
# page spent most of its time writing it again.
_PAGES: dict[tuple[int, int, int], tuple[Found, bytes]] = {}
PAGES_KEPT = 64


def matches_page(found: Found, offset: int, limit: int, now: datetime) -> bytes:
    """One page of a monitor's matches, as the route answers it (and its lane, downtimes.lanes)."""
    which = (id(found), offset, limit)
    kept = _PAGES.get(which)
    if kept is not None and kept[0] is found:
        return kept[1]
    # Written as plain JSON values, not `Document`/`Resource` models: for a page of 1,000 matches
    # the models took three times as long as finding the matches.
    body = render({"data": [_match(entry, groups, now) for entry, groups in found[offset : offset + limit]],
                   "meta": {"page": {"total_filtered_count": len(found)}}})
    if len(_PAGES) >= PAGES_KEPT:
        _PAGES.clear()
    _PAGES[which] = (found, body)
    return body


def _match(entry: Entry, groups: list[str], now: datetime) -> dict[str, Any]:
    window = entry.window(now)
    return {"type": "downtime_match", "id": entry.uuid, "attributes": {
        "groups": groups, "scope": entry.scope, "start": iso_micro(window.start), "end": iso_micro(window.end)}}


@router.get("/api/v1/monitor/{monitor_id:id}/downtimes", summary="Get active downtimes for a monitor (v1)")
def monitor_downtimes(
    monitor_id: str, principal: Principal = Depends(require(MONITORS_READ)), db: Database = Depends(database),
    matches: MonitorMatches = Depends(monitor_matches),
) -> Response:
    wanted = _monitor_id(monitor_id)
    now = clock.now()
    with db.read() as session:
        monitor = monitors.ref(session, principal.org_id, wanted)
        if monitor is None:
            raise ApiError(404, "Monitor not found")
        found = matches.of(session, monitor, now)
        rows = store.by_ids(session, [entry.id for entry, _ in found])
        return json([service_v1.render(session, row, principal.org_id, now) for row in rows])


@router.post("/api/v2/downtime/preview", summary="Preview what a downtime would mute now (recess)")
def preview(
    request: wire.CreateRequest, principal: Principal = Depends(require(MONITORS_DOWNTIME)), db: Database = Depends(database),
) -> Response:
    """Takes a create body; answers the monitors and groups the downtime would mute right now,
    as if it were active, and when its schedule would actually make it active."""
    now = clock.now()
    try:
        fields = rules.create(wire.provided(request.data.attributes), now)
    except DowntimeError as exc:
        raise bad_request(str(exc)) from None
    schedule = rules.schedule_of(fields.start, fields.end, fields.timezone, fields.recurrences)
    entry = Entry(id=0, uuid="", org_id=principal.org_id, scope=fields.scope, monitor_id=fields.monitor_id,
                  monitor_tags=monitor_tag_set(fields.monitor_tags) if fields.monitor_tags is not None else None, schedule=schedule)
    data: list[Resource[dict[str, Any]]] = []
    with db.read() as session:
        found = list(monitors.listing(session, principal.org_id))
        groups = monitors.groups_of(session, [m.id for m in found])
        for monitor in found:
            if not entry.applies_to_monitor(monitor.id, monitor_tag_set(monitor.tags)):
                continue
            names = [g.name for g in groups[monitor.id] if entry.covers(group_of(g.name, g.tags).tags)]
            if entry.match_all and not groups[monitor.id]:
                names = ["*"]
            if names:
                data.append(Resource(type="downtime_preview", id=str(monitor.id), attributes={
                    "monitor_id": monitor.id, "monitor_name": monitor.name, "groups": names}))
    window = schedule.current(now)
    return json(Document(data=data, meta={
        "page": {"total_filtered_count": len(data)},
        "schedule": {"status": state_at(window, now), "start": iso_micro(window.start), "end": iso_micro(window.end)},
    }).body())
