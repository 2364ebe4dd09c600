"""Which process runs the background loops when several serve one SQLite database.

`recess serve --workers N` starts N processes. On PostgreSQL each runs the scheduler and the
deliverer (an advisory lock picks one ticker per tick; deliveries are leased with SKIP LOCKED).
On SQLite one process does: the one holding an exclusive lock on a file beside the database
(`<database>.lock`). The others stand by and take the lock over within a few seconds if that
process dies (the kernel releases its lock). Writes in a standby process are seen by the
running loops within their longest sleep (a second).
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

log = logging.getLogger("recess.leader")


def lock_path(database_url: str) -> Path | None:
    """The lock file for a SQLite database file; None for PostgreSQL or an in-memory database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database + ".lock")


class Leadership:
    def __init__(self, database_url: str) -> None:
        self.path = lock_path(database_url)
        self._file: IO[bytes] | None = None

    @property
    def shared(self) -> bool:
        """Whether every process runs the loops (no lock needed)."""
        return self.path is None

    @property
    def held(self) -> bool:
        return self.shared or self._file is not None

    def try_acquire(self) -> bool:
        """Take the lock if no other process holds it; True when this process runs the loops."""
        if self.held:
            return True
        assert self.path is not None
        handle = open(self.path, "ab")  # noqa: SIM115 - held open for as long as the lock
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        log.info("process %d runs the scheduler and the deliverer for %s", os.getpid(), self.path.with_suffix(""))
        return True

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None
