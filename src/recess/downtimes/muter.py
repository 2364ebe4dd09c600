"""Downtimes answer notifications' question (`notifications.muter.Muter`) from the app's index."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from sqlalchemy.orm import Session

from recess.downtimes import live, v1
from recess.downtimes.decisions import KeptDecisions
from recess.downtimes.matching import DowntimeIndex, Entry, group_of, monitor_tag_set
from recess.notifications.muter import Silence, Target


@lru_cache(maxsize=65536)
def _terms(scope: str) -> tuple[str, ...]:
    return tuple(v1.scope_terms(scope))


def silence_of(entry: Entry, at: datetime) -> Silence:
    window = entry.window(at)
    return Silence(id=entry.id, uuid=entry.uuid, monitor_id=entry.monitor_id, scope=_terms(entry.scope),
                   start=window.start, end=window.end, mute_first_recovery_notification=entry.mute_first_recovery_notification)


class DowntimeMuter:
    def __init__(self, index: DowntimeIndex) -> None:
        self.index = index
        self.decisions = KeptDecisions(index)

    def silences(self, session: Session, target: Target, at: datetime) -> list[Silence]:
        return self.silences_each(session, [(target, at)])[0]

    def silences_each(self, session: Session, asked: Sequence[tuple[Target, datetime]]) -> list[list[Silence]]:
        if not asked:
            return []
        # One refresh, at the earliest instant asked: it applies every committed change, and
        # `matching` judges each downtime's window at each instant.
        live.refresh(session, self.index, min(at for _, at in asked))
        return [
            [silence_of(entry, at) for entry in self.decisions.matching(
                target.org_id, target.monitor_id, monitor_tag_set(target.monitor_tags), group_of(target.group, target.group_tags), at)]
            for target, at in asked
        ]

    def for_monitor(self, session: Session, org_id: int, monitor_id: int, monitor_tags: Sequence[str],
                    groups: Sequence[tuple[str, Sequence[str]]], at: datetime) -> list[tuple[Silence, list[str]]]:
        live.refresh(session, self.index, at)
        found = self.index.matches_for_monitor(org_id, monitor_id, monitor_tag_set(monitor_tags),
                                               [group_of(name, tags) for name, tags in groups], at)
        return [(silence_of(entry, at), names) for entry, names in found]
