"""The downtime read people repeat most, GET one downtime, as a lane (core.lanes).

Its answer is kept while no downtime changed (the `downtimes` change counter, read as last
committed, so a change by any process is seen at once) and until the downtime's schedule next
moves (its status and current window can change then). The body is the route's own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from recess.accounts.permissions import MONITORS_DOWNTIME
from recess.core.application import Services
from recess.core.http import render
from recess.core.lanes import KeptAnswers, Lane
from recess.core.ids import is_uuid
from recess.downtimes import routes_v2, rules, store


def get_downtime(services: Services) -> Lane:
    kept: KeptAnswers[bytes] = KeptAnswers()

    def answer(principal: Any, params: dict[str, Any], now: datetime) -> bytes | None:
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


def lanes(services: Services) -> list[Lane]:
    return [get_downtime(services)]
