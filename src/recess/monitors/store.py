"""Monitor, group, transition and check-run rows. SQL only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, Text, and_, bindparam, cast, func, or_, select, update
from sqlalchemy.orm import Session

from recess.core import changes
from recess.core.db import insert_rows
from recess.core.driver import DriverStatement
from recess.monitors.model import CheckRun, GroupRow, GroupTransition, Monitor, MonitorGroup
from recess.monitors.rules import SERVICE_CHECK, MonitorFields

_FIELDS = tuple(MonitorFields.__dataclass_fields__)
GROUPS = "monitor_groups"  # the change counter of groups' names and tags (see groups_changed)


def fields_of(row: Monitor) -> MonitorFields:
    return MonitorFields(**{name: getattr(row, name) for name in _FIELDS})


def insert(session: Session, org_id: int, user_id: int, fields: MonitorFields, now: datetime) -> Monitor:
    row = Monitor(org_id=org_id, creator_id=user_id, created=now, modified=now, deleted=None,
                  overall_state="No Data", overall_state_modified=None, **asdict(fields))
    session.add(row)
    session.flush()
    return row


def write(row: Monitor, fields: MonitorFields, now: datetime) -> None:
    for name, value in asdict(fields).items():
        setattr(row, name, value)
    row.modified = now


def get(session: Session, org_id: int, monitor_id: int, *, for_update: bool = False) -> Monitor | None:
    query = select(Monitor).where(Monitor.org_id == org_id, Monitor.id == monitor_id, Monitor.deleted.is_(None))
    return session.scalar(query.with_for_update() if for_update else query)


class MonitorRef(NamedTuple):
    """What a reader of a monitor's matches needs of it."""

    org_id: int
    id: int
    tags: list[str]


_REF = DriverStatement(select(Monitor.org_id, Monitor.id, Monitor.tags).where(
    Monitor.org_id == bindparam("org_id"), Monitor.id == bindparam("monitor_id"), Monitor.deleted.is_(None)))


def ref(session: Session, org_id: int, monitor_id: int) -> MonitorRef | None:
    """A live monitor's org, id and tags, read on the driver (no ORM object: ~1 ms of a cold
    read of its matches went to loading the whole row)."""
    rows = _REF.rows(session.connection(), {"org_id": org_id, "monitor_id": monitor_id})
    return MonitorRef(*rows[0]) if rows else None


def listing(session: Session, org_id: int, *, name: str | None = None, id_offset: int | None = None) -> Sequence[Monitor]:
    query = select(Monitor).where(Monitor.org_id == org_id, Monitor.deleted.is_(None))
    if name:
        query = query.where(func.lower(Monitor.name).contains(name.lower()))
    if id_offset is not None:
        query = query.where(Monitor.id > id_offset)
    return session.scalars(query.order_by(Monitor.id)).all()


def by_ids(session: Session, org_id: int, ids: Iterable[int]) -> Sequence[Monitor]:
    wanted = list(ids)
    if not wanted:
        return []
    return session.scalars(select(Monitor).where(Monitor.org_id == org_id, Monitor.id.in_(wanted), Monitor.deleted.is_(None))).all()


def service_check_monitors(session: Session, org_id: int) -> Sequence[Monitor]:
    return session.scalars(
        select(Monitor).where(Monitor.org_id == org_id, Monitor.type == SERVICE_CHECK, Monitor.deleted.is_(None))
    ).all()


def groups_of(session: Session, monitor_ids: Iterable[int]) -> dict[int, list[MonitorGroup]]:
    wanted = list(set(monitor_ids))
    out: dict[int, list[MonitorGroup]] = {i: [] for i in wanted}
    if wanted:
        for group in session.scalars(select(MonitorGroup).where(MonitorGroup.monitor_id.in_(wanted)).order_by(MonitorGroup.name)):
            out[group.monitor_id].append(group)
    return out


def group_tags(session: Session, monitor_id: int) -> list[tuple[str, list[str]]]:
    """(name, tags) of a monitor's groups: what matching needs, without building row objects."""
    return [(name, tags) for name, tags in session.execute(
        select(MonitorGroup.name, MonitorGroup.tags).where(MonitorGroup.monitor_id == monitor_id).order_by(MonitorGroup.name))]


_GROUP_TAG_TEXTS = DriverStatement(  # on the driver (core.driver): a 1,000-group monitor's first read
    select(MonitorGroup.name, cast(MonitorGroup.tags, Text)).where(MonitorGroup.monitor_id == bindparam("monitor_id"))
    .order_by(MonitorGroup.name))


def group_tag_texts(session: Session, monitor_id: int) -> list[tuple[str, str]]:
    """(name, tags as their stored JSON text) of a monitor's groups: a reader that keeps what it
    made of each text needs no parsing when the tags are as before."""
    return _GROUP_TAG_TEXTS.rows(session.connection(), {"monitor_id": monitor_id})


def group_statuses(session: Session, monitor_id: int) -> list[str]:
    """The distinct states of a monitor's groups."""
    return list(session.scalars(select(MonitorGroup.status).where(MonitorGroup.monitor_id == monitor_id).distinct()))


def status_counts(session: Session, monitor_ids: Iterable[int]) -> dict[int, Counter[str]]:
    """How many groups of each monitor are in each state."""
    wanted = sorted(set(monitor_ids))
    out: dict[int, Counter[str]] = {i: Counter() for i in wanted}
    if wanted:
        for monitor_id, status, count in session.execute(
                select(MonitorGroup.monitor_id, MonitorGroup.status, func.count())
                .where(MonitorGroup.monitor_id.in_(wanted)).group_by(MonitorGroup.monitor_id, MonitorGroup.status)):
            out[monitor_id][status] = count
    return out


# GroupRow's fields, as columns in its order: a row read with them builds a GroupRow positionally.
_GROUP_COLUMNS = tuple(MonitorGroup.__table__.c[field.name] for field in fields(GroupRow))


def feeding(session: Session, names: Mapping[int, Collection[str]]) -> dict[tuple[int, str], GroupRow]:
    """Those of the named groups of each monitor ({monitor id: names}) that exist, by (monitor id,
    name), locked until commit, in one query. Rows are locked in id order, so two transactions
    that lock overlapping sets queue instead of deadlocking."""
    if not names:
        return {}
    query = select(*_GROUP_COLUMNS).where(or_(*(
        and_(MonitorGroup.monitor_id == monitor_id, MonitorGroup.name.in_(sorted(wanted)))
        for monitor_id, wanted in sorted(names.items())
    ))).order_by(MonitorGroup.id).with_for_update()
    return {(row.monitor_id, row.name): GroupRow(*row) for row in session.execute(query)}


def new_group(session: Session, monitor: Monitor, name: str, tags: list[str], now: datetime) -> GroupRow:
    """A new group, OK, written by save_groups."""
    changes.touch(session, GROUPS)
    return GroupRow(id=None, org_id=monitor.org_id, monitor_id=monitor.id, name=name, tags=tags, status="OK", recent=[],
                    last_run_at=None, nodata_at=None, alerting_since=None, last_triggered_at=None, last_resolved_at=None,
                    last_nodata_at=None, modified=now)


_KEY = ("id", "org_id", "monitor_id", "name")  # what save_groups never changes of a stored group
# On the table, not the entity: the ORM's bulk update by primary key costs a third more per row.
_GROUPS: Table = MonitorGroup.__table__  # type: ignore[assignment]
_UPDATE_GROUP = update(_GROUPS).where(_GROUPS.c.id == bindparam("group_id"))


def save_groups(session: Session, groups: Iterable[GroupRow]) -> None:
    """Write these groups: the new ones in one insert, the stored ones in one update (by id) of
    every column but their key, whatever changed: rows with the same columns go in one executemany."""
    new: list[GroupRow] = []
    stored: list[GroupRow] = []
    for group in groups:
        (new if group.id is None else stored).append(group)
    insert_rows(session, MonitorGroup, [{c.key: getattr(g, c.key) for c in _GROUP_COLUMNS if c.key != "id"} for g in new])
    if stored:
        session.execute(_UPDATE_GROUP, [
            {"group_id": g.id, **{c.key: getattr(g, c.key) for c in _GROUP_COLUMNS if c.key not in _KEY}} for g in stored])


def set_group_tags(session: Session, group: GroupRow, tags: list[str]) -> None:
    """Give a group these tags, counting the change only when there is one (most runs repeat them)."""
    if group.tags != tags:
        group.tags = tags
        changes.touch(session, GROUPS)


def groups_changed(session: Session) -> int:
    """The groups change counter: equal values mean no group appeared or changed its tags between."""
    return changes.current(session, GROUPS)


def clear_groups(session: Session, monitor_id: int) -> None:
    for row in session.scalars(select(MonitorGroup).where(MonitorGroup.monitor_id == monitor_id)):
        session.delete(row)


def add_transitions(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """GroupTransition rows, in order, in one statement (nothing reads their ids back)."""
    insert_rows(session, GroupTransition, rows)


def transitions(session: Session, monitor_id: int) -> Sequence[GroupTransition]:
    return session.scalars(
        select(GroupTransition).where(GroupTransition.monitor_id == monitor_id).order_by(GroupTransition.id)
    ).all()


def due_no_data(session: Session, now: datetime, limit: int = 500) -> list[GroupRow]:
    """Groups whose No Data instant has come, locked until commit (write them with save_groups)."""
    return [GroupRow(*row) for row in session.execute(
        select(*_GROUP_COLUMNS).where(MonitorGroup.nodata_at <= now).order_by(MonitorGroup.nodata_at).limit(limit).with_for_update()
    )]


def next_no_data(session: Session) -> datetime | None:
    return session.scalar(select(func.min(MonitorGroup.nodata_at)))


def monitor_by_id(session: Session, monitor_id: int) -> Monitor | None:
    return session.get(Monitor, monitor_id)


def add_check_runs(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """CheckRun rows, in order, in one statement (nothing reads their ids back)."""
    insert_rows(session, CheckRun, rows)
