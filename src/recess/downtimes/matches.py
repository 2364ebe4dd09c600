"""The downtimes that apply to a monitor now, through the process's index (kept fresh)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from recess.core.application import services
from recess.downtimes import live
from recess.downtimes.matching import DowntimeIndex, Entry, group_of, monitor_tag_set


async def downtime_index(request: Request) -> DowntimeIndex:
    return services(request).get(live.INDEX)


def for_monitor(session: Session, index: DowntimeIndex, monitor: Any, groups: Sequence[tuple[str, Sequence[str]]],
                now: datetime) -> list[tuple[Entry, list[str]]]:
    """Active downtimes covering some of `groups` ((name, tags) pairs), with the names each covers."""
    live.refresh(session, index, now)
    return index.matches_for_monitor(
        monitor.org_id, monitor.id, monitor_tag_set(monitor.tags), [group_of(name, tags) for name, tags in groups], now
    )
