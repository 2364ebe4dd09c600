"""The downtimes that apply to a monitor now, through the process's index (kept fresh).

`MonitorMatches` keeps each monitor's last answer and gives it again while nothing it depends on
has changed: the downtimes (the index's change sequence), the monitor's groups' names and tags
(their change counter), the monitor's tags, and time (until a downtime it looked at starts or
stops). Why: reading which of a 1,000-group monitor's groups are muted, page after page, is the
read people repeat; the second page costs a dictionary lookup instead of a second match. The
first read after check runs puts the answer together from the mute decisions the muter kept
for each group (~2 ms for 1,000 groups instead of a ~10 ms match), when all of them still hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime
from threading import Lock
from typing import Any

import orjson
from fastapi import Request
from sqlalchemy.orm import Session

from recess.core.application import Key, services
from recess.downtimes import live
from recess.downtimes.decisions import KeptDecisions
from recess.downtimes.matching import DowntimeIndex, Entry, Group, group_of, monitor_tag_set
from recess.monitors import store as monitors

Found = list[tuple[Entry, list[str]]]


@dataclass(frozen=True)
class _Kept:
    depends_on: tuple[Any, ...]
    since: datetime
    until: datetime | None
    found: Found


class MonitorMatches:
    def __init__(self, index: DowntimeIndex, size: int = 10_000, decisions: KeptDecisions | None = None) -> None:
        self.index = index
        self.decisions = decisions
        self.size = size
        self._kept: dict[tuple[int, int], _Kept] = {}
        self._lock = Lock()

    def of(self, session: Session, monitor: Any, now: datetime) -> Found:
        """Active downtimes covering some of the monitor's groups, with the names each covers."""
        live.refresh(session, self.index, now)
        # Read before matching: a change that lands meanwhile makes the next read match afresh.
        depends_on = (self.index.seq, monitors.groups_changed(session), tuple(monitor.tags))
        which = (monitor.org_id, monitor.id)
        kept = self._kept.get(which)
        if kept is not None and kept.depends_on == depends_on and kept.since <= now and (kept.until is None or now < kept.until):
            return kept.found
        named = [(name, _terms(text)) for name, text in monitors.group_tag_texts(session, monitor.id)]
        tags = monitor_tag_set(monitor.tags)
        decided = self._from_decisions(monitor.org_id, monitor.id, tags, named, now)
        if decided is None:
            groups = [_group(name, terms) for name, terms in named]
            decided = self.index.matches_for_monitor_until(monitor.org_id, monitor.id, tags, groups, now)
        found, until = decided
        with self._lock:
            if len(self._kept) >= self.size:
                self._kept.clear()
            self._kept[which] = _Kept(depends_on, now, until, found)
        return found


    def _from_decisions(self, org_id: int, monitor_id: int, monitor_tags: frozenset[str],
                        named: list[tuple[str, tuple[str, ...]]], now: datetime) -> tuple[Found, datetime | None] | None:
        """The monitor's matches put together from its groups' kept mute decisions, when every
        group (name, tags as given) has one that holds now (check runs decide each group as
        they arrive, so the first read after them need not match afresh); None otherwise. The
        same answer as `DowntimeIndex.matches_for_monitor_until`: by window start and id,
        `["*"]` for a `*` scope."""
        if self.decisions is None or not named:
            return None
        kept_for = self.decisions.of_monitor(org_id, monitor_id, monitor_tags)
        covered: dict[int, tuple[Entry, list[str]]] = {}
        until: datetime | None = None
        for name, terms in named:
            kept = kept_for(name, terms, now)
            if kept is None:
                return None
            entries, group_until = kept
            if group_until is not None and (until is None or group_until < until):
                until = group_until
            for entry in entries:
                found = covered.get(entry.id)
                if found is None:
                    covered[entry.id] = (entry, [name])
                else:
                    found[1].append(name)
        ordered = sorted(covered.values(), key=lambda match: (match[0].window(now).start, match[0].id))
        return [(entry, ["*"] if entry.match_all else names) for entry, names in ordered], until


@lru_cache(maxsize=262144)
def _terms(tags_text: str) -> tuple[str, ...]:
    # Most groups keep their tags: each stored text is parsed once.
    return tuple(orjson.loads(tags_text))


@lru_cache(maxsize=262144)
def _group(name: str, terms: tuple[str, ...]) -> Group:
    # Indexed only when a group is matched afresh, and then once: that was half of a cold match.
    return group_of(name, terms)


MATCHES: Key[MonitorMatches] = Key("monitor_matches")  # provided by the downtimes feature


async def monitor_matches(request: Request) -> MonitorMatches:
    return services(request).get(MATCHES)


async def downtime_index(request: Request) -> DowntimeIndex:
    return services(request).get(live.INDEX)
