"""Which downtimes apply to which monitor groups, and an index that keeps the answer fast.

A downtime applies to a monitor by its identifier (the monitor's id, or monitor tags that the
monitor all carries; `*` for every monitor) and to a group by its scope, matched against the
group's tags. The index files each downtime under one key that any group it can match must
present (its monitor id, a `key:value` term its scope requires, one of its monitor tags, or
else a global bucket), so that a decision looks at few candidates, not every downtime; and it
asks each bucket's view (views) rather than each downtime in it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache, partial
from sys import intern
from threading import RLock
from typing import Any

from recess.core.schedule import Recurring, Schedule, Window, edge_after, state_at
from recess.core.search import Clause, MatchAll, TagIndex, clauses_match, clauses_of, compile_matcher, index_tags, parse, required_terms
from recess.downtimes.buckets import Bucket, Key, OrgBuckets, term_name
from recess.downtimes.rules import schedule_of
from recess.downtimes.views import BucketView, view_of

_ALL: Key = ("all",)
_NONE: frozenset[str] = frozenset()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # any instant reads a one-time schedule's bounds
_END_STATES = {"Alert": "alert", "Warn": "warn", "No Data": "no data"}  # group state -> notify_end_states value


# Filing a downtime needs only the shape of its scope; the compiled matcher is built the first
# time a group is tested against it (most stored downtimes are never tested before they end),
# so loading the index at start parses each scope once and compiles none.
@lru_cache(maxsize=262144)
def _shape(scope: str) -> tuple[bool, frozenset[tuple[str, str]], tuple[Clause, ...] | None]:
    tree = parse(scope)
    return isinstance(tree, MatchAll), required_terms(tree), clauses_of(tree)


@lru_cache(maxsize=65536)
def _matcher(scope: str) -> Callable[[TagIndex], bool]:
    return compile_matcher(parse(scope))


@lru_cache(maxsize=65536)
def _cover_test(scope: str) -> Callable[[TagIndex], bool]:
    clauses = _shape(scope)[2]  # simple scopes need no compiled matcher
    return partial(clauses_match, clauses) if clauses is not None else _matcher(scope)


@lru_cache(maxsize=65536)
def _clauses_given(scope: str, term: tuple[str, str]) -> tuple[Clause, ...] | None:
    """The clauses left to test of a plain scope for groups known to present `term` (the key of
    the bucket its downtime is filed under): those that term satisfies are not tested again
    (`host:a` filed under host:a leaves none). None for a scope that is not plain clauses."""
    clauses = _shape(scope)[2]
    if clauses is None:
        return None
    key, value = term
    return _shared(tuple(clause for clause in clauses if not (clause[2] and clause[0] == key and value in clause[1])))


@lru_cache(maxsize=65536)
def _shared(clauses: tuple[Clause, ...]) -> tuple[Clause, ...]:
    """One object for equal clauses: `service:a env:prod` filed under service:a and `service:b
    env:prod` under service:b leave the same `env:prod` to test, and a decision reading one
    object that stays in the cache costs less than reading one per scope."""
    return clauses


@dataclass(slots=True)
class Entry:
    """A downtime as matching sees it. Slotted: a decision reads ~20 of 100,000 entries, and
    fewer memory lines an entry is fewer cache misses (a decision at 100,000 took 2.5 times
    as long as at 1,000 with the same candidates)."""

    id: int
    uuid: str
    org_id: int
    scope: str
    monitor_id: int | None
    monitor_tags: frozenset[str] | None
    schedule: Schedule
    canceled: bool = False
    mute_first_recovery_notification: bool = False
    notify_end_states: tuple[str, ...] = ()
    notify_end_types: tuple[str, ...] = ()
    # No window of it ends after this (None: it may never end). Pruning reads it rather than
    # computing every entry's window.
    ends_by: datetime | None = None
    # (computed at, valid until or None, the window): the window stands for every instant in
    # between; one tuple so that threads sharing the entry never mix two computations.
    _cache: tuple[datetime, datetime | None, Window] | None = field(default=None, repr=False)
    any_monitor: bool = field(init=False, repr=False, compare=False)  # see __post_init__
    # The scope's test, built the first time a group is tested against it (see _shape).
    _covers: Callable[[TagIndex], bool] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Applies to every monitor: no monitor id; no monitor tags, or `*` among them.
        self.any_monitor = self.monitor_id is None and (not self.monitor_tags or "*" in self.monitor_tags)

    @property
    def matcher(self) -> Callable[[TagIndex], bool]:
        return _matcher(self.scope)

    @property
    def match_all(self) -> bool:
        return _shape(self.scope)[0]

    def keys(self) -> list[Key]:
        """The keys this downtime may be filed under: any group it matches presents each."""
        required = sorted((intern(key), intern(value)) for key, value in _shape(self.scope)[1])
        if self.monitor_id is not None:  # a term its scope requires narrows it further
            return [("m", self.monitor_id, *term) for term in required] or [("m", self.monitor_id)]
        if required:
            return [("t", *term) for term in required]
        if self.monitor_tags and "*" not in self.monitor_tags:
            return [("mt", tag) for tag in sorted(self.monitor_tags)]
        return [_ALL]

    def window(self, now: datetime) -> Window:
        """The current occurrence, cached until it can change.

        Only for instants from the one it was computed at: a decision at an earlier instant (a
        window end handled late, a request that read the clock before another) computes afresh.
        """
        cache = self._cache
        if cache is None or now < cache[0] or (cache[1] is not None and now >= cache[1]):
            window = self.schedule.current(now)
            cache = (now, window.start if now < window.start else window.end, window)
            self._cache = cache
        return cache[2]

    def changes_after(self, now: datetime) -> datetime | None:
        """The next instant after `now` at which this downtime starts or stops being active
        (None: never, as far as its schedule says)."""
        return edge_after(self.window(now), now)

    def active_at(self, now: datetime) -> bool:
        return not self.canceled and state_at(self.window(now), now) == "active"

    def applies_to_monitor(self, monitor_id: int, monitor_tags: frozenset[str]) -> bool:
        if self.monitor_id is not None:
            return self.monitor_id == monitor_id
        return self.any_monitor or (self.monitor_tags is not None and self.monitor_tags <= monitor_tags)

    def cover_test(self) -> Callable[[TagIndex], bool]:
        """The scope's test of a group's tags, built the first time it is asked for (one for
        every downtime with the same scope)."""
        covers = self._covers
        if covers is None:
            covers = self._covers = _cover_test(self.scope)
        return covers

    def clauses_given(self, term: tuple[str, str] | None) -> tuple[Clause, ...] | None:
        """For a plain scope, the clauses left to test of groups known to present `term` (None:
        nothing known); None for a scope that needs its compiled matcher (`cover_test`)."""
        return _shape(self.scope)[2] if term is None else _clauses_given(self.scope, term)

    def covers(self, group_tags: TagIndex) -> bool:
        return self.cover_test()(group_tags)

    def renotifies(self, how: str, group_state: str) -> bool:
        """Whether ending `how` ("expired" | "canceled") notifies a covered group in `group_state` again."""
        return _END_STATES.get(group_state) in self.notify_end_states and how in self.notify_end_types


def entry_of(row: Any) -> Entry:
    """An Entry from a downtime row (or anything with the same attributes)."""
    return Entry(
        id=row.id, uuid=row.uuid, org_id=row.org_id, scope=row.scope, monitor_id=row.monitor_id,
        monitor_tags=frozenset(t.lower() for t in row.monitor_tags) if row.monitor_tags is not None else None,
        schedule=schedule_of(row.start, row.end, row.timezone, row.recurrences), canceled=row.canceled is not None,
        mute_first_recovery_notification=row.mute_first_recovery_notification,
        notify_end_states=tuple(row.notify_end_states), notify_end_types=tuple(row.notify_end_types),
        ends_by=row.end,
    )


def _discard_sorted(values: list[datetime], value: datetime) -> None:
    at = bisect_left(values, value)
    if at < len(values) and values[at] == value:
        del values[at]


def monitor_tag_set(tags: Iterable[str]) -> frozenset[str]:
    return frozenset(t.strip().lower() for t in tags)


@dataclass(frozen=True, slots=True)
class Group:
    """A monitor group as matching sees it (group_of makes one from its tags)."""

    name: str
    tags: TagIndex
    terms: tuple[str, ...] = ()  # the tags as given: what a kept decision is keyed by
    # Its `key:value` tags as the index names them (buckets.term_name): where downtimes that
    # require one are filed.
    term_names: tuple[str, ...] = ()


def group_of(name: str, tags: Iterable[str]) -> Group:
    given = tuple(tags)
    indexed, names = _indexed(given)
    return Group(name, indexed, given, names)


@lru_cache(maxsize=65536)
def _indexed(tags: tuple[str, ...]) -> tuple[TagIndex, tuple[str, ...]]:
    """A group's tags indexed and named once, however often its monitor is read or the group
    transitions."""
    indexed = index_tags(tags)
    return indexed, tuple(term_name(key, value) for key, values in indexed.items() for value in values)


class DowntimeIndex:
    """Downtimes filed by one key any group they match must present. Thread-safe.

    Of the keys a downtime could go under (`service:a env:prod` could go under either term),
    it goes under the one whose bucket is smallest now, so common terms do not collect
    everything and a decision keeps looking at few candidates.
    """

    def __init__(self) -> None:
        self._entries: dict[int, Entry] = {}
        self._filed: dict[int, tuple[OrgBuckets, Bucket]] = {}
        self._buckets: dict[int, OrgBuckets] = {}  # per org: the entries themselves by key, and views
        self._recurring: set[int] = set()  # ids of recurring entries (a list of active ones reads them)
        # Per org, the sorted starts and ends of its one-time entries: how many are active at an
        # instant is two binary searches, not a scan (a list's total with 100,000 downtimes).
        self._starts: dict[int, list[datetime]] = {}
        self._ends: dict[int, list[datetime]] = {}
        self._recurring_version = 0  # raised whenever a recurring entry comes or goes
        self.version = 0  # raised by every put and removal: an answer kept at one version holds while it does
        # (version, computed at, valid until, org -> ids of recurring entries active then)
        self._recurring_kept: tuple[int, datetime, datetime | None, dict[int, list[int]]] | None = None
        self._lock = RLock()
        self.refreshing = RLock()
        self.seq: int | None = None  # the downtime change sequence applied so far (see live)
        # Per org, how many downtimes are stored, canceled and ended ones too (a list's total):
        # counted once at load, then one more for each new row applied (live).
        self._stored: dict[int, int] = {}
        self.pruned_at: datetime | None = None
        self.refreshed_at: datetime | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, entry: Entry) -> None:
        with self._lock:
            self.remove(entry.id)
            self.version += 1
            if entry.canceled:
                return
            self._entries[entry.id] = entry
            if isinstance(entry.schedule, Recurring):
                self._recurring.add(entry.id)
                self._recurring_version += 1
            else:
                bounds = entry.schedule.current(_EPOCH)
                insort(self._starts.setdefault(entry.org_id, []), bounds.start)
                if bounds.end is not None:
                    insort(self._ends.setdefault(entry.org_id, []), bounds.end)
            mine = self._buckets.get(entry.org_id)
            if mine is None:
                mine = self._buckets[entry.org_id] = OrgBuckets()
            bucket = mine.ensure(min(entry.keys(), key=mine.size))
            self._filed[entry.id] = (mine, bucket)
            bucket.entries[entry.id] = entry
            bucket.changed()

    def remove(self, downtime_id: int) -> None:
        with self._lock:
            entry = self._entries.pop(downtime_id, None)
            if entry is not None:
                self.version += 1
            if downtime_id in self._recurring:
                self._recurring.discard(downtime_id)
                self._recurring_version += 1
            if entry is not None and not isinstance(entry.schedule, Recurring):
                bounds = entry.schedule.current(_EPOCH)
                _discard_sorted(self._starts[entry.org_id], bounds.start)
                if bounds.end is not None:
                    _discard_sorted(self._ends[entry.org_id], bounds.end)
            where = self._filed.pop(downtime_id, None)
            if where is not None:
                mine, bucket = where
                bucket.entries.pop(downtime_id, None)
                bucket.changed()
                if not bucket.entries:
                    mine.discard(bucket)

    def recurring_active(self, org_id: int, now: datetime) -> list[int]:
        """Ids of the org's recurring downtimes inside an occurrence at `now`.

        Kept for every org until a recurring entry changes or an occurrence starts or ends:
        testing 10,000 recurring downtimes on every `current_only` page took ~10 ms."""
        kept = self._recurring_kept
        if kept is None or kept[0] != self._recurring_version or not kept[1] <= now or (kept[2] is not None and now >= kept[2]):
            with self._lock:
                version, entries = self._recurring_version, [self._entries[i] for i in self._recurring]
            by_org: dict[int, list[int]] = {}
            until: datetime | None = None
            for entry in entries:
                edge = entry.changes_after(now)
                if edge is not None and (until is None or edge < until):
                    until = edge
                if entry.active_at(now):
                    by_org.setdefault(entry.org_id, []).append(entry.id)
            kept = (version, now, until, by_org)
            self._recurring_kept = kept
        return list(kept[3].get(org_id, ()))

    def active_count(self, org_id: int, now: datetime) -> int:
        """How many of the org's downtimes are active at `now`: a one-time one from its start
        until its end, a recurring one inside an occurrence."""
        with self._lock:
            starts, ends = self._starts.get(org_id, []), self._ends.get(org_id, [])
            one_time = bisect_right(starts, now) - bisect_right(ends, now)  # every end follows its start
        return one_time + len(self.recurring_active(org_id, now))

    def set_stored(self, counts: dict[int, int]) -> None:
        with self._lock:
            self._stored = dict(counts)

    def add_stored(self, org_id: int) -> None:
        with self._lock:
            self._stored[org_id] = self._stored.get(org_id, 0) + 1

    def stored_count(self, org_id: int) -> int:
        """How many downtimes the org has stored, as of the last refresh."""
        return self._stored.get(org_id, 0)

    def get(self, downtime_id: int) -> Entry | None:
        return self._entries.get(downtime_id)

    def entries(self, org_id: int | None = None) -> list[Entry]:
        with self._lock:
            return [e for e in self._entries.values() if org_id is None or e.org_id == org_id]

    @staticmethod
    def _reached(mine: OrgBuckets, monitor_id: int, monitor_tags: Iterable[str], terms: tuple[str, ...]) -> list[BucketView | None]:
        """The views of the buckets a monitor and groups presenting `terms` (term names) reach:
        where what may match them is filed. None where there is no such bucket."""
        reached = [mine.every.get("*"), mine.monitors.get(monitor_id), *map(mine.monitor_tags.get, monitor_tags), *map(mine.terms.get, terms)]
        own = mine.own_terms.get(monitor_id)
        if own:  # most monitors have no downtime of their own
            reached += map(own.get, terms)
        return reached

    def _filed_under(self, org_id: int, monitor_id: int, monitor_tags: frozenset[str],
                     terms: Iterable[str]) -> list[tuple[Entry, Bucket]]:
        """The downtimes filed under a key the monitor or its groups' `terms` present, with their bucket."""
        with self._lock:
            mine = self._buckets.get(org_id)
            if mine is None:
                return []
            reached = self._reached(mine, monitor_id, monitor_tags, tuple(terms))
            return [(entry, view.bucket) for view in reached if view is not None for entry in view.bucket.entries.values()]

    def _view_now(self, bucket: Bucket, now: datetime) -> BucketView:
        """What `bucket` says at `now` (views), made afresh."""
        with self._lock:
            version, entries = bucket.version, list(bucket.entries.values())
        view = view_of(bucket, entries, now)
        with self._lock:  # a view made of entries since changed is not kept
            bucket.keep(view, version)
        return view

    def _candidates(self, org_id: int, monitor_id: int, monitor_tags: frozenset[str], groups: Iterable[Group]) -> list[Entry]:
        terms = {name for group in groups for name in group.term_names}
        return [entry for entry, _ in self._filed_under(org_id, monitor_id, monitor_tags, terms)]

    def matching(self, org_id: int, monitor_id: int, monitor_tags: frozenset[str], group: Group, now: datetime) -> list[Entry]:
        """The downtimes active at `now` that mute this group of this monitor."""
        return self.matching_until(org_id, monitor_id, monitor_tags, group, now)[0]

    def matching_until(self, org_id: int, monitor_id: int, monitor_tags: frozenset[str], group: Group,
                       now: datetime) -> tuple[list[Entry], datetime | None]:
        """`matching`, and the first instant after `now` at which the answer can change by time
        alone (a downtime it looked at starts or stops; None: never).

        Asked of each bucket's view (views): each kind of downtime in it is tested once and its
        active ones added whole, so a decision costs the kinds it meets, not the downtimes."""
        found: list[Entry] = []
        until: datetime | None = None
        mine = self._buckets.get(org_id)
        if mine is None:
            return found, until
        tags = group.tags
        covered: dict[Callable[[TagIndex], bool], bool] = {}  # a compiled scope met in several kinds is tested once
        for view in self._reached(mine, monitor_id, monitor_tags, group.term_names):
            if view is None:
                continue
            since, view_until, always, edge, kinds, bucket = view
            if now < since or (view_until is not None and now >= view_until):  # it holds no longer (or yet)
                _, _, always, edge, kinds, _ = self._view_now(bucket, now)
            if always:
                found += always
            if edge is not None and (until is None or edge < until):
                until = edge
            for kind_monitor, kind_tags, clauses, test, active, edge in kinds:
                if kind_monitor is not None:
                    if kind_monitor != monitor_id:
                        continue
                elif kind_tags is not None and not kind_tags <= monitor_tags:
                    continue
                if clauses is None:
                    assert test is not None
                    covers = covered.get(test)
                    if covers is None:
                        covers = covered[test] = test(tags)
                else:  # plain clauses, tested in place: calling a test per kind was ~15% of a decision
                    covers = True
                    for term_key, values, wanted in clauses:
                        if values.isdisjoint(tags.get(term_key, _NONE)) is wanted:
                            covers = False
                            break
                if not covers:
                    continue
                found += active
                if edge is not None and (until is None or edge < until):
                    until = edge
        return found, until

    def matches_for_monitor(
        self, org_id: int, monitor_id: int, monitor_tags: frozenset[str], groups: list[Group], now: datetime
    ) -> list[tuple[Entry, list[str]]]:
        """Active downtimes that apply to the monitor, each with the groups it covers
        (`["*"]` for a `*` scope). A monitor without groups is matched as one empty group."""
        return self.matches_for_monitor_until(org_id, monitor_id, monitor_tags, groups, now)[0]

    def matches_for_monitor_until(
        self, org_id: int, monitor_id: int, monitor_tags: frozenset[str], groups: list[Group], now: datetime
    ) -> tuple[list[tuple[Entry, list[str]]], datetime | None]:
        """`matches_for_monitor`, and the first instant after `now` at which the answer can change
        by time alone (a downtime it looked at starts or stops; None: never)."""
        groups = groups or [Group("*", {})]
        # A downtime filed under a term is tested only against the groups that present it: any
        # group it covers does (the term is required by its scope).
        presenting: dict[str, list[Group]] = {}  # by term name
        for group in groups:
            for name in group.term_names:
                presenting.setdefault(name, []).append(group)
        out = []  # (window start, id, entry, covered): sorted by the first two
        until: datetime | None = None
        for entry, filed in self._filed_under(org_id, monitor_id, monitor_tags, presenting):
            if not entry.applies_to_monitor(monitor_id, monitor_tags):
                continue
            window = entry.window(now)  # one window decides both when it changes and whether active
            edge = window.start if now < window.start else window.end
            if edge is not None and edge > now and (until is None or edge < until):
                until = edge
            if entry.canceled or now < window.start or (window.end is not None and window.end <= now):
                continue
            if entry.match_all:
                out.append((window.start, entry.id, entry, ["*"]))
                continue
            term = filed.term
            pool = presenting.get(term_name(*term), []) if term else groups
            covers = entry.covers
            covered = [g.name for g in pool if covers(g.tags)]
            if covered:
                out.append((window.start, entry.id, entry, covered))
        out.sort(key=lambda found: (found[0], found[1]))
        return [(entry, covered) for _, _, entry, covered in out], until
