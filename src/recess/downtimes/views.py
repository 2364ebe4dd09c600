"""What one bucket of the downtime index says at an instant, for mute decisions.

A decision asks each bucket a group's keys reach: which of your downtimes apply to this
monitor, cover this group, and are active now, and when does that next change? Asked of each
downtime in turn that was ~1.4 µs a candidate at 100,000 downtimes, most of it cache misses on
downtimes spread over memory. Here a bucket's downtimes are sorted once by what decides them
(scope and monitor filter: most buckets hold few kinds), each kind with the list of its
downtimes active now and its next start or end. Kinds the bucket's key alone decides (`host:a`
filed under host:a) are one list. A decision then tests each other kind once and adds active
lists whole; the view holds until its bucket changes or its first edge passes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from recess.core.schedule import edge_after
from recess.core.search import Clause, TagIndex

if TYPE_CHECKING:
    from recess.downtimes.buckets import Bucket
    from recess.downtimes.matching import Entry


class Kind(NamedTuple):
    """Downtimes that decide alike: the same scope and monitor filter."""

    monitor_id: int | None  # the monitor they are for, if one
    monitor_tags: frozenset[str] | None  # else the tags a monitor must carry (None: any monitor)
    # The scope's test of a group's tags: the plain clauses left once the bucket's key is known
    # (matching tests them in place), or else the compiled matcher.
    clauses: tuple[Clause, ...] | None
    matcher: Callable[[TagIndex], bool] | None
    active: tuple[Entry, ...]  # those active at the view's instant
    next_edge: datetime | None  # the first start or end after it among them (None: none)


class BucketView(NamedTuple):
    """What a bucket says from `since` until `until` (None: for ever), while no downtime comes
    or goes. Tuples, unpacked at once: a decision at 100,000 downtimes is mostly memory reads."""

    since: datetime
    until: datetime | None  # the first edge among all its downtimes
    # Every group and monitor that reaches the bucket is covered by these kinds (no filter or
    # clause left once the key is known, as `host:a` filed under host:a): their active
    # downtimes as one tuple, and their first edge.
    always: tuple[Entry, ...]
    always_edge: datetime | None
    kinds: tuple[Kind, ...]  # the others, tested one by one
    bucket: Bucket  # whose view it is


_NEVER = datetime.max.replace(tzinfo=UTC)


def stale_view(bucket: Bucket) -> BucketView:
    """A view that holds at no instant: a decision makes its bucket's view afresh."""
    return BucketView(_NEVER, _NEVER, (), None, (), bucket)


class _Gathered:
    __slots__ = ("sample", "active", "next_edge")

    def __init__(self, sample: Entry) -> None:
        self.sample = sample
        self.active: list[Entry] = []
        self.next_edge: datetime | None = None


def view_of(bucket: Bucket, entries: Iterable[Entry], now: datetime) -> BucketView:
    """The view at `now` of `bucket` holding `entries`. What its key already tells of every group
    or monitor that reaches it is not tested again: a term the group presents, a monitor tag
    the monitor carries."""
    term, carried = bucket.term, bucket.carried
    by_kind: dict[tuple[object, ...], _Gathered] = {}
    until: datetime | None = None
    for entry in entries:
        which = (entry.scope, entry.monitor_id, entry.monitor_tags)
        gathered = by_kind.get(which)
        if gathered is None:
            gathered = by_kind[which] = _Gathered(entry)
        window = entry.window(now)
        if not entry.canceled and window.start <= now and (window.end is None or now < window.end):
            gathered.active.append(entry)
        edge = edge_after(window, now)
        if edge is not None:
            if gathered.next_edge is None or edge < gathered.next_edge:
                gathered.next_edge = edge
            if until is None or edge < until:
                until = edge
    always: list[Entry] = []
    always_edge: datetime | None = None
    kinds: list[Kind] = []
    for each in by_kind.values():
        kind = _kind(each, term, carried, bucket.key[0] == "m")
        if kind.monitor_id is None and kind.monitor_tags is None and kind.clauses == ():
            always += kind.active
            if kind.next_edge is not None and (always_edge is None or kind.next_edge < always_edge):
                always_edge = kind.next_edge
        else:
            kinds.append(kind)
    return BucketView(now, until, tuple(always), always_edge, tuple(kinds), bucket)


def _kind(gathered: _Gathered, term: tuple[str, str] | None, carried: str | None, monitor_known: bool) -> Kind:
    sample = gathered.sample
    # A monitor's own bucket is reached by that monitor only: its id need not be tested.
    monitor_id = None if monitor_known else sample.monitor_id
    tags = None if sample.any_monitor or sample.monitor_id is not None else sample.monitor_tags
    if tags is not None and tags == {carried}:  # the monitor carries it, or it would not be here
        tags = None
    clauses = sample.clauses_given(term)
    return Kind(monitor_id, tags, clauses, sample.cover_test() if clauses is None else None,
                tuple(gathered.active), gathered.next_edge)
