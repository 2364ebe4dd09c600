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

from typing import Any

from sqlalchemy import BigInteger, String, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from recess.core.db import Base


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


def current(session: Session, name: str) -> int:
    """The counter as this transaction's snapshot sees it."""
    return session.scalar(select(ChangeCounter.value).where(ChangeCounter.name == name)) or 0


def mark(session: Session, name: str, row: Any) -> None:
    """`row` (which has a `change_seq`) changed in this transaction: number it at commit."""
    marked: dict[str, list[Any]] = session.info.setdefault("changes", {})
    marked.setdefault(name, []).append(row)
    if row.change_seq is None:
        row.change_seq = 0  # a placeholder until commit: the column is not nullable


def touch(session: Session, name: str) -> None:
    """Something counted by `name` changed in this transaction (no row carries the number)."""
    session.info.setdefault("changes", {}).setdefault(name, [])


@event.listens_for(Session, "before_commit")
def _stamp(session: Session) -> None:
    for name, rows in session.info.pop("changes", {}).items():
        value = next_value(session, name)
        for row in rows:
            row.change_seq = value


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("changes", None)
