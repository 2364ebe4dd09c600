"""/api/v1/monitor and /api/v1/check_run."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from recess.accounts.auth import api_key_only, require
from recess.accounts.permissions import MONITORS_READ, MONITORS_WRITE
from recess.accounts import store as accounts
from recess.accounts.store import Caller, Principal
from recess.core import clock
from recess.core.application import services
from recess.core.db import Database, wake_after_commit
from recess.core.errors import ApiError, bad_request, describe
from recess.core.http import database, json
from recess.core.params import INT64_MAX, int_id
from recess.core.timefmt import iso_micro
from recess.monitors import evaluate, ingest, rules, service, store
from recess.monitors import schemas as wire
from recess.monitors.model import Monitor
from recess.monitors.rules import MonitorError
from recess.notifications import history
from recess.notifications.muter import MUTER, Muter
from recess.notifications.service import Notifier, notifier

router = APIRouter(tags=["Monitors"])
can_read = require(MONITORS_READ)
can_write = require(MONITORS_WRITE)


def monitor_id_of(text: str) -> int:
    return int_id(text, "monitor_id")


def get_or_404(session: Session, org_id: int, monitor_id: int, *, for_update: bool = False) -> Monitor:
    monitor = store.get(session, org_id, monitor_id, for_update=for_update)
    if monitor is None:
        raise ApiError(404, "Monitor not found")
    return monitor


def _states_filter(group_states: str | None) -> set[str] | None:
    if not group_states:
        return None
    wanted = {s.strip().lower() for s in group_states.split(",") if s.strip()}
    return None if "all" in wanted else wanted


async def muter(request: Request) -> Muter:
    return services(request).get(MUTER)


def _render(session: Session, muter_: Muter, monitors: list[Monitor], group_states: str | None, with_downtimes: bool) -> list[dict[str, Any]]:
    now = clock.now()
    groups = store.groups_of(session, [m.id for m in monitors])
    creators = accounts.users_by_id(session, {m.creator_id for m in monitors})
    states = _states_filter(group_states)
    out = []
    for monitor in monitors:
        found = service.silences(session, muter_, monitor, groups[monitor.id], now)
        shown = None
        if group_states:
            shown = [g for g in groups[monitor.id] if states is None or g.status.lower() in states]
        out.append(wire.document(
            monitor, creators[monitor.creator_id], silenced=service.silenced(found),
            matching=service.v1_matching(found) if with_downtimes else None, groups=shown,
        ))
    return out


@router.post("/api/v1/monitor", summary="Create a monitor")
def create_monitor(
    body: wire.MonitorBody, principal: Principal = Depends(can_write), db: Database = Depends(database),
    muter_: Muter = Depends(muter),
) -> Response:
    try:
        fields = rules.create(body.given())
    except MonitorError as exc:
        raise bad_request(str(exc)) from None
    with db.session() as session:
        monitor = store.insert(session, principal.org_id, principal.user_id, fields, clock.now())
        return json(_render(session, muter_, [monitor], None, with_downtimes=False)[0])


@router.get("/api/v1/monitor", summary="Get all monitors")
def list_monitors(
    name: str | None = Query(None), tags: str | None = Query(None), monitor_tags: str | None = Query(None),
    group_states: str | None = Query(None), with_downtimes: bool = Query(True),
    id_offset: int | None = Query(None, ge=-INT64_MAX - 1, le=INT64_MAX),  # ids are int64
    page: int | None = Query(None, ge=0, le=INT64_MAX), page_size: int | None = Query(None, ge=1, le=1000),
    principal: Principal = Depends(can_read), db: Database = Depends(database),
    muter_: Muter = Depends(muter),
) -> Response:
    with db.read() as session:
        monitors = list(store.listing(session, principal.org_id, name=name, id_offset=id_offset))
        if monitor_tags:
            wanted = {t.strip() for t in monitor_tags.split(",") if t.strip()}
            monitors = [m for m in monitors if wanted <= set(m.tags)]
        if tags:
            scope = [t.strip().lower() for t in tags.split(",") if t.strip()]
            monitors = [m for m in monitors if all(t in m.query.lower() for t in scope)]
        if page is not None or page_size is not None:
            size = page_size or 100
            monitors = monitors[(page or 0) * size : (page or 0) * size + size]
        return json(_render(session, muter_, monitors, group_states, with_downtimes=True))


@router.get("/monitors/{monitor_id}", include_in_schema=False)
def monitor_link(monitor_id: str) -> Response:
    """Where a notification's `$LINK` points (Datadog's monitor page): the monitor's API resource."""
    return RedirectResponse(f"/api/v1/monitor/{monitor_id_of(monitor_id)}", status_code=302)


@router.get("/api/v1/monitor/{monitor_id}", summary="Get a monitor's details")
def get_monitor(
    monitor_id: str, group_states: str | None = Query(None), with_downtimes: bool = Query(False),
    principal: Principal = Depends(can_read), db: Database = Depends(database),
    muter_: Muter = Depends(muter),
) -> Response:
    with db.read() as session:
        monitor = get_or_404(session, principal.org_id, monitor_id_of(monitor_id))
        return json(_render(session, muter_, [monitor], group_states, with_downtimes)[0])


@router.put("/api/v1/monitor/{monitor_id}", summary="Edit a monitor")
def update_monitor(
    monitor_id: str, body: wire.MonitorBody, principal: Principal = Depends(can_write), db: Database = Depends(database),
    muter_: Muter = Depends(muter),
) -> Response:
    now = clock.now()
    with db.session() as session:
        monitor = get_or_404(session, principal.org_id, monitor_id_of(monitor_id), for_update=True)
        previous = store.fields_of(monitor)
        try:
            fields = rules.update(previous, body.given())
        except MonitorError as exc:
            raise bad_request(str(exc)) from None
        store.write(monitor, fields, now)
        if fields.query != previous.query:  # groups belong to the old query
            store.clear_groups(session, monitor.id)
            session.flush()
            ingest.refresh_overall(session, monitor, now)
        elif fields.options != previous.options:
            ingest.reschedule_no_data(session, monitor)
        session.flush()
        wake_after_commit(session, "scheduler")
        return json(_render(session, muter_, [monitor], None, with_downtimes=False)[0])


@router.delete("/api/v1/monitor/{monitor_id}", summary="Delete a monitor")
def delete_monitor(monitor_id: str, principal: Principal = Depends(can_write), db: Database = Depends(database)) -> Response:
    with db.session() as session:
        monitor = get_or_404(session, principal.org_id, monitor_id_of(monitor_id), for_update=True)
        monitor.deleted = clock.now()
        for group in store.groups_of(session, [monitor.id])[monitor.id]:
            group.nodata_at = None
        return json({"deleted_monitor_id": monitor.id})


@router.post("/api/v1/check_run", summary="Submit service checks (one object, or a list)", status_code=202)
def submit_check_run(
    payload: Any = Body(...), principal: Caller = Depends(api_key_only), db: Database = Depends(database),
    notifier_: Notifier = Depends(notifier),
) -> Response:
    items = payload if isinstance(payload, list) else [payload]
    try:
        runs = [wire.CheckRunBody.model_validate(item) for item in items]
    except ValidationError as exc:
        raise bad_request(*dict.fromkeys(describe(e) for e in exc.errors())) from None
    for run in runs:
        if run.status not in (0, 1, 2, 3):
            raise bad_request("Invalid value for status: it must be 0 (OK), 1 (WARNING), 2 (CRITICAL) or 3 (UNKNOWN)")
        if not run.check.strip():
            raise bad_request("Invalid value for check: it must not be empty")
    with db.session() as session:
        for run in runs:
            now = clock.now()
            service.notify(session, notifier_, ingest.check_run(session, principal.org_id, run.model_dump(), now))
    db.wake("scheduler")
    db.wake("delivery")
    return json({"status": "ok"}, status=202)


@router.post("/api/v1/monitor/{monitor_id}/state", summary="Report group states of an externally evaluated monitor (recess)")
def report_state(
    monitor_id: str, body: wire.StateReport, principal: Principal = Depends(can_write), db: Database = Depends(database),
    notifier_: Notifier = Depends(notifier),
) -> Response:
    for group in body.groups:
        if group.status not in evaluate.STATES:
            raise bad_request(f"Invalid value for groups.status: {group.status!r} is not one of {list(evaluate.STATES)}")
    with db.session() as session:
        monitor = get_or_404(session, principal.org_id, monitor_id_of(monitor_id), for_update=True)
        if monitor.type != rules.METRIC_ALERT:
            raise bad_request(f"Monitor {monitor.id} is a {monitor.type} monitor: recess evaluates it from its own data")
        now = clock.now()
        service.notify(session, notifier_, ingest.report(session, monitor, [g.model_dump() for g in body.groups], now))
        groups = store.groups_of(session, [monitor.id])[monitor.id]
    db.wake("delivery")
    with db.read() as session:
        return json({"monitor_id": monitor.id, "overall_state": monitor.overall_state,
                     "groups": {g.name: wire.group_state(g) for g in groups}})


@router.get("/api/v1/monitor/{monitor_id}/state_history", summary="A monitor's group state changes (recess)")
def state_history(monitor_id: str, principal: Principal = Depends(can_read), db: Database = Depends(database)) -> Response:
    with db.read() as session:
        monitor = get_or_404(session, principal.org_id, monitor_id_of(monitor_id))
        return json({"data": [
            {"group": t.group_name, "from": t.from_state, "to": t.to_state, "at": iso_micro(t.at), "tags": t.tags, "cause": t.cause}
            for t in store.transitions(session, monitor.id)
        ]})


@router.get("/api/v1/monitor/{monitor_id}/notifications", summary="A monitor's notifications and deliveries (recess)")
def monitor_notifications(monitor_id: str, principal: Principal = Depends(can_read), db: Database = Depends(database)) -> Response:
    with db.read() as session:
        monitor = get_or_404(session, principal.org_id, monitor_id_of(monitor_id))
        return json({"data": history.monitor_history(session, monitor.id)})
