"""The HTTP protocol gathers an answer's writes into one (core.serving)."""

from __future__ import annotations

import asyncio
from typing import Any

from recess.core.serving import _GatheredWrites


class _Transport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False
        self.extra = {"peername": ("127.0.0.1", 1)}

    def write(self, data: bytes) -> None:
        assert not self.closed
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str) -> Any:
        return self.extra.get(name)


def test_writes_of_one_turn_leave_as_one_in_order() -> None:
    async def scenario() -> list[bytes]:
        transport = _Transport()
        gathered = _GatheredWrites(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        gathered.write(b"HTTP/1.1 200 OK\r\n\r\n")
        gathered.write(b"body")
        assert transport.writes == []  # not before the turn ends
        await asyncio.sleep(0)
        gathered.write(b"next")
        await asyncio.sleep(0)
        return transport.writes

    assert asyncio.run(scenario()) == [b"HTTP/1.1 200 OK\r\n\r\nbody", b"next"]


def test_a_close_sends_what_is_pending_first_and_the_rest_is_the_transports() -> None:
    async def scenario() -> _Transport:
        transport = _Transport()
        gathered = _GatheredWrites(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        gathered.write(b"last answer")
        gathered.close()
        assert gathered.get_extra_info("peername") == ("127.0.0.1", 1)
        await asyncio.sleep(0)  # the scheduled flush finds nothing left
        return transport

    transport = asyncio.run(scenario())
    assert transport.writes == [b"last answer"] and transport.closed
