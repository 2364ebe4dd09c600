"""Downtime rows: reading and writing them. SQL only; the rules decide what to write."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from types import SimpleNamespace
from datetime import datetime

from typing import Any

from sqlalchemy import Connection, and_, false, func, or_, select, text
from sqlalchemy import insert as insert_sql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from recess.core import changes
from recess.core.driver import DriverStatement
from recess.core.ids import time_uuid
from recess.downtimes.model import Downtime, Occurrence
from recess.downtimes.rules import Fields, next_end, schedule_of

_FIELD_NAMES = tuple(Fields.__dataclass_fields__)
DOWNTIMES = "downtimes"  # the change counter that numbers downtime changes


def fields_of(row: Downtime) -> Fields:
    return Fields(**{name: getattr(row, name) for name in _FIELD_NAMES})


def allocate_id(session: Session) -> int:
    """A new v1 integer id, unique across downtimes and occurrences."""
    return new_v1_ids(session.connection(), 1)[0]


def _new_values(v1_id: int, org_id: int, user_id: int, fields: Fields, now: datetime, api_version: int,
                change_seq: int | None) -> dict[str, Any]:
    return {
        "id": v1_id, "uuid": time_uuid(), "org_id": org_id, "api_version": api_version, "created_by": user_id,
        "updated_by": None, "created": now, "modified": now, "canceled": None, "ends_next": next_end(fields, now),
        "change_seq": change_seq, "created_seq": change_seq, "v1_scope": None, "v1_recurrence": None,
        **{name: getattr(fields, name) for name in _FIELD_NAMES},
    }


def insert(session: Session, org_id: int, user_id: int, fields: Fields, now: datetime, api_version: int) -> Downtime:
    row = Downtime(**_new_values(allocate_id(session), org_id, user_id, fields, now, api_version, None))
    changes.mark(session, DOWNTIMES, row, created=True)
    session.add(row)
    session.flush()
    allocate_occurrences(session, row, now)
    return row


@dataclass(frozen=True)
class NewOneTime:
    """A one-time v2 downtime to create (`insert_one_time`)."""

    org_id: int
    user_id: int
    fields: Fields
    now: datetime


# Built once, run on the driver (core.driver): the hot create's batch (insert_one_time).
_INSERT = DriverStatement(insert_sql(Downtime.__table__))
_NEW_V1_IDS = {  # `count` new rows in one statement, as each backend numbers them
    "sqlite": DriverStatement(text(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
        "INSERT INTO v1_ids (id) SELECT NULL FROM n RETURNING id")),
    "postgresql": DriverStatement(text(
        "INSERT INTO v1_ids (id) SELECT nextval(pg_get_serial_sequence('v1_ids', 'id')) "
        "FROM generate_series(1, :count) RETURNING id")),
}


def new_v1_ids(connection: Connection, count: int) -> list[int]:
    """`count` new v1 ids, unique across downtimes and occurrences, in one statement."""
    return sorted(int(v1_id) for (v1_id,) in _NEW_V1_IDS[connection.dialect.name].rows(connection, {"count": count}))


def insert_one_time(connection: Connection, new: Sequence[NewOneTime]) -> list[SimpleNamespace]:
    """`insert` of several one-time v2 downtimes in one go on a Core connection, without a
    session: the hot create (downtimes.lanes). They share one change number; the rows answered
    are plain objects with the columns as attributes."""
    assert not any(n.fields.is_recurring for n in new), "a recurring downtime also allocates occurrences: use insert"
    change_seq = changes.raise_in(connection, DOWNTIMES)
    v1_ids = new_v1_ids(connection, len(new))
    rows = [_new_values(v1_id, n.org_id, n.user_id, n.fields, n.now, 2, change_seq) for v1_id, n in zip(v1_ids, new)]
    _INSERT.many(connection, rows)
    return [SimpleNamespace(**row) for row in rows]


_KEEP: Any = object()


def write(
    row: Downtime, fields: Fields, user_id: int, now: datetime, *, v1_scope: Any = _KEEP, v1_recurrence: Any = _KEEP
) -> None:
    """Store new fields. The v1 echoes are replaced when given, and dropped when the scope or
    schedule they echo changed through v2."""
    scope_changed = fields.scope != row.scope
    schedule_changed = (fields.timezone, fields.recurrences) != (row.timezone, row.recurrences)
    for name, value in asdict(fields).items():
        setattr(row, name, value)
    row.ends_next = next_end(fields, now, pending=row.ends_next)
    row.v1_scope = v1_scope if v1_scope is not _KEEP else (None if scope_changed else row.v1_scope)
    row.v1_recurrence = v1_recurrence if v1_recurrence is not _KEEP else (None if schedule_changed else row.v1_recurrence)
    row.updated_by = user_id
    row.modified = now
    _changed(row)
    session = object_session(row)
    assert session is not None
    allocate_occurrences(session, row, now)


def cancel(row: Downtime, user_id: int, now: datetime) -> None:
    if row.canceled is None:
        row.canceled = now
        row.modified = now
        row.updated_by = user_id
        row.ends_next = None
        _changed(row)


def _changed(row: Downtime) -> None:
    session = object_session(row)
    assert session is not None, "a downtime is changed inside a session"
    changes.mark(session, DOWNTIMES, row)


def by_uuid(session: Session, org_id: int, downtime_uuid: str, *, for_update: bool = False) -> Downtime | None:
    query = select(Downtime).where(Downtime.org_id == org_id, Downtime.uuid == downtime_uuid)
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def page(session: Session, org_id: int, offset: int, limit: int) -> Sequence[Downtime]:
    """Oldest first, as Datadog lists them. (Their total comes from the index: counting them
    here read every row of the org, ~20 ms for 100,000 on PostgreSQL.)"""
    return session.scalars(
        select(Downtime).where(Downtime.org_id == org_id).order_by(Downtime.created, Downtime.id).offset(offset).limit(limit)
    ).all()


def stored_counts(session: Session) -> dict[int, int]:
    """How many downtimes each org has stored, canceled and ended ones too."""
    return {org_id: count for org_id, count in session.execute(select(Downtime.org_id, func.count()).group_by(Downtime.org_id))}


def active_page(session: Session, org_id: int, now: datetime, offset: int, limit: int,
                recurring_active: Collection[int]) -> Sequence[Downtime]:
    """A page of the downtimes active at `now`, oldest first: filtered and paged in SQL. A
    one-time downtime is active within its bounds; a recurring one (the only kind with a time
    zone) only inside an occurrence: `recurring_active` names those, as the index tells. (Their
    total comes from the index too: counting them here read every row of the org.)"""
    within = (Downtime.org_id == org_id, Downtime.canceled.is_(None), Downtime.start <= now,
              or_(Downtime.end.is_(None), Downtime.end > now))
    inside = Downtime.id.in_(list(recurring_active)) if recurring_active else false()
    wanted = and_(*within, or_(Downtime.timezone.is_(None), inside))
    return session.scalars(select(Downtime).where(wanted).order_by(Downtime.created, Downtime.id).offset(offset).limit(limit)).all()


def by_ids(session: Session, ids: list[int]) -> list[Downtime]:
    """Rows for `ids`, in the order given."""
    if not ids:
        return []
    found = {r.id: r for r in session.scalars(select(Downtime).where(Downtime.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def by_v1_id(session: Session, org_id: int, v1_id: int, *, for_update: bool = False) -> tuple[Downtime, Occurrence | None] | None:
    """The downtime with this v1 id, or the one whose occurrence has it (with that occurrence)."""
    query = select(Downtime).where(Downtime.org_id == org_id, Downtime.id == v1_id)
    row = session.scalar(query.with_for_update() if for_update else query)
    if row is not None:
        return row, None
    occurrence = session.get(Occurrence, v1_id)
    if occurrence is None:
        return None
    query = select(Downtime).where(Downtime.org_id == org_id, Downtime.id == occurrence.downtime_id)
    row = session.scalar(query.with_for_update() if for_update else query)
    return (row, occurrence) if row is not None else None


def occurrence_id(session: Session, downtime_id: int, start: datetime) -> int | None:
    """The v1 id of one occurrence, if one was allocated (reads never allocate: see below)."""
    return session.scalar(select(Occurrence.id).where(Occurrence.downtime_id == downtime_id, Occurrence.start == start))


def allocate_occurrences(session: Session, row: Downtime, now: datetime) -> None:
    """Give v1 ids to the occurrence a recurring downtime shows as `active_child` at `now` (the
    ongoing or next one) and to the one after it, so that one is ready before the scheduler
    handles the end of this one. Called by every write and by the end of each occurrence."""
    if row.recurrences is None or row.canceled is not None:
        return
    schedule = schedule_of(row.start, row.end, row.timezone, row.recurrences)
    window = schedule.current(now)
    starts = [window.start]
    if window.end is not None and (following := schedule.current(window.end)).start > window.start:
        starts.append(following.start)
    for start in starts:
        if occurrence_id(session, row.id, start) is None:
            with session.begin_nested():  # a concurrent writer may allocate the same occurrence
                session.add(Occurrence(id=allocate_id(session), downtime_id=row.id, start=start))
                try:
                    session.flush()
                except IntegrityError:
                    pass


def all_rows(session: Session, org_id: int) -> Sequence[Downtime]:
    return session.scalars(select(Downtime).where(Downtime.org_id == org_id).order_by(Downtime.created, Downtime.id)).all()


def open_v1_rows(session: Session, org_id: int) -> Sequence[Downtime]:
    """Downtimes that v1 created and nobody canceled yet."""
    return session.scalars(
        select(Downtime)
        .where(Downtime.org_id == org_id, Downtime.api_version == 1, Downtime.canceled.is_(None))
        .order_by(Downtime.id)
    ).all()


def due_ends(session: Session, now: datetime, limit: int = 200) -> Sequence[Downtime]:
    """Downtimes whose current window has ended and not been handled yet."""
    return session.scalars(
        select(Downtime).where(Downtime.ends_next <= now, Downtime.canceled.is_(None)).order_by(Downtime.ends_next).limit(limit).with_for_update()
    ).all()


def next_due_end(session: Session) -> datetime | None:
    return session.scalar(select(func.min(Downtime.ends_next)).where(Downtime.canceled.is_(None)))


def naming_monitors(session: Session, org_id: int, monitor_ids: Sequence[int]) -> Sequence[Downtime]:
    """The org's downtimes, not canceled, that name one of `monitor_ids` by id."""
    if not monitor_ids:
        return []
    return session.scalars(
        select(Downtime).where(Downtime.org_id == org_id, Downtime.monitor_id.in_(list(monitor_ids)), Downtime.canceled.is_(None))
        .order_by(Downtime.id)
    ).all()
