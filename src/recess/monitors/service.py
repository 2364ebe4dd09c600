"""What monitors do beyond storage, as plain calls over a session: notify transitions, and
say which of a monitor's groups are silenced."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from recess.core.timefmt import posix
from recess.monitors import queries, store
from recess.monitors.filters import ListFilters, page_of
from recess.monitors.assets import DRAFT
from recess.monitors.ingest import Change
from recess.monitors.model import Monitor, MonitorGroup
from recess.monitors.references import References
from recess.notifications.muter import Muter, Silence
from recess.notifications.outbox import Recorded
from recess.notifications.service import Notifier, Transition
from recess.notifications.templates import Moment

Matches = list[tuple[Silence, list[str]]]


def notify(session: Session, notifier: Notifier, changes: Sequence[Change]) -> list[Recorded]:
    """A notification for each change, muted or not by what covers its group at its instant.
    A draft monitor notifies no one (Datadog: it "does not send notifications")."""
    transitions = []
    for change in changes:
        if change.monitor.draft_status == DRAFT:
            continue
        transitions.append(Transition(change.subject, Moment(change.from_state, change.to_state), change.at, change.episode_start))
    return notifier.on_transitions(session, transitions)


def listing(session: Session, org_id: int, wanted: ListFilters) -> list[Monitor]:
    """The org's monitors that pass the list filters, by id, paged when `page` is given."""
    monitors = list(store.listing(session, org_id, name=wanted.name, id_offset=wanted.id_offset))
    if wanted.monitor_tags:
        monitors = [m for m in monitors if set(wanted.monitor_tags) <= {t.lower() for t in m.tags}]
    if wanted.tags:
        monitors = [m for m in monitors if set(wanted.tags) <= {t.lower() for t in queries.scopes(m.type, m.query)}]
    return page_of(monitors, wanted)


def blockers(session: Session, references: References, org_id: int, monitor_ids: Sequence[int],
             now: datetime) -> tuple[list[int], dict[int, list[str]], list[int]]:
    """Which of `monitor_ids` can be deleted: (deletable ids, {id: what names it}, ids not found)."""
    known = {m.id for m in store.by_ids(session, org_id, monitor_ids)}
    named = references.naming(session, org_id, sorted(known), now)
    ids = list(dict.fromkeys(monitor_ids))
    return [i for i in ids if i in known and i not in named], named, [i for i in ids if i not in known]


def silences(session: Session, muter: Muter, monitor: Monitor, groups: Sequence[MonitorGroup], now: datetime) -> Matches:
    """What silences `monitor` now, each with the names of the groups it covers."""
    return muter.for_monitor(session, monitor.org_id, monitor.id, monitor.tags, [(g.name, g.tags) for g in groups], now)


def v1_matching(matches: Matches) -> list[dict[str, Any]]:
    """`matching_downtimes` of a v1 monitor."""
    return [
        {"id": s.id, "active": True, "monitor_id": s.monitor_id, "start": posix(s.start), "end": posix(s.end),
         "scope": list(s.scope), "groups": groups}
        for s, groups in matches
    ]


def silenced(matches: Matches) -> dict[str, int | None]:
    """`options.silenced`: each muted scope (`*` or a group) and when its silence ends."""
    out: dict[str, int | None] = {}
    for silence, groups in matches:
        end = posix(silence.end)
        for group in groups:
            current = out.get(group, 0)
            out[group] = None if end is None or current is None else max(end, current or 0)
    return out
