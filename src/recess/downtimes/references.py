"""Downtimes answer monitors' question "what names this monitor?" (`monitors.references`).

A downtime that names a monitor by id and is active or scheduled refers to it: deleting the
monitor would leave a downtime muting nothing. Ended and canceled downtimes do not count.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from recess.downtimes import rules, store


class DowntimeReferences:
    def naming(self, session: Session, org_id: int, monitor_ids: Sequence[int], at: datetime) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for row in store.naming_monitors(session, org_id, monitor_ids):
            schedule = rules.schedule_of(row.start, row.end, row.timezone, row.recurrences)
            if row.monitor_id is not None and rules.status(row.canceled, schedule, at) in ("active", "scheduled"):
                out.setdefault(row.monitor_id, []).append(f"downtime {row.uuid} (v1 id {row.id})")
        return out
