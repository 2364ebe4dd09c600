"""Keeping a process's DowntimeIndex in step with the database, by the downtime change sequence.

Every downtime change raises the `downtimes` change counter in its own transaction (see
core.changes), and counters commit in order. A refresh reads the counter in its snapshot; when
it is past the last value the index applied, the rows numbered after that value are applied and
the index moves to the counter. So a refresh sees exactly the changes committed before its
snapshot, this process's or another's, however late they committed: no clock, no overlap. A
refresh that finds the counter unchanged costs one primary-key read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from recess.core import changes
from recess.core.application import Key
from recess.downtimes import store
from recess.downtimes.matching import DowntimeIndex, entry_of
from recess.downtimes.model import Downtime

INDEX: Key[DowntimeIndex] = Key("downtime_index")  # this app's index, provided by the downtimes feature
PRUNE_EVERY = timedelta(seconds=60)  # downtimes whose last window ended leave the index this often


# What the index needs of a row, read as plain rows (no ORM objects: a cold load of 100,000
# downtimes spends a third of its time building objects it then throws away).
_COLUMNS = (Downtime.id, Downtime.uuid, Downtime.org_id, Downtime.scope, Downtime.monitor_id, Downtime.monitor_tags,
            Downtime.start, Downtime.end, Downtime.timezone, Downtime.recurrences, Downtime.canceled,
            Downtime.mute_first_recovery_notification, Downtime.notify_end_states, Downtime.notify_end_types,
            Downtime.change_seq, Downtime.created_seq)


def _apply(index: DowntimeIndex, row: Any, now: datetime) -> None:
    if row.canceled is not None or (row.end is not None and row.end <= now):
        index.remove(row.id)
    else:
        index.put(entry_of(row))


def refresh(session: Session, index: DowntimeIndex, now: datetime) -> None:
    """Apply every downtime change committed before `session`'s snapshot that the index lacks."""
    with index.refreshing:  # one refresh at a time; the others then find it current
        seq = changes.current(session, store.DOWNTIMES)
        if index.seq is None:
            rows = session.execute(
                select(*_COLUMNS).where(Downtime.canceled.is_(None), or_(Downtime.end.is_(None), Downtime.end > now)))
            for row in rows:
                _apply(index, row, now)
            index.set_stored(store.stored_counts(session))
        elif seq > index.seq:
            for row in session.execute(select(*_COLUMNS).where(Downtime.change_seq > index.seq)):
                if row.change_seq <= seq:
                    _apply(index, row, now)
                    if row.created_seq is not None and row.created_seq > index.seq:  # inserted since
                        index.add_stored(row.org_id)
        # An older snapshot (a request that began before another refresh) never moves it back.
        if index.seq is None or seq > index.seq:
            index.seq = seq
        index.refreshed_at = now
        if index.pruned_at is None or now - index.pruned_at > PRUNE_EVERY:
            # By each row's `end`, which bounds all its windows: no window is computed here.
            for entry in index.entries():
                if entry.ends_by is not None and entry.ends_by <= now:
                    index.remove(entry.id)
            index.pruned_at = now
