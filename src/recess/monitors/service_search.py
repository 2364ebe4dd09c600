"""Monitor search and monitor group search over a `Session`.

The org's monitors and their groups are read once; each is muted or not as the `Muter`
(downtimes) answers now: a group is muted when an active downtime covers it, a monitor when one
covers it whole (scope `*`) or covers every one of its groups. `monitors.search` then decides
what the query matches, the facets, the order and the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from recess.accounts import store as accounts
from recess.accounts.model import User
from recess.monitors import queries, search, service, store
from recess.monitors.model import Monitor, MonitorGroup
from recess.notifications.muter import Muter

Until = int | None  # POSIX seconds; None: until canceled


@dataclass(frozen=True)
class Muting:
    muted: bool = False
    until: Until = None


@dataclass
class Found:
    """One result: the monitor (and the group, for group search), as search saw it."""

    monitor: Monitor
    item: search.Item
    creator: User
    muting: Muting
    group: MonitorGroup | None = None
    last_triggered: Until = None


@dataclass
class Results:
    found: list[Found]  # this page
    counts: dict[str, list[dict[str, Any]]]
    metadata: dict[str, int]
    now: datetime


def _latest(ends: Sequence[Until]) -> Until:
    return None if any(e is None for e in ends) else max(e for e in ends if e is not None)


def _earliest(ends: Sequence[Until]) -> Until:
    bounded = [e for e in ends if e is not None]
    return min(bounded) if bounded else None


def muting(silenced: dict[str, Until], names: Sequence[str]) -> tuple[Muting, dict[str, Muting]]:
    """The monitor's muting and each group's, from `options.silenced` ({`*` or group: end})."""
    whole = "*" in silenced
    groups = {n: Muting(True, _latest([silenced[k] for k in ("*", n) if k in silenced])) if whole or n in silenced else Muting()
              for n in names}
    if whole:
        return Muting(True, silenced["*"]), groups
    if names and all(g.muted for g in groups.values()):
        return Muting(True, _earliest([g.until for g in groups.values()])), groups
    return Muting(), groups


def _lower(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(v.lower() for v in values)


def _item(monitor: Monitor, creator: User, muted: bool, group: MonitorGroup | None = None) -> search.Item:
    lower = _lower
    return search.Item(
        id=monitor.id, name=monitor.name.lower(), message=monitor.message.lower(),
        status=group.status if group is not None else monitor.overall_state, type=monitor.type,
        classification=search.classification(monitor.type), tags=lower(monitor.tags),
        scopes=lower(queries.scopes(monitor.type, monitor.query)), metrics=lower(queries.metrics(monitor.type, monitor.query)),
        notifications=lower(queries.handles(monitor.message)), creator=(creator.email.lower(), (creator.name or "").lower()),
        muted=muted, priority=monitor.priority,
        group=group.name.lower() if group is not None else "", group_tags=lower(group.tags) if group is not None else (),
    )


def _triggered(groups: Sequence[MonitorGroup]) -> Until:
    times = [g.last_triggered_at for g in groups if g.last_triggered_at is not None]
    return int(max(times).timestamp()) if times else None


def _everything(session: Session, muter: Muter, org_id: int, now: datetime, *, by_group: bool) -> list[Found]:
    monitors = list(store.listing(session, org_id))
    groups = store.groups_of(session, [m.id for m in monitors])
    creators = accounts.users_by_id(session, {m.creator_id for m in monitors})
    out = []
    for monitor in monitors:
        mine = groups[monitor.id]
        silenced = service.silenced(service.silences(session, muter, monitor, mine, now))
        whole, per_group = muting(silenced, [g.name for g in mine])
        creator = creators[monitor.creator_id]
        if not by_group:
            out.append(Found(monitor, _item(monitor, creator, whole.muted), creator, whole, last_triggered=_triggered(mine)))
            continue
        for group in mine:
            state = per_group[group.name]
            out.append(Found(monitor, _item(monitor, creator, state.muted, group), creator, state, group, _triggered([group])))
    return out


def find(session: Session, muter: Muter, org_id: int, query: str | None, how: search.Paging, now: datetime, *,
         by_group: bool = False) -> Results:
    """The monitors (`by_group`: the groups) `query` matches: one page of them, the facets of all."""
    matches = search.matcher(query, search.GROUP_FIELDS if by_group else search.MONITOR_FIELDS)
    everything = _everything(session, muter, org_id, now, by_group=by_group)
    found = [f for f in everything if matches(f.item)]
    by_item = {id(f.item): f for f in found}
    shown = search.page(search.ordered([f.item for f in found], how), how)
    return Results([by_item[id(i)] for i in shown], search.counts(f.item for f in found), search.metadata(len(found), how), now)
