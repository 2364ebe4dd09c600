"""Where the downtime index files its downtimes: one org's buckets, by what reaches them.

A bucket holds the downtimes filed under one key (matching): every downtime, a monitor's own,
a monitor tag's, a `key:value` term's, or a monitor's own under a term. Each kind of key has
its own table, and a term's table is keyed by one interned `key:value` string, whose hash is
kept in the string: a decision looks up ten or so keys, and with tuple keys, hashed afresh
and compared element by element, those lookups took ~20% of a decision at 100,000 downtimes.
A table holds each bucket's view itself, so that a decision reads one object less a bucket.
"""

from __future__ import annotations

from functools import lru_cache
from sys import intern
from typing import TYPE_CHECKING, Any

from recess.downtimes.views import BucketView, stale_view

if TYPE_CHECKING:
    from recess.downtimes.matching import Entry

Key = tuple[Any, ...]  # ("all",), ("m", monitor id), ("m", monitor id, key, value), ("mt", tag), ("t", key, value)


@lru_cache(maxsize=262144)
def term_name(key: str, value: str) -> str:
    """The one string a term is looked up by (`canary` is ("canary", ""): "canary:")."""
    return intern(f"{key}:{value}")


class Bucket:
    """The downtimes filed under one key, by id. Its table holds its view while that holds."""

    __slots__ = ("key", "term", "carried", "entries", "version", "table", "name", "stale")

    def __init__(self, key: Key, table: dict[Any, BucketView], name: object) -> None:
        self.key = key
        # What the key tells of every group or monitor that reaches the bucket: a term the
        # group presents, or a tag the monitor carries.
        self.term: tuple[str, str] | None = key[-2:] if key[0] == "t" or (key[0] == "m" and len(key) == 4) else None
        self.carried: str | None = key[1] if key[0] == "mt" else None
        self.entries: dict[int, Entry] = {}
        self.version = 0  # raised whenever a downtime comes or goes
        self.table, self.name = table, name
        self.stale = stale_view(self)  # what its table holds when its view must be made afresh
        table[name] = self.stale

    def __len__(self) -> int:
        return len(self.entries)

    def changed(self) -> None:
        """Called with the index locked whenever a downtime comes or goes."""
        self.version += 1
        if self._filed():
            self.table[self.name] = self.stale

    def keep(self, view: BucketView, version: int) -> None:
        """Called with the index locked: keep a view made at `version` if nothing changed since."""
        if version == self.version and self._filed():
            self.table[self.name] = view

    def _filed(self) -> bool:
        view = self.table.get(self.name)
        return view is not None and view.bucket is self


class OrgBuckets:
    """One org's buckets. Each table holds, by what reaches a bucket, the bucket's current view
    (views.BucketView), which names its bucket: a decision reads the views directly and reaches
    a bucket only to make its view afresh (matching)."""

    __slots__ = ("every", "monitors", "monitor_tags", "terms", "own_terms")

    def __init__(self) -> None:
        self.every: dict[str, BucketView] = {}  # under "*": downtimes for any group of any monitor
        self.monitors: dict[int, BucketView] = {}  # a monitor's own that require no term
        self.monitor_tags: dict[str, BucketView] = {}  # by a tag the monitor must carry
        self.terms: dict[str, BucketView] = {}  # by a term the group must present (term_name)
        self.own_terms: dict[int, dict[str, BucketView]] = {}  # a monitor's own, by a term they require

    def _table(self, key: Key, create: bool) -> tuple[dict[Any, BucketView] | None, Any]:
        kind = key[0]
        if kind == "t":
            return self.terms, term_name(key[1], key[2])
        if kind == "mt":
            return self.monitor_tags, key[1]
        if kind == "m" and len(key) == 2:
            return self.monitors, key[1]
        if kind == "m":
            own = self.own_terms.get(key[1])
            if own is None and create:
                own = self.own_terms[key[1]] = {}
            return own, term_name(key[2], key[3])
        return self.every, "*"

    def get(self, key: Key) -> Bucket | None:
        table, name = self._table(key, False)
        view = None if table is None else table.get(name)
        return None if view is None else view.bucket

    def size(self, key: Key) -> int:
        bucket = self.get(key)
        return 0 if bucket is None else len(bucket.entries)

    def ensure(self, key: Key) -> Bucket:
        bucket = self.get(key)
        if bucket is None:
            table, name = self._table(key, True)
            assert table is not None
            bucket = Bucket(key, table, name)
        return bucket

    def discard(self, bucket: Bucket) -> None:
        """Forget an emptied bucket (a reader that still holds its view sees no downtimes)."""
        table = bucket.table
        view = table.get(bucket.name)
        if view is not None and view.bucket is bucket:
            del table[bucket.name]
            if bucket.key[0] == "m" and len(bucket.key) == 4 and not table:
                self.own_terms.pop(bucket.key[1], None)
