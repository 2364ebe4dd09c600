"""What one bucket of the downtime index says at an instant, for mute decisions.

A decision asks each bucket a group's keys reach: which of your downtimes apply to this
monitor, cover this group, and are active now, and when does that next change? Asked of each
downtime in turn that was ~1.4 µs a candidate at 100,000 downtimes, most of it cache misses on
downtimes spread over memory. Here a bucket's downtimes are sorted once by what decides them
(scope and monitor filter: most buckets hold few kinds), each kind with the list of its
downtimes active now and its next start or end. A decision then tests each kind once and adds
its active list whole; the view holds until its bucket changes or its first edge passes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, cast

from recess.core.schedule import edge_after
from recess.core.search import Clause, TagIndex

if TYPE_CHECKING:
    from recess.downtimes.matching import Entry


@dataclass(frozen=True, slots=True)
class Kind:
    """Downtimes that decide alike: the same scope and monitor filter."""

    scope: str
    monitor_id: int | None  # the monitor they are for, if one
    monitor_tags: frozenset[str] | None  # else the tags a monitor must carry (None: any monitor)
    # The scope's test of a group's tags: the plain clauses left once the bucket's key is known
    # (matching tests them in place), or else the compiled matcher.
    clauses: tuple[Clause, ...] | None
    matcher: Callable[[TagIndex], bool] | None
    active: tuple[Entry, ...]  # those active at the view's instant
    next_edge: datetime | None  # the first start or end after it among them (None: none)


@dataclass(frozen=True, slots=True)
class BucketView:
    version: int  # the bucket's, when the view was made
    since: datetime
    until: datetime | None  # the first edge among all its downtimes (None: never)
    kinds: tuple[Kind, ...]
    # It holds while its bucket's version is `version` and an instant is in [since, until).


class _Gathered:
    __slots__ = ("sample", "active", "next_edge")

    def __init__(self, sample: Entry) -> None:
        self.sample = sample
        self.active: list[Entry] = []
        self.next_edge: datetime | None = None


class Bucket:
    """The downtimes filed under one key, by id, and their latest view."""

    __slots__ = ("key", "entries", "version", "view")

    def __init__(self, key: tuple[object, ...] = ("all",)) -> None:
        self.key = key  # ("t", key, value), ("m", monitor id[, key, value]), ("mt", tag) or ("all",)
        self.entries: dict[int, Entry] = {}
        self.version = 0  # raised whenever a downtime comes or goes
        self.view: BucketView | None = None

    def __len__(self) -> int:
        return len(self.entries)


def view_of(entries: Iterable[Entry], version: int, now: datetime, key: tuple[object, ...] = ("all",)) -> BucketView:
    """The view of a bucket filed under `key` holding `entries` (at bucket version `version`)
    at `now`. What the key already tells of every group or monitor that reaches the bucket is
    not tested again: a term it presents, a monitor tag it carries."""
    by_kind: dict[tuple[object, ...], _Gathered] = {}
    until: datetime | None = None
    for entry in entries:
        which = (entry.scope, entry.monitor_id, entry.monitor_tags)
        kind = by_kind.get(which)
        if kind is None:
            kind = by_kind[which] = _Gathered(entry)
        window = entry.window(now)
        if not entry.canceled and window.start <= now and (window.end is None or now < window.end):
            kind.active.append(entry)
        edge = edge_after(window, now)
        if edge is not None:
            if kind.next_edge is None or edge < kind.next_edge:
                kind.next_edge = edge
            if until is None or edge < until:
                until = edge
    term = cast(tuple[str, str], key[-2:]) if key[0] == "t" or (key[0] == "m" and len(key) == 4) else None
    carried = cast(str, key[1]) if key[0] == "mt" else None
    return BucketView(version, now, until, tuple(_kind(k, term, carried) for k in by_kind.values()))


def _kind(gathered: _Gathered, term: tuple[str, str] | None, carried: str | None) -> Kind:
    sample = gathered.sample
    tags = None if sample.any_monitor or sample.monitor_id is not None else sample.monitor_tags
    if tags is not None and tags == {carried}:  # the monitor carries it, or it would not be here
        tags = None
    clauses = sample.clauses_given(term)
    return Kind(sample.scope, sample.monitor_id, tags, clauses, sample.cover_test() if clauses is None else None,
                tuple(gathered.active), gathered.next_edge)
