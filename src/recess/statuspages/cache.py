"""Rendered public answers kept per app, so that a status page view costs almost nothing.

Why: a status page is read far more than it changes, and most at once when something is wrong.
An answer is kept under (page, what) with the page's version (`store.page_version`) and an
expiry, and served again while the version is the same and it has not expired. Expiry covers
what changes with time alone: a day's bar and the uptime (the next UTC midnight), or a minute
while something is open (its outage is still growing).

The version itself is asked of the database at most once a second per page (`RECHECK`), and at
once after this process commits a change to any status page row (`watch` wakes the app's
"statuspages" waker). So this process's own writes show on the next view; another process's
(several on one PostgreSQL) within a second, well inside the 10 s browsers may keep the page.

ETags are digests of the body (the gzip variant has its own), so If-None-Match is answered 304.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from recess.core.application import Key
from recess.core.db import wake_after_commit
from recess.statuspages.model import Component, Degradation, Maintenance, StatusPage, Template, Update
from recess.statuspages.snapshot import Snapshot

OPEN_TTL = timedelta(seconds=60)
RECHECK = 1.0  # seconds a page's version is trusted without asking the database again
WAKER = "statuspages"
_WATCHED = (StatusPage, Component, Degradation, Maintenance, Update, Template)


@dataclass(frozen=True)
class Rendered:
    body: bytes
    media_type: str
    etag: str
    version: tuple[Any, ...]
    expires: datetime
    gzipped: bytes | None = None

    @property
    def gzip_etag(self) -> str:
        return self.etag[:-1] + '-gz"'


def rendered(body: bytes, media_type: str, version: tuple[Any, ...], expires: datetime) -> Rendered:
    digest = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    packed = gzip.compress(body, 6, mtime=0) if len(body) > 1024 else None
    return Rendered(body, media_type, digest, version, expires, packed)


def expiry(snap: Snapshot) -> datetime:
    """Until when what was rendered from `snap` stays true without any write."""
    midnight = datetime.combine(snap.now.astimezone(UTC).date() + timedelta(days=1), time(0), UTC)
    if any(e.is_open for e in snap.events):
        return min(midnight, snap.now + OPEN_TTL)
    return midnight


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (weakly compared, as RFC 9110 says for GET)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


class RenderCache:
    """At most `size` answers and page versions, least recently used dropped first; thread-safe."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.generation = 0  # raised when this process commits a status page change
        self._items: OrderedDict[Hashable, Rendered] = OrderedDict()
        self._versions: OrderedDict[str, tuple[tuple[Any, ...], float, int]] = OrderedDict()
        self._lock = threading.Lock()

    def changed(self, due: datetime | None = None) -> None:
        """A page's data changed (a waker: `due` does not matter, every change counts)."""
        with self._lock:
            self.generation += 1

    def known_version(self, prefix: str, clock: float) -> tuple[Any, ...] | None:
        """The version of the page at `prefix` if read less than RECHECK ago, before no change."""
        with self._lock:
            found = self._versions.get(prefix)
            if found is None or clock - found[1] >= RECHECK or found[2] != self.generation:
                return None
            return found[0]

    def remember_version(self, prefix: str, version: tuple[Any, ...], clock: float, generation: int) -> None:
        with self._lock:
            self._versions[prefix] = (version, clock, generation)
            self._versions.move_to_end(prefix)
            while len(self._versions) > self.size:
                self._versions.popitem(last=False)

    def get(self, key: Hashable, version: tuple[Any, ...], now: datetime) -> Rendered | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or found.version != version or now >= found.expires:
                return None
            self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, item: Rendered) -> None:
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


CACHE: Key[RenderCache] = Key("statuspages.render_cache")


@event.listens_for(Session, "after_flush")
def watch(session: Session, _flush: UOWTransaction) -> None:
    """A transaction that writes status page rows wakes the app's cache once it commits."""
    if "statuspages_watched" in session.info:
        return
    if any(isinstance(row, _WATCHED) for rows in (session.new, session.dirty, session.deleted) for row in rows):
        session.info["statuspages_watched"] = True
        wake_after_commit(session, WAKER)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("statuspages_watched", None)
