"""Component status history: the 90-day bars and uptime percentages, as pure functions.

Why a module of its own: the history is derived, never stored. Each update of a degradation or a
maintenance (backfilled ones included) sets the statuses of the components it names from its
`started_at` until the next update of the same timeline, or until now while the timeline is
open; resolved, completed, canceled and scheduled updates set nothing. Where timelines overlap,
the worst status wins (the same order as the live component status, `rules.worst`).

Days are UTC days. A day's cell shows the worst status of that day and names what happened.
Uptime is computed as Atlassian Statuspage does: time in `major_outage` counts as down, time in
`partial_outage` as 30 % down, degraded performance and maintenance as up; over the last 90 days,
or since the component first appears (its creation or its earliest recorded event) if later.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from recess.statuspages import rules
from recess.statuspages.snapshot import Event, Node

DAYS = 90
PARTIAL_WEIGHT = 0.3  # Statuspage's weight of a partial outage
_QUIET = frozenset({"resolved", "completed", "canceled", "scheduled"})
NO_DATA = "no_data"


@dataclass(frozen=True)
class Segment:
    """A component in `status` from `start` to `end`, because of an event."""

    start: datetime
    end: datetime
    status: str
    kind: str
    event_id: str
    title: str


@dataclass(frozen=True)
class Day:
    date: date
    status: str  # the worst status of the day, or NO_DATA before the component existed
    spans: tuple[tuple[str, float], ...]  # seconds spent in each non-operational status, worst first
    events: tuple[tuple[str, str, str], ...]  # (kind, id, title) of what happened that day


@dataclass(frozen=True)
class Bar:
    days: tuple[Day, ...]  # oldest first, today last
    uptime: float  # percent, floored to 2 decimals so that any downtime shows below 100


def segments(events: Iterable[Event], now: datetime) -> dict[str, list[Segment]]:
    """Component id -> the periods it was not operational, from every timeline."""
    out: dict[str, list[Segment]] = {}
    for event in events:
        updates = sorted(event.updates, key=lambda u: u.started_at)
        for i, update in enumerate(updates):
            if update.status in _QUIET:
                continue
            start = min(update.started_at, now)
            end = min(updates[i + 1].started_at if i + 1 < len(updates) else now, now)
            if end <= start:
                continue
            for item in update.components:
                if item.status != "operational":
                    out.setdefault(item.id, []).append(Segment(start, end, item.status, event.kind, event.id, event.title))
    return out


def pieces(segs: Sequence[Segment]) -> list[tuple[datetime, datetime, str]]:
    """The periods of `segs` cut where the worst status then changes, each with that status."""
    bounds = sorted({s.start for s in segs} | {s.end for s in segs})
    out: list[tuple[datetime, datetime, str]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        covering = [s.status for s in segs if s.start < b and s.end > a]
        if not covering:
            continue
        status = rules.worst(covering)
        if out and out[-1][1] == a and out[-1][2] == status:
            out[-1] = (out[-1][0], b, status)
        else:
            out.append((a, b, status))
    return out


def floor2(percent: float) -> float:
    """Floored to 2 decimals (so 99.999 shows 99.99, never 100), past float noise (97.29 stays)."""
    return math.floor(percent * 100 + 1e-6) / 100


def _overlap(a: datetime, b: datetime, lo: datetime, hi: datetime) -> float:
    return max(0.0, (min(b, hi) - max(a, lo)).total_seconds())


def uptime(cut: Sequence[tuple[datetime, datetime, str]], start: datetime, end: datetime) -> float:
    """Percent of [start, end) up: major outage down, partial outage 30 % down."""
    total = (end - start).total_seconds()
    if total <= 0:
        return 100.0
    down = sum(_overlap(a, b, start, end) * (1.0 if s == "major_outage" else PARTIAL_WEIGHT if s == "partial_outage" else 0.0)
               for a, b, s in cut)
    return floor2(max(0.0, 100.0 * (1 - down / total)))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)


def _by_day(start: datetime, end: datetime) -> list[tuple[date, float]]:
    """The UTC days [start, end) touches, with the seconds spent in each."""
    out = []
    while start < end:
        next_midnight = _midnight(start.astimezone(UTC).date() + timedelta(days=1))
        out.append((start.astimezone(UTC).date(), (min(end, next_midnight) - start).total_seconds()))
        start = next_midnight
    return out


def bar(segs: Sequence[Segment], since: datetime, now: datetime, days: int = DAYS) -> Bar:
    """One component's bar: `days` UTC days ending today; days before `since` have no data."""
    cut = pieces(segs)
    first_seen = min([since, *(s.start for s in segs)])
    today = now.astimezone(UTC).date()
    spent: dict[date, dict[str, float]] = {}
    for a, b, status in cut:
        for day, seconds in _by_day(a, b):
            spent.setdefault(day, {})
            spent[day][status] = spent[day].get(status, 0.0) + seconds
    happened: dict[date, dict[tuple[str, str, str], None]] = {}
    for s in sorted(segs, key=lambda s: s.start):
        for day, _ in _by_day(s.start, s.end):
            happened.setdefault(day, {})[(s.kind, s.event_id, s.title)] = None
    cells = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        if _midnight(day + timedelta(days=1)) <= first_seen:
            cells.append(Day(day, NO_DATA, (), ()))
            continue
        statuses = spent.get(day, {})
        order = sorted(statuses, key=lambda s: -rules.severity(s))
        cells.append(Day(day, rules.worst(statuses), tuple((s, statuses[s]) for s in order), tuple(happened.get(day, ()))))
    window_start = max(_midnight(today - timedelta(days=days - 1)), first_seen)
    return Bar(tuple(cells), uptime(cut, window_start, now))


def group_bar(children: Sequence[Bar]) -> Bar:
    """A group's bar: each day the worst of its components' days; uptime their mean."""
    if not children:
        return Bar((), 100.0)
    cells = []
    for same_day in zip(*(b.days for b in children), strict=True):
        known = [d for d in same_day if d.status != NO_DATA]
        spent: dict[str, float] = {}
        for d in known:
            for s, seconds in d.spans:
                spent[s] = max(spent.get(s, 0.0), seconds)
        events = dict.fromkeys(e for d in known for e in d.events)
        status = rules.worst(d.status for d in known) if known else NO_DATA
        spans = tuple(sorted(spent.items(), key=lambda item: -rules.severity(item[0])))
        cells.append(Day(same_day[0].date, status, spans, tuple(events)))
    return Bar(tuple(cells), floor2(sum(b.uptime for b in children) / len(children)))


def bars(components: Sequence[Node], events: Iterable[Event], now: datetime, days: int = DAYS) -> dict[str, Bar]:
    """Component and group id -> its bar."""
    by_component = segments(events, now)
    out: dict[str, Bar] = {}
    for node in components:
        for leaf in node.leaves():
            out[leaf.id] = bar(by_component.get(leaf.id, []), leaf.created_at, now, days)
        if node.type == "group":
            out[node.id] = group_bar([out[c.id] for c in node.children])
    return out
