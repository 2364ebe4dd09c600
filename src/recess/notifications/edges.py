"""The ends of downtimes: expiry found by the scheduler, cancellation done by users.

Both notify in the transaction that records the end, so a restart can neither lose nor repeat
them: an expiry is handled when `ends_next` passes and `ends_next` moves on in the same commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from recess.downtimes import rules, store
from recess.downtimes.matching import DowntimeIndex, entry_of
from recess.downtimes.model import Downtime
from recess.notifications import outbox


def expire_due(session: Session, index: DowntimeIndex, now: datetime) -> int:
    """Notify for every window that ended by `now`, then point each downtime at its next end."""
    handled = 0
    for row in store.due_ends(session, now):
        ended_at = row.ends_next
        assert ended_at is not None
        outbox.on_downtime_end(session, index, entry_of(row), "expired", ended_at)
        row.ends_next = rules.next_end(store.fields_of(row), max(now, ended_at))
        store.allocate_occurrences(session, row, max(now, ended_at))  # the next active_child's v1 id
        handled += 1
    return handled


def cancel(session: Session, index: DowntimeIndex, row: Downtime, user_id: int, now: datetime) -> None:
    """Cancel `row`; when it was active, its end notifies as `canceled`."""
    if row.canceled is not None:
        return
    entry = entry_of(row)
    was_active = entry.active_at(now)
    store.cancel(row, user_id, now)
    if was_active:
        outbox.on_downtime_end(session, index, entry, "canceled", now)
