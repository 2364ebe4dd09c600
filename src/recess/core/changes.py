"""Change sequences: a counter per kind of row, raised in the transaction that changes a row.

A process that keeps a copy of some rows in memory (the downtime index) asks for the rows whose
sequence is past the last one it applied. Raising the counter is an UPDATE of one row, whose lock
is held until commit, so sequences commit in order: once a reader sees counter N, every change
numbered N or less is committed and visible to it, however long any of them took to commit.
No clock is involved.

Code that changes a row calls `mark(session, name, row)`; the counter is raised once, just before
the transaction commits (after every other lock it takes), and stamped on each marked row.
"""

from __future__ import annotations

from threading import Lock
from typing import Any

from sqlalchemy import BigInteger, Connection, String, bindparam, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from recess.core.db import Base
from recess.core.driver import DriverStatement


class ChangeCounter(Base):
    __tablename__ = "change_counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


def next_value(session: Session, name: str) -> int:
    """Raise `name`'s counter in this transaction and answer its new value."""
    return session.execute(
        update(ChangeCounter).where(ChangeCounter.name == name).values(value=ChangeCounter.value + 1)
        .returning(ChangeCounter.value)
    ).scalar_one()


_RAISE = DriverStatement(update(ChangeCounter).where(ChangeCounter.name == bindparam("counter"))
                         .values(value=ChangeCounter.value + 1).returning(ChangeCounter.value))


def raise_in(connection: Connection, name: str) -> int:
    """`next_value` on a Core connection, for a write made without a session. Its lock is held
    until that transaction commits, so the order rule above holds wherever it is raised."""
    [(value,)] = _RAISE.rows(connection, {"counter": name})
    return int(value)


_CURRENT = DriverStatement(select(ChangeCounter.value).where(ChangeCounter.name == bindparam("counter")))


def current(session: Session, name: str) -> int:
    """The counter as this transaction's snapshot sees it (on the driver: every read of a
    monitor's matches asks for two of them)."""
    rows = _CURRENT.rows(session.connection(), {"counter": name})
    return int(rows[0][0] or 0) if rows else 0


def mark(session: Session, name: str, row: Any, created: bool = False) -> None:
    """`row` (which has a `change_seq`) changed in this transaction: number it at commit. A
    row `created` here also has a `created_seq`, numbered the same."""
    marked: dict[str, list[tuple[Any, bool]]] = session.info.setdefault("changes", {})
    marked.setdefault(name, []).append((row, created))
    if row.change_seq is None:
        row.change_seq = 0  # a placeholder until commit: the column is not nullable


def touch(session: Session, name: str) -> None:
    """Something counted by `name` changed in this transaction (no row carries the number)."""
    session.info.setdefault("changes", {}).setdefault(name, [])


@event.listens_for(Session, "before_commit")
def _stamp(session: Session) -> None:
    for name, rows in session.info.pop("changes", {}).items():
        value = next_value(session, name)
        for row, created in rows:
            row.change_seq = value
            if created:
                row.created_seq = value


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("changes", None)


class CommittedCounters:
    """Counters as last committed, each read alone on a connection kept for it (no session, no
    transaction of ours): ~10 µs on SQLite. Why: something kept in memory (a lane's answers) is
    good while its counter holds, and checking that must cost less than what was kept saves.
    A failed read answers None (the caller then goes the long way) and a new connection is
    made next time."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self._sql = "SELECT value FROM change_counters WHERE name = %s" if engine.dialect.name == "postgresql" else \
            "SELECT value FROM change_counters WHERE name = ?"
        self._connection: Any = None
        self._lock = Lock()

    def value(self, name: str) -> int | None:
        with self._lock:
            try:
                if self._connection is None:
                    self._connection = self._engine.raw_connection()
                    if self._engine.dialect.name == "postgresql":
                        self._connection.dbapi_connection.autocommit = True  # each read sees the latest commit
                cursor = self._connection.dbapi_connection.cursor()  # the driver's own: no proxy per read
                try:
                    cursor.execute(self._sql, (name,))
                    row = cursor.fetchone()
                finally:
                    cursor.close()
            except Exception:
                self._drop()
                return None
            return int(row[0]) if row else 0

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()
            except Exception:  # already gone
                pass

    def close(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
