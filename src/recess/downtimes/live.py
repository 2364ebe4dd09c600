"""Keeping a process's DowntimeIndex in step with the database.

The first refresh loads every downtime that is not canceled and not over; later ones read only
rows modified since the newest change seen, with an overlap, because with several processes a
transaction can commit a little after others that carry later timestamps.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from recess.core.schedule import state_at
from recess.downtimes.matching import DowntimeIndex, entry_of
from recess.downtimes.model import Downtime

OVERLAP = timedelta(seconds=10)
PRUNE_EVERY = timedelta(seconds=60)  # finished downtimes leave the index this often


def refresh(session: Session, index: DowntimeIndex, now: datetime) -> None:
    query = select(Downtime)
    if index.watermark is None:
        query = query.where(Downtime.canceled.is_(None), or_(Downtime.end.is_(None), Downtime.end > now))
    else:
        query = query.where(Downtime.modified >= index.watermark - OVERLAP)
    newest = index.watermark
    for row in session.scalars(query):
        if row.canceled is not None or (row.end is not None and row.end <= now):
            index.remove(row.id)
        else:
            index.put(entry_of(row))
        if newest is None or row.modified > newest:
            newest = row.modified
    index.watermark = newest or now - OVERLAP
    if index.pruned_at is None or now - index.pruned_at > PRUNE_EVERY:
        for entry in index.entries():
            if state_at(entry.window(now), now) == "ended":
                index.remove(entry.id)
        index.pruned_at = now
