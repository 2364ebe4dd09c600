"""One background loop, written once: a daemon thread that runs a step, sleeps, and can be woken.

The scheduler and the webhook deliverer are both such loops. A step answers how long to sleep
before the next one (0 runs again at once); `wake()` cuts a sleep short, for a write that made
something due. A step that raises is logged and retried after `max_sleep`, so the loop outlives
any one failure.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable


class Worker:
    def __init__(self, name: str, step: Callable[[], float], max_sleep: float = 1.0,
                 on_error: Callable[[], None] | None = None) -> None:
        self.name = name
        self.step = step
        self.max_sleep = max_sleep
        self.on_error = on_error
        self.log = logging.getLogger(f"recess.{name}")
        self.heartbeat: float | None = None  # time.monotonic() when a step last finished
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=f"recess-{self.name}", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Something may be due now: run the next step without finishing the sleep."""
        self._wake.set()

    def finish(self) -> None:
        """End the loop after the current step (from within a step: `stop` would wait on itself)."""
        self._stop.set()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                pause = self.step()
            except Exception:  # keep the loop alive whatever happens; the next step retries
                self.log.exception("%s step failed", self.name)
                if self.on_error is not None:
                    self.on_error()
                pause = self.max_sleep
            self.heartbeat = time.monotonic()
            if pause > 0:
                self._wake.wait(min(pause, self.max_sleep))
