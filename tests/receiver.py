"""A real HTTP receiver for webhook deliveries, running in the test process."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    # Per path: answers to give, in order (an int status, or ("sleep", seconds, status)); then 200.
    script: dict[str, list[Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def at(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]

    def wait(self, path: str, count: int = 1, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.at(path)
            if len(got) >= count:
                return got
            time.sleep(0.02)
        raise AssertionError(f"{path}: expected {count} request(s), got {len(self.at(path))}")

    def quiet(self, path: str, *settle: Callable[[], None]) -> None:
        """Assert nothing (more) arrives at `path` once each server has settled (see the test
        endpoint /api/v1/_recess/settle): a synchronisation point, not a sleep."""
        before = len(self.at(path))
        for server_settled in settle:
            server_settled()
        assert len(self.at(path)) == before, [r.body for r in self.at(path)[before:]]


def start() -> Receiver:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            receiver = holder["r"]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with receiver.lock:
                receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                answers = receiver.script.get(self.path) or []
                answer = answers.pop(0) if answers else 200
            if isinstance(answer, tuple):
                _, seconds, answer = answer
                time.sleep(seconds)
            self.send_response(answer)
            self.send_header("Content-Type", "text/plain")
            message = b"ok" if answer < 400 else f"receiver says {answer}".encode()
            self.send_header("Content-Length", str(len(message)))
            self.end_headers()
            self.wfile.write(message)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["r"] = Receiver(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder["r"]


def running() -> Iterator[Receiver]:
    receiver = start()
    yield receiver
    receiver.server.shutdown()
