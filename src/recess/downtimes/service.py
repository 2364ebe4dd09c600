"""What downtimes do beyond storage: their ends (expiry found by the scheduler, cancellation
done by users) and the notices those ends send.

Both notify in the transaction that records the end, so a restart can neither lose nor repeat
them: an expiry is handled when `ends_next` passes and `ends_next` moves on in the same commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from recess.core.db import Database
from recess.downtimes import rules, store
from recess.downtimes.matching import Entry, entry_of, group_of, monitor_tag_set
from recess.downtimes.model import Downtime
from recess.monitors import store as monitors
from recess.monitors.subjects import subject_of
from recess.notifications.outbox import Recorded
from recess.notifications.service import Notifier


def notify_end(session: Session, notifier: Notifier, ended: Entry, how: str, at: datetime) -> list[Recorded]:
    """Notify the groups `ended` covered again, as its notify_end_* settings ask."""
    out = []
    for monitor in monitors.listing(session, ended.org_id):
        if not ended.applies_to_monitor(monitor.id, monitor_tag_set(monitor.tags)):
            continue
        for row in monitors.groups_of(session, [monitor.id])[monitor.id]:
            if not ended.covers(group_of(row.name, row.tags).tags) or not ended.renotifies(how, row.status):
                continue
            subject = subject_of(monitor, row, row.name, list(row.tags))
            out.append(notifier.on_silence_end(session, subject, row.status, ended.uuid, how, at))
    return out


def expire_due(session: Session, notifier: Notifier, now: datetime) -> int:
    """Notify for every window that ended by `now`, then point each downtime at its next end."""
    handled = 0
    for row in store.due_ends(session, now):
        ended_at = row.ends_next
        assert ended_at is not None
        notify_end(session, notifier, entry_of(row), "expired", ended_at)
        row.ends_next = rules.next_end(store.fields_of(row), max(now, ended_at))
        store.allocate_occurrences(session, row, max(now, ended_at))  # the next active_child's v1 id
        handled += 1
    return handled


def cancel(session: Session, notifier: Notifier, row: Downtime, user_id: int, now: datetime) -> None:
    """Cancel `row`; when it was active, its end notifies as `canceled`."""
    if row.canceled is not None:
        return
    entry = entry_of(row)
    was_active = entry.active_at(now)
    store.cancel(row, user_id, now)
    if was_active:
        notify_end(session, notifier, entry, "canceled", now)


def wake_for_end(db: Database, row: Downtime) -> None:
    """Tell the scheduler, which ends downtimes, when this one ends (one without an end needs
    nothing): it is woken only when that comes before its next look anyway."""
    if row.ends_next is not None:
        db.wake("scheduler", due=row.ends_next)
