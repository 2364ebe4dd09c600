"""Downtime rows: reading and writing them. SQL only; the rules decide what to write."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from recess.accounts.model import User
from recess.core.ids import time_uuid
from recess.downtimes.model import Downtime
from recess.core.schedule import Schedule
from recess.downtimes.rules import Fields, schedule_of

_FIELD_NAMES = tuple(Fields.__dataclass_fields__)


def fields_of(row: Downtime) -> Fields:
    return Fields(**{name: getattr(row, name) for name in _FIELD_NAMES})


def insert(session: Session, org_id: int, user_id: int, fields: Fields, now: datetime, api_version: int) -> Downtime:
    row = Downtime(
        uuid=time_uuid(), org_id=org_id, api_version=api_version, created_by=user_id, updated_by=None,
        created=now, modified=now, canceled=None, **asdict(fields),
    )
    session.add(row)
    session.flush()
    return row


def write(row: Downtime, fields: Fields, user_id: int, now: datetime) -> None:
    for name, value in asdict(fields).items():
        setattr(row, name, value)
    row.updated_by = user_id
    row.modified = now


def cancel(row: Downtime, user_id: int, now: datetime) -> None:
    if row.canceled is None:
        row.canceled = now
        row.modified = now
        row.updated_by = user_id


def by_uuid(session: Session, org_id: int, downtime_uuid: str, *, for_update: bool = False) -> Downtime | None:
    query = select(Downtime).where(Downtime.org_id == org_id, Downtime.uuid == downtime_uuid)
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def page(session: Session, org_id: int, offset: int, limit: int) -> tuple[Sequence[Downtime], int]:
    """Oldest first, as Datadog lists them, with the total before paging."""
    total = session.scalar(select(func.count()).select_from(Downtime).where(Downtime.org_id == org_id)) or 0
    rows = session.scalars(
        select(Downtime).where(Downtime.org_id == org_id).order_by(Downtime.created, Downtime.id).offset(offset).limit(limit)
    ).all()
    return rows, total


def possibly_active(session: Session, org_id: int, now: datetime) -> list[tuple[int, Schedule]]:
    """(id, schedule) of downtimes not canceled and within their bounds at `now`, oldest first.

    A superset of the active ones: a recurring downtime may be between occurrences. Only light
    columns are read, so that filtering thousands stays cheap.
    """
    rows = session.execute(
        select(Downtime.id, Downtime.start, Downtime.end, Downtime.timezone, Downtime.recurrences)
        .where(
            Downtime.org_id == org_id,
            Downtime.canceled.is_(None),
            Downtime.start <= now,
            or_(Downtime.end.is_(None), Downtime.end > now),
        )
        .order_by(Downtime.created, Downtime.id)
    ).all()
    return [(r.id, schedule_of(r.start, r.end, r.timezone, r.recurrences)) for r in rows]


def by_ids(session: Session, ids: list[int]) -> list[Downtime]:
    """Rows for `ids`, in the order given."""
    if not ids:
        return []
    found = {r.id: r for r in session.scalars(select(Downtime).where(Downtime.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def users_by_id(session: Session, ids: Iterable[int]) -> dict[int, User]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}
