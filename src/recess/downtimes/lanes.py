"""The downtime requests people repeat most, as lanes (core.lanes): GET one downtime, create a
one-time downtime, and read a monitor's matches page by page.

A GET's answer is kept while no downtime changed (the `downtimes` change counter, read as last
committed, so a change by any process is seen at once) and until the downtime's schedule next
moves (its status and current window can change then).

A create is validated by the route's own request model and rules, and written with Core
statements (store.insert_one_time) together with the creates that arrived meanwhile, in one
transaction committed before any of them is answered (core.batches). It goes the long way when
the request is not valid (the route says why) or when the schedule recurs (occurrences are
allocated too).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool

from recess.accounts import store as accounts
from recess.accounts.permissions import MONITORS_DOWNTIME
from recess.core.application import Services
from recess.core.batches import GroupCommit
from recess.core.http import render
from recess.core.lanes import KeptAnswers, Lane
from recess.core.ids import is_uuid
from recess.core.limits import INT64_MAX
from recess.downtimes import routes_matches, routes_v2, rules, service, store
from recess.downtimes.matches import MATCHES
from recess.downtimes import schemas_v2 as wire
from recess.monitors import store as monitors


def get_downtime(services: Services) -> Lane:
    kept: KeptAnswers[bytes] = KeptAnswers()

    async def answer(principal: Any, params: dict[str, Any], now: datetime, _body: bytes) -> bytes | None:
        downtime_id = params["downtime_id"]
        if not is_uuid(downtime_id):
            return None
        downtime_id = downtime_id.lower()
        db = services.db
        version = db.counters.value(store.DOWNTIMES)  # before the row: a later change is never kept as this version
        if version is None:
            return None
        which = (principal.org_id, downtime_id)
        body = kept.get(which, version, now)
        if body is None:
            with db.read() as session:
                row = store.by_uuid(session, principal.org_id, downtime_id)
                if row is None:
                    return None
                body = render(routes_v2.single(session, row, now, None))
                until = rules.next_change(rules.schedule_of(row.start, row.end, row.timezone, row.recurrences), now)
            kept.put(which, version, now, until, body)
        return body

    return Lane("GET", "/api/v2/downtime/{downtime_id:id}", MONITORS_DOWNTIME, answer)


def _create(connection: Connection, new: list[store.NewOneTime]) -> list[tuple[Any, Any]]:
    rows = store.insert_one_time(connection, new)
    creators = {user_id: accounts.user_row(connection, user_id) for user_id in {n.user_id for n in new}}
    return [(row, creators[row.created_by]) for row in rows]


def create_downtime(services: Services) -> Lane:
    db = services.db
    writes: GroupCommit[store.NewOneTime, tuple[Any, Any]] = GroupCommit(db, _create, "downtime creates")

    async def answer(principal: Any, _params: dict[str, Any], now: datetime, body: bytes) -> bytes | None:
        try:
            request = wire.CreateRequest.model_validate(orjson.loads(body))
            fields = rules.create(wire.provided(request.data.attributes), now)
        except ValueError:  # not JSON, not the model (pydantic's ValidationError), or a DowntimeError
            return None
        if fields.is_recurring:
            return None
        row, creator = await writes.write(store.NewOneTime(principal.org_id, principal.user_id, fields, now))
        service.wake_for_end(db, row)
        return render(routes_v2.single(None, row, now, {"created_by"}, {creator.id: creator}))

    return Lane("POST", "/api/v2/downtime", MONITORS_DOWNTIME, answer)


def _number(text: str | None, default: int, low: int, high: int) -> int | None:
    """A query or path number written plainly (ASCII digits, no leading zero) within [low, high];
    None for anything else, which the route reads (and refuses where it must)."""
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or (len(text) > 1 and text[0] == "0"):
        return None
    value = int(text)
    return value if low <= value <= high else None


def downtime_matches(services: Services) -> Lane:
    """The same answer as routes_matches.downtime_matches, without FastAPI's work (the first
    read of a 1,000-group monitor spent ~2-3 ms there). The reading and matching run in a
    worker thread, as the route's do: a first read matches every group of the monitor, which
    the event loop must not wait for."""
    matches = services.get(MATCHES)

    def page(org_id: int, monitor_id: int, offset: int, limit: int, now: datetime) -> bytes | None:
        with services.db.read() as session:
            monitor = monitors.ref(session, org_id, monitor_id)
            if monitor is None:
                return None
            found = matches.of(session, monitor, now)
        return routes_matches.matches_page(found, offset, limit, now)

    async def answer(principal: Any, params: dict[str, Any], now: datetime, _body: bytes) -> bytes | None:
        monitor_id = _number(params["monitor_id"], 0, 0, INT64_MAX)
        offset = _number(params.get("page[offset]"), 0, 0, INT64_MAX)
        limit = _number(params.get("page[limit]"), 30, 1, 1000)
        if monitor_id is None or offset is None or limit is None:
            return None
        return await run_in_threadpool(page, principal.org_id, monitor_id, offset, limit, now)

    return Lane("GET", "/api/v2/monitor/{monitor_id:id}/downtime_matches", MONITORS_DOWNTIME, answer,
                query=frozenset({"page[offset]", "page[limit]"}))


def lanes(services: Services) -> list[Lane]:
    return [get_downtime(services), create_downtime(services), downtime_matches(services)]
