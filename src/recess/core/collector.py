"""Python's garbage collector, set for a server: startup's objects out of its scans, young
objects collected less often than by default, and collected while no request is answered.

A collection walks every young object. After a burst of writes most of them live on (index
entries, kept decisions), so the walk is long and its memory cold, and it happens inside
whichever request crosses the threshold: after 1,000 check runs, a young collection took 3-7 ms
inside the first read that followed. Collected while the process is idle, the young objects
are out of the way before the next request comes (that walk took ~60 ms then, while idle).

The thresholds stay high for the writes' sake: in five alternating side-by-side runs, creates
reached 0.277x Alertmanager's rate on average with (20,000, 20, 20) and 0.234x with
(5,000, 4, 10); in four more, 0.283x against 0.255x with (20,000, 4, 20). The cost: under sustained writes a
middle-generation walk (up to 400,000 objects, ~60 ms) can fall inside a request.
"""

from __future__ import annotations

import asyncio
import gc
import time

THRESHOLDS = (20_000, 20, 20)
IDLE_AFTER = 0.1  # seconds without a request before the young generations are collected
IDLE_LEAST = 1_000  # young allocations worth a collection (below, the walk is short anyway)


def tune() -> None:
    """Once started: what exists now (modules, routes, models) lives as long as the process, so
    the collector stops looking at it (settle), and it collects young objects every 20,000
    allocations rather than every 700."""
    settle()
    gc.set_threshold(*THRESHOLDS)


def settle() -> None:
    """Out of the collector's scans: what exists now, once garbage is collected. Also called
    once the downtime index is loaded: with 100,000 downtimes every full collection walked its
    entries, ~0.85 s with the event loop stopped (one fell in one of three rounds of
    bench/transitions.py); frozen, they are never walked, and freed as usual when dropped."""
    gc.collect()
    gc.freeze()


class IdleCollector:
    """Counts the requests being answered (on the event loop: `begin`/`end`), and collects the
    young generations once none has been for IDLE_AFTER."""

    def __init__(self, after: float = IDLE_AFTER, least: int = IDLE_LEAST) -> None:
        self.after = after
        self.least = least
        self.in_flight = 0
        self.last = time.monotonic()
        self.collections = 0

    def begin(self) -> None:
        self.in_flight += 1

    def end(self) -> None:
        self.in_flight -= 1
        self.last = time.monotonic()

    def collect_if_idle(self, now: float) -> bool:
        young, collections = gc.get_count()[:2]
        if self.in_flight or now - self.last < self.after or (young < self.least and not collections):
            return False
        gc.collect(1)
        self.collections += 1
        return True

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.after)
            self.collect_if_idle(time.monotonic())
