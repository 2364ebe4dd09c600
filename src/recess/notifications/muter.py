"""The question notifications ask before sending: is this group muted, by what, until when?

Notifications define the question; a feature that mutes answers it (downtimes implements
`Muter`, as Alertmanager's `silence` implements the `Muter` its `notify` defines). So
notifications depend on no feature that mutes, and a new kind of muting plugs in here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from recess.core.application import Key


@dataclass(frozen=True)
class Target:
    """A monitor group, as muting sees it."""

    org_id: int
    monitor_id: int
    monitor_tags: tuple[str, ...]
    group: str  # "*" for a monitor without groups
    group_tags: tuple[str, ...]


@dataclass(frozen=True)
class Silence:
    """One thing that mutes a group now: its ids, its current window, and how it treats recoveries."""

    id: int  # the v1 id
    uuid: str
    monitor_id: int | None
    scope: tuple[str, ...]  # the scope as terms, as v1 shows it
    start: datetime
    end: datetime | None
    mute_first_recovery_notification: bool = False


class Muter(Protocol):
    def silences(self, session: Session, target: Target, at: datetime) -> list[Silence]:
        """The silences active at `at` that cover `target`."""
        ...

    def silences_each(self, session: Session, asked: Sequence[tuple[Target, datetime]]) -> list[list[Silence]]:
        """`silences` of each (target, instant), in order, as one question: a transaction that
        notifies many transitions looks up what changed in the silences once, not per transition."""
        ...

    def for_monitor(self, session: Session, org_id: int, monitor_id: int, monitor_tags: Sequence[str],
                    groups: Sequence[tuple[str, Sequence[str]]], at: datetime) -> list[tuple[Silence, list[str]]]:
        """Each silence active at `at` that covers some of a monitor's `groups` (name, tags), with
        the names of those it covers (`*` when it covers the whole monitor)."""
        ...


MUTER: Key[Muter] = Key("muter")
