"""Keeping a process's DowntimeIndex in step with the database.

The first refresh loads every downtime that is not canceled and not over. Later ones look at
rows modified since OVERLAP before the previous refresh: a transaction that commits after that
refresh began no earlier than that, as long as none runs longer than OVERLAP. Of those rows only
(id, modified) is read, and full rows only for changes not seen yet. A refresh runs at most every
MIN_INTERVAL unless this process wrote a downtime since (see touch), so other processes'
writes are seen within that interval and this process's at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from recess.core.schedule import state_at
from recess.downtimes.matching import DowntimeIndex, entry_of
from recess.downtimes.model import Downtime

OVERLAP = timedelta(seconds=5)
MIN_INTERVAL = timedelta(milliseconds=200)
PRUNE_EVERY = timedelta(seconds=60)  # finished downtimes leave the index this often


_writes = 0  # downtime writes by this process; a refresh never skips past a new one


def touch() -> None:
    """This process changed a downtime: the next refresh must not be skipped."""
    global _writes
    _writes += 1


def _apply(index: DowntimeIndex, row: Downtime, now: datetime) -> None:
    if row.canceled is not None or (row.end is not None and row.end <= now):
        index.remove(row.id)
    else:
        index.put(entry_of(row))
    index.seen[row.id] = row.modified


def refresh(session: Session, index: DowntimeIndex, now: datetime) -> None:
    with index.refreshing:  # one refresh at a time; the others then find it fresh
        _refresh(session, index, now)


def _refresh(session: Session, index: DowntimeIndex, now: datetime) -> None:
    writes = _writes
    if index.watermark is None:
        rows = session.scalars(select(Downtime).where(Downtime.canceled.is_(None), or_(Downtime.end.is_(None), Downtime.end > now)))
        for row in rows:
            _apply(index, row, now)
        index.watermark = index.refreshed_at = now
        index.writes_seen = writes
        return
    if index.writes_seen == writes and index.refreshed_at is not None and now - index.refreshed_at < MIN_INTERVAL:
        return
    index.writes_seen = writes
    since = min(index.watermark, now) - OVERLAP
    changed = session.execute(select(Downtime.id, Downtime.modified).where(Downtime.modified >= since)).all()
    unseen = [r.id for r in changed if index.seen.get(r.id) != r.modified]
    for start in range(0, len(unseen), 1000):
        for row in session.scalars(select(Downtime).where(Downtime.id.in_(unseen[start : start + 1000]))):
            _apply(index, row, now)
    index.watermark = index.refreshed_at = now
    if index.pruned_at is None or now - index.pruned_at > PRUNE_EVERY:
        for entry in index.entries():
            if state_at(entry.window(now), now) == "ended":
                index.remove(entry.id)
        index.pruned_at = now
