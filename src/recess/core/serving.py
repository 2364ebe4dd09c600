"""The HTTP/1.1 protocol `recess serve` runs: uvicorn's httptools protocol, whose writes in
one turn of the event loop leave as one.

Why: uvicorn writes an answer's status line and headers, then its body, each straight to the
socket: two system calls (and two TCP segments) for every answer, ~15 µs each on loopback,
a fifth of a laned request's time. Writes are gathered instead and sent once the callback
that made them returns; their order, and a close after them, are kept.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class _GatheredWrites:
    """A transport whose `write`s wait for the end of the loop's current turn (see above)."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(data)

    def _flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:  # everything else is the transport's own
        return getattr(self._transport, name)


class HttpProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        plain = cast(asyncio.Transport, transport)  # uvloop's transports are not asyncio's classes
        super().connection_made(plain)
        self.transport = cast(asyncio.Transport, _GatheredWrites(plain, self.loop))
