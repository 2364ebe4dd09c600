"""The downtimes that apply to a monitor now, through the process's index (kept fresh)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from recess.core.application import services
from recess.core.timefmt import posix
from recess.downtimes import live, v1
from recess.downtimes.matching import DowntimeIndex, Entry, group_of, monitor_tag_set


def downtime_index(request: Request) -> DowntimeIndex:
    return services(request).get(live.INDEX)


def for_monitor(session: Session, index: DowntimeIndex, monitor: Any, groups: Sequence[Any], now: datetime) -> list[tuple[Entry, list[str]]]:
    live.refresh(session, index, now)
    return index.matches_for_monitor(
        monitor.org_id, monitor.id, monitor_tag_set(monitor.tags), [group_of(g.name, g.tags) for g in groups], now
    )


def v1_matching(matches: list[tuple[Entry, list[str]]], now: datetime) -> list[dict[str, Any]]:
    """`matching_downtimes` of a v1 monitor."""
    return [
        {"id": e.id, "active": True, "monitor_id": e.monitor_id, "start": posix(e.window(now).start),
         "end": posix(e.window(now).end), "scope": v1.scope_terms(e.scope), "groups": groups}
        for e, groups in matches
    ]


def silenced(matches: list[tuple[Entry, list[str]]], now: datetime) -> dict[str, int | None]:
    """`options.silenced`: each muted scope (`*` or a group) and when its downtime ends."""
    out: dict[str, int | None] = {}
    for entry, groups in matches:
        end = posix(entry.window(now).end)
        for group in groups:
            current = out.get(group, 0)
            out[group] = None if end is None or current is None else max(end, current or 0)
    return out
