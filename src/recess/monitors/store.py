"""Monitor, group, transition and check-run rows. SQL only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, cast, func, inspect, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from recess.core import changes
from recess.core.db import insert_rows
from recess.monitors.model import CheckRun, GroupTransition, Monitor, MonitorGroup
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


def group_tag_texts(session: Session, monitor_id: int) -> list[tuple[str, str]]:
    """(name, tags as their stored JSON text) of a monitor's groups: a reader that keeps what it
    made of each text needs no parsing when the tags are as before."""
    return [(name, text) for name, text in session.execute(
        select(MonitorGroup.name, cast(MonitorGroup.tags, Text))
        .where(MonitorGroup.monitor_id == monitor_id).order_by(MonitorGroup.name))]


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


def group(session: Session, monitor_id: int, name: str) -> MonitorGroup | None:
    return session.scalar(
        select(MonitorGroup).where(MonitorGroup.monitor_id == monitor_id, MonitorGroup.name == name).with_for_update()
    )


def groups_for_update(session: Session, names: Mapping[int, Collection[str]]) -> dict[tuple[int, str], MonitorGroup]:
    """Those of the named groups of each monitor ({monitor id: names}) that exist, by (monitor id,
    name), locked until commit in one query. Rows are locked in id order, so two transactions
    that lock overlapping sets queue instead of deadlocking."""
    if not names:
        return {}
    query = select(MonitorGroup).where(or_(*(
        and_(MonitorGroup.monitor_id == monitor_id, MonitorGroup.name.in_(sorted(wanted)))
        for monitor_id, wanted in sorted(names.items())
    ))).order_by(MonitorGroup.id).with_for_update()
    return {(row.monitor_id, row.name): row for row in session.scalars(query)}


def add_group(session: Session, monitor: Monitor, name: str, tags: list[str], now: datetime) -> MonitorGroup:
    """A new group, OK, written with the transaction's next flush (nothing needs its id sooner)."""
    row = MonitorGroup(org_id=monitor.org_id, monitor_id=monitor.id, name=name, tags=tags, status="OK", recent=[], modified=now)
    session.add(row)
    changes.touch(session, GROUPS)
    return row


# The group columns a check run may change. A flush writes a row's changed columns only, and sends
# rows with the same set of columns in one executemany; rows whose changes differ (one group
# triggered, the next recovered, the next only counted a run) would each go alone.
_RUN_COLUMNS = ("tags", "status", "recent", "last_run_at", "nodata_at", "alerting_since", "last_triggered_at",
                "last_resolved_at", "last_nodata_at", "modified")


def write_whole(groups: Iterable[MonitorGroup]) -> None:
    """Have the next flush write every column a check run may change of these stored groups, so
    that it sends them all in one statement."""
    for group in groups:
        if inspect(group).persistent:
            for name in _RUN_COLUMNS:
                flag_modified(group, name)


def set_group_tags(session: Session, group: MonitorGroup, tags: list[str]) -> None:
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


def due_no_data(session: Session, now: datetime, limit: int = 500) -> Sequence[MonitorGroup]:
    return session.scalars(
        select(MonitorGroup).where(MonitorGroup.nodata_at <= now).order_by(MonitorGroup.nodata_at).limit(limit).with_for_update()
    ).all()


def next_no_data(session: Session) -> datetime | None:
    return session.scalar(select(func.min(MonitorGroup.nodata_at)))


def monitor_by_id(session: Session, monitor_id: int) -> Monitor | None:
    return session.get(Monitor, monitor_id)


def add_check_runs(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """CheckRun rows, in order, in one statement (nothing reads their ids back)."""
    insert_rows(session, CheckRun, rows)
