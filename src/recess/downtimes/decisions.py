"""Mute decisions kept per group while nothing they depend on has changed.

A group is decided on every transition it makes, and a flapping group makes many; the downtimes
change far less often. As Alertmanager's silencer keeps the silences that muted an alert for as
long as the set of silences has the same version, a decision here is given again while the
index has the same version and no downtime it looked at has started or stopped since. A fresh
decision costs ~5-10 µs at 1,000 to 100,000 downtimes (memory, not work, makes the
difference); a kept one a dictionary lookup (bench/matching.py prints both).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from recess.downtimes.matching import DowntimeIndex, Entry, Group

_Kept = tuple[int, datetime, datetime | None, list[Entry]]  # version, decided at, valid until, found


class KeptDecisions:
    """Kept per monitor (org, monitor id, monitor tags), then per group (name, tags as given):
    a read of a whole monitor's decisions (`MonitorMatches`) looks in one small table."""

    def __init__(self, index: DowntimeIndex, size: int = 100_000) -> None:
        self.index = index
        self.size = size
        self._kept: dict[tuple[int, int, frozenset[str]], dict[tuple[str, tuple[str, ...]], _Kept]] = {}
        self._count = 0

    def of_monitor(self, org_id: int, monitor_id: int, monitor_tags: frozenset[str]) -> Callable[
            [str, tuple[str, ...], datetime], tuple[list[Entry], datetime | None] | None]:
        """`kept` for the groups of one monitor, the monitor looked up once."""
        mine = self._kept.get((org_id, monitor_id, monitor_tags)) or {}
        version = self.index.version
        return lambda name, terms, now: _holding(mine.get((name, terms)), version, now)

    def kept(self, org_id: int, monitor_id: int, monitor_tags: frozenset[str], name: str, terms: tuple[str, ...],
             now: datetime) -> tuple[list[Entry], datetime | None] | None:
        """The decision kept for the group `name` with tags `terms` (as given) that still holds at
        `now`, and until when; None if none. By name and terms: a reader need not index the tags."""
        mine = self._kept.get((org_id, monitor_id, monitor_tags))
        return None if mine is None else _holding(mine.get((name, terms)), self.index.version, now)

    def matching(self, org_id: int, monitor_id: int, monitor_tags: frozenset[str], group: Group, now: datetime) -> list[Entry]:
        """`DowntimeIndex.matching`, kept."""
        kept = self.kept(org_id, monitor_id, monitor_tags, group.name, group.terms, now)
        if kept is not None:
            return kept[0]
        version = self.index.version  # read first: a change while deciding makes the next decision afresh
        found, until = self.index.matching_until(org_id, monitor_id, monitor_tags, group, now)
        if self._count >= self.size:
            self._kept = {}
            self._count = 0
        mine = self._kept.setdefault((org_id, monitor_id, monitor_tags), {})
        self._count += (group.name, group.terms) not in mine
        mine[(group.name, group.terms)] = (version, now, until, found)
        return found


def _holding(kept: _Kept | None, version: int, now: datetime) -> tuple[list[Entry], datetime | None] | None:
    """A kept decision's entries and end, if it was made at `version` and still holds at `now`."""
    if kept is not None and kept[0] == version and kept[1] <= now and (kept[2] is None or now < kept[2]):
        return kept[3], kept[2]
    return None
