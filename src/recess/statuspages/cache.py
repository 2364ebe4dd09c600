"""Rendered public answers kept per app, so that reading a status page costs one small query.

Why: a status page is read far more than it changes, and most at once when something is wrong.
An answer is kept under (page, what, argument) with the page's version (`store.page_version`)
and an expiry; it is served again while the version is the same and it has not expired. Expiry
covers what changes with time alone: a day's bar and the uptime (the next UTC midnight), or a
minute while something is open (its outage is still growing). ETags are the body's digest, so a
client's If-None-Match is answered 304 without sending the page again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from recess.core.application import Key
from recess.statuspages.snapshot import Snapshot

OPEN_TTL = timedelta(seconds=60)


@dataclass(frozen=True)
class Rendered:
    body: bytes
    media_type: str
    etag: str
    version: tuple[Any, ...]
    expires: datetime


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


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
    """At most `size` answers, the least recently used dropped first; safe across threads."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Rendered] = OrderedDict()
        self._lock = threading.Lock()

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
