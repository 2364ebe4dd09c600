"""Identifier formats (core.ids)."""

from __future__ import annotations

import threading
import uuid

from recess.core.ids import is_uuid, time_uuid


def test_time_uuids_are_version_1_and_never_repeat_across_threads() -> None:
    made: list[list[str]] = [[] for _ in range(4)]

    def make(into: list[str]) -> None:
        into.extend(time_uuid() for _ in range(20_000))

    threads = [threading.Thread(target=make, args=(into,)) for into in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [one for into in made for one in into]
    assert len(set(every)) == len(every)
    parsed = uuid.UUID(every[0])
    assert parsed.version == 1 and parsed.node & 0x010000000000  # a random node, marked as not a MAC
    assert all(is_uuid(one) for one in every[:100])
