"""Group commit: writes sent from the event loop, committed together.

Why: a commit costs about as much as the small write it holds (on SQLite ~200 µs of I/O, on
PostgreSQL a round trip and a WAL flush), so eight clients creating at once paid for eight
commits. Here each write joins a queue, and once the event loop has run what is ready (the
other requests that arrived meanwhile included), every write queued runs in one transaction,
committed once, and then each is answered. Every answer still follows the commit of its own
write: a crash before the commit loses only writes nobody was told about.

The batch runs on the event loop itself: a worker thread would wait for the GIL (up to 5 ms
a hand-over while the loop is busy) at every statement. When this process is already writing
on SQLite (a scheduler tick), the batch waits for its turn in a worker thread instead, so the
loop never stalls on the lock; the writes that arrive meanwhile wait for that batch to land
and then go together, so one busy moment does not turn into a train of batches in threads,
each fighting the loop for the GIL. A batch that fails is run again one write at a time, so
a bad write fails alone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection

from recess.core.db import Busy, Database

T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger(__name__)
Queued = list[tuple[T, "asyncio.Future[R]"]]


class GroupCommit(Generic[T, R]):
    """`await write(item)` answers `apply(connection, [..., item, ...])`'s result for `item`,
    once the transaction that wrote it has committed."""

    def __init__(self, db: Database, apply: Callable[[Connection, list[T]], Sequence[R]], name: str) -> None:
        self.db = db
        self.apply = apply
        self.name = name
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._in_thread = False  # a batch is waiting for the write lock in a worker thread

    async def write(self, item: T) -> R:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        if not self._queue and not self._in_thread:
            # Two turns of the loop later: the requests that arrive meanwhile join this batch.
            loop.call_soon(loop.call_soon, self._flush, loop)
        self._queue.append((item, future))
        return await future

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        batch, self._queue = self._queue, []
        if not batch:
            return
        try:
            self._commit(batch, wait=False)
        except Busy:
            self._in_thread = True
            loop.run_in_executor(None, self._commit, batch, True).add_done_callback(lambda _: self._landed(loop))

    def _landed(self, loop: asyncio.AbstractEventLoop) -> None:
        self._in_thread = False
        self._flush(loop)  # what queued meanwhile

    def _commit(self, batch: list[tuple[T, asyncio.Future[R]]], wait: bool) -> None:
        try:
            with self.db.writing(wait=wait) as connection:
                results = self.apply(connection, [item for item, _ in batch])
        except Busy:
            raise
        except Exception as exc:
            if len(batch) > 1:
                for one in batch:
                    self._commit([one], wait)
                return
            log.debug("a %s write failed", self.name, exc_info=True)
            _settle(batch[0][1], None, exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            _settle(future, result, None)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    def settle() -> None:
        if future.done():  # the request was cancelled (its client went away); the write stands
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    loop = future.get_loop()
    try:
        on_loop = asyncio.get_running_loop() is loop
    except RuntimeError:  # a worker thread
        on_loop = False
    if on_loop:
        settle()
    else:
        loop.call_soon_threadsafe(settle)
