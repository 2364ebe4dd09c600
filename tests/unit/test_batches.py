"""Group commit (core.batches) and the scheduler's wake rule, on a real SQLite database."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from recess.core import changes
from recess.core.batches import GroupCommit
from recess.core.db import Busy, Database
from recess.core.scheduler import Scheduler


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'batches.db'}")
    database.migrate()
    return database


def _raise(connection: Connection, names: list[str]) -> list[int]:
    """Raise each named counter; a name starting with `bad` fails its write."""
    if any(name.startswith("bad") for name in names):
        raise ValueError("a bad write")
    for name in names:
        connection.execute(text("INSERT INTO change_counters (name, value) VALUES (:n, 0) ON CONFLICT DO NOTHING"), {"n": name})
    return [changes.raise_in(connection, name) for name in names]


def _committed(db: Database, name: str) -> int | None:
    return db.counters.value(name)


def _hold_the_write_lock(db: Database) -> tuple[threading.Event, threading.Thread]:
    """A thread writing on `db` until the event is set (as a scheduler tick would)."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with db.writing():
            holding.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    return release, holder


def test_writes_that_arrive_together_commit_together_and_each_gets_its_answer(db: Database) -> None:
    group: GroupCommit[str, int] = GroupCommit(db, _raise, "test")
    batches: list[int] = []
    apply = group.apply
    group.apply = lambda connection, items: batches.append(len(items)) or apply(connection, items)  # type: ignore[func-returns-value]

    async def main() -> list[int]:
        return await asyncio.gather(*(group.write("same") for _ in range(10)))

    answers = asyncio.run(main())
    assert sorted(answers) == list(range(1, 11))  # each write saw its own raise
    assert batches == [10]  # one transaction, one commit
    assert _committed(db, "same") == 10  # answered only once committed


def test_a_bad_write_fails_alone(db: Database) -> None:
    group: GroupCommit[str, int] = GroupCommit(db, _raise, "test")

    async def main() -> list[int | BaseException]:
        return await asyncio.gather(group.write("a"), group.write("bad"), group.write("b"), return_exceptions=True)

    first, bad, second = asyncio.run(main())
    assert (first, second) == (1, 1)
    assert isinstance(bad, ValueError)
    assert _committed(db, "a") == 1 and _committed(db, "b") == 1


def test_a_write_while_this_process_writes_waits_in_a_thread_not_on_the_loop(db: Database) -> None:
    group: GroupCommit[str, int] = GroupCommit(db, _raise, "test")
    release, holder = _hold_the_write_lock(db)
    with pytest.raises(Busy):
        with db.writing(wait=False):
            pass

    async def main() -> tuple[int, int]:
        write = asyncio.ensure_future(group.write("queued"))
        ticks = 0
        while not write.done():  # the loop keeps turning while the write waits for the lock
            ticks += 1
            if ticks == 20:
                release.set()
            await asyncio.sleep(0.005)
        return await write, ticks

    answer, ticks = asyncio.run(main())
    holder.join()
    assert answer == 1 and ticks >= 20


def test_writes_that_arrive_while_a_batch_waits_in_a_thread_wait_for_it_and_go_together(db: Database) -> None:
    group: GroupCommit[str, int] = GroupCommit(db, _raise, "test")
    batches: list[tuple[str, int]] = []
    apply = group.apply

    def counted(connection: Connection, items: list[str]) -> list[int]:
        batches.append((threading.current_thread().name, len(items)))
        return apply(connection, items)

    group.apply = counted  # type: ignore[method-assign]
    release, holder = _hold_the_write_lock(db)

    async def main() -> list[int]:
        first = asyncio.ensure_future(group.write("train"))
        await asyncio.sleep(0.02)  # the first batch is in a thread, waiting for the lock
        later = [asyncio.ensure_future(group.write("train")) for _ in range(5)]
        for _ in range(3):
            await asyncio.sleep(0.01)
            later.append(asyncio.ensure_future(group.write("train")))
        release.set()
        return list(await asyncio.gather(first, *later))

    answers = asyncio.run(main())
    holder.join()
    assert sorted(answers) == list(range(1, 10))
    # One batch in a thread; everything that came meanwhile waited for it and went as one.
    assert [size for _, size in batches] == [1, 8]
    assert batches[0][0] != threading.main_thread().name


def test_a_wake_during_a_tick_for_a_far_due_does_not_tick_again(db: Database) -> None:
    later = datetime.now(UTC) + timedelta(days=365)
    woken: list[bool] = []
    scheduler = Scheduler(db, [])
    scheduler.worker.wake = lambda: woken.append(True)  # type: ignore[method-assign]
    scheduler._next_tick_at = None  # as during a tick
    scheduler.wake(later)
    assert woken == []  # noted for the sleep after the tick instead
    scheduler._step()  # a tick with no job: its own due is None; the noted one bounds the pause
    assert scheduler._due == later
    scheduler.wake(later + timedelta(days=1))
    assert woken == []  # the next tick (within a second) comes first anyway
    scheduler.wake(datetime.now(UTC))
    scheduler.wake(None)
    assert woken == [True, True]
