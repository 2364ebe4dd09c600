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

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from recess.core import changes
from recess.core.application import Key
from recess.core.schedule import state_at
from recess.downtimes import store
from recess.downtimes.matching import DowntimeIndex, entry_of
from recess.downtimes.model import Downtime

INDEX: Key[DowntimeIndex] = Key("downtime_index")  # this app's index, provided by the downtimes feature
PRUNE_EVERY = timedelta(seconds=60)  # downtimes whose last window ended leave the index this often


def _apply(index: DowntimeIndex, row: Downtime, now: datetime) -> None:
    if row.canceled is not None or (row.end is not None and row.end <= now):
        index.remove(row.id)
    else:
        index.put(entry_of(row))


def refresh(session: Session, index: DowntimeIndex, now: datetime) -> None:
    """Apply every downtime change committed before `session`'s snapshot that the index lacks."""
    with index.refreshing:  # one refresh at a time; the others then find it current
        seq = changes.current(session, store.DOWNTIMES)
        if index.seq is None:
            rows = session.scalars(
                select(Downtime).where(Downtime.canceled.is_(None), or_(Downtime.end.is_(None), Downtime.end > now)))
            for row in rows:
                _apply(index, row, now)
        elif seq > index.seq:
            for row in store.changed_since(session, index.seq):
                if row.change_seq <= seq:
                    _apply(index, row, now)
        # An older snapshot (a request that began before another refresh) never moves it back.
        if index.seq is None or seq > index.seq:
            index.seq = seq
        index.refreshed_at = now
        if index.pruned_at is None or now - index.pruned_at > PRUNE_EVERY:
            for entry in index.entries():
                if state_at(entry.window(now), now) == "ended":
                    index.remove(entry.id)
            index.pruned_at = now
