"""/api/v1/monitor and /api/v1/check_run."""

from __future__ import annotations

from collections.abc import Sequence
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
from recess.core.limits import CHECK_RUNS
from recess.core.params import int_id
from recess.core.timefmt import iso_micro
from recess.monitors import evaluate, filters, ingest, rules, service, store
from recess.monitors.filters import ListFilters
from recess.monitors import schemas as wire
from recess.monitors.model import Monitor
from recess.monitors.references import REFERENCES, References
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


async def muter(request: Request) -> Muter:
    return services(request).get(MUTER)


async def references(request: Request) -> References:
    return services(request).get(REFERENCES)


def _render(session: Session, muter_: Muter, monitors: Sequence[Monitor], shown: ListFilters | None,
            with_downtimes: bool) -> list[dict[str, Any]]:
    """Monitors as Datadog answers them; `shown.group_states` asks for `state.groups`."""
    now = clock.now()
    groups = store.groups_of(session, [m.id for m in monitors])
    creators = accounts.users_by_id(session, {m.creator_id for m in monitors})
    out = []
    for monitor in monitors:
        found = service.silences(session, muter_, monitor, groups[monitor.id], now)
        states = None
        if shown is not None and shown.group_states is not None:
            states = [g for g in groups[monitor.id] if shown.shows_group(g.status)]
        out.append(wire.document(
            monitor, creators[monitor.creator_id], silenced=service.silenced(found),
            matching=service.v1_matching(found) if with_downtimes else None, groups=states,
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
    group_states: str | None = Query(None), with_downtimes: bool = Query(True), id_offset: str | None = Query(None),
    page: str | None = Query(None), page_size: str | None = Query(None),
    principal: Principal = Depends(can_read), db: Database = Depends(database),
    muter_: Muter = Depends(muter),
) -> Response:
    try:
        wanted = filters.list_filters(name=name, tags=tags, monitor_tags=monitor_tags, group_states_=group_states,
                                      id_offset=id_offset, page=page, page_size=page_size)
    except filters.FilterError as exc:
        raise bad_request(str(exc)) from None
    with db.read() as session:
        return json(_render(session, muter_, service.listing(session, principal.org_id, wanted), wanted, with_downtimes=True))


@router.get("/monitors/{monitor_id:id}", include_in_schema=False)
def monitor_link(monitor_id: str) -> Response:
    """Where a notification's `$LINK` points (Datadog's monitor page): the monitor's API resource."""
    return RedirectResponse(f"/api/v1/monitor/{monitor_id_of(monitor_id)}", status_code=302)


@router.get("/api/v1/monitor/{monitor_id:id}", summary="Get a monitor's details")
def get_monitor(
    monitor_id: str, group_states: str | None = Query(None), with_downtimes: bool = Query(False),
    principal: Principal = Depends(can_read), db: Database = Depends(database),
    muter_: Muter = Depends(muter),
) -> Response:
    try:
        shown = filters.ListFilters(group_states=filters.group_states(group_states))
    except filters.FilterError as exc:
        raise bad_request(str(exc)) from None
    with db.read() as session:
        monitor = get_or_404(session, principal.org_id, monitor_id_of(monitor_id))
        return json(_render(session, muter_, [monitor], shown, with_downtimes)[0])


@router.put("/api/v1/monitor/{monitor_id:id}", summary="Edit a monitor")
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


@router.delete("/api/v1/monitor/{monitor_id:id}", summary="Delete a monitor")
def delete_monitor(
    monitor_id: str, force: str | None = Query(None), principal: Principal = Depends(can_write), db: Database = Depends(database),
    references_: References = Depends(references),
) -> Response:
    """Refused (400) while something names the monitor (a downtime by its id), as can_delete
    reports, unless `force=true`."""
    with db.session() as session:
        monitor = get_or_404(session, principal.org_id, monitor_id_of(monitor_id), for_update=True)
        if (force or "").lower() != "true":
            _, named, _ = service.blockers(session, references_, principal.org_id, [monitor.id], clock.now())
            if named:
                raise bad_request(f"Monitor {monitor.id} is referenced by {', '.join(named[monitor.id])}: "
                                  "delete it with force=true to delete it anyway")
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
    if len(items) > CHECK_RUNS:
        raise bad_request(f"Too many check runs: {len(items)} in one request, at most {CHECK_RUNS}")
    try:
        runs = [wire.CheckRunBody.model_validate(item) for item in items]
    except ValidationError as exc:
        raise bad_request(*dict.fromkeys(describe(e) for e in exc.errors())) from None
    for run in runs:
        if run.status not in (0, 1, 2, 3):
            raise bad_request("Invalid value for status: it must be 0 (OK), 1 (WARNING), 2 (CRITICAL) or 3 (UNKNOWN)")
        if not run.check.strip():
            raise bad_request("Invalid value for check: it must not be empty")
    prepared = [ingest.prepare(run.model_dump()) for run in runs]  # before the write lock, not under it
    with db.session() as session:
        service.notify(session, notifier_, ingest.check_runs(session, principal.org_id, prepared, clock.now))
    db.wake("scheduler")
    db.wake("delivery")
    return json({"status": "ok"}, status=202)


@router.post("/api/v1/monitor/{monitor_id:id}/state", summary="Report group states of an externally evaluated monitor (recess)")
def report_state(
    monitor_id: str, body: wire.StateReport, principal: Principal = Depends(can_write), db: Database = Depends(database),
    notifier_: Notifier = Depends(notifier),
) -> Response:
    for group in body.groups:
        if group.status not in evaluate.STATES:
            raise bad_request(f"Invalid value for groups.status: {group.status!r} is not one of {list(evaluate.STATES)}")
    with db.session() as session:
        monitor = get_or_404(session, principal.org_id, monitor_id_of(monitor_id), for_update=True)
        if not rules.is_metric(monitor.type):
            raise bad_request(f"Monitor {monitor.id} is a {monitor.type} monitor: recess evaluates it from its own data")
        now = clock.now()
        service.notify(session, notifier_, ingest.report(session, monitor, [g.model_dump() for g in body.groups], now))
        groups = store.groups_of(session, [monitor.id])[monitor.id]
    db.wake("delivery")
    with db.read() as session:
        return json({"monitor_id": monitor.id, "overall_state": monitor.overall_state,
                     "groups": {g.name: wire.group_state(g) for g in groups}})


@router.get("/api/v1/monitor/{monitor_id:id}/state_history", summary="A monitor's group state changes (recess)")
def state_history(monitor_id: str, principal: Principal = Depends(can_read), db: Database = Depends(database)) -> Response:
    with db.read() as session:
        monitor = get_or_404(session, principal.org_id, monitor_id_of(monitor_id))
        return json({"data": [
            {"group": t.group_name, "from": t.from_state, "to": t.to_state, "at": iso_micro(t.at), "tags": t.tags, "cause": t.cause}
            for t in store.transitions(session, monitor.id)
        ]})


@router.get("/api/v1/monitor/{monitor_id:id}/notifications", summary="A monitor's notifications and deliveries (recess)")
def monitor_notifications(monitor_id: str, principal: Principal = Depends(can_read), db: Database = Depends(database)) -> Response:
    with db.read() as session:
        monitor = get_or_404(session, principal.org_id, monitor_id_of(monitor_id))
        return json({"data": history.monitor_history(session, monitor.id)})
