"""Binding rules as plain functions over plain data: which monitors and groups a binding holds,
what a bad group does to its component and when, and what automatic degradations say."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from recess.core.search import TagIndex, compile_matcher, index_tags, parse
from recess.core.timefmt import iso_z
from recess.statuspages.rules import worst

DEGRADED_STATUSES = ("degraded", "partial_outage", "major_outage")
# The monitor group states that can degrade a component, and the auto_degradation field that
# names the component status each one maps to.
STATE_FIELDS = {"Alert": "alert", "Warn": "warn", "No Data": "no_data"}
DEFAULT_AUTO: dict[str, Any] = {"alert": "major_outage", "warn": "degraded", "no_data": "degraded", "delay_minutes": 5}
MAX_DELAY_MINUTES = 7 * 24 * 60
AUTOMATIC = "Automatic update by recess"
MAX_LISTED = 20  # groups named in one description; the rest are counted


class BindingError(ValueError):
    """Input that cannot make a binding; the message names the field."""


@lru_cache(maxsize=4096)
def _matcher(scope: str) -> Callable[[TagIndex], bool]:
    return compile_matcher(parse(scope))


def applies_to_monitor(bound_id: int | None, bound_tags: Sequence[str] | None, monitor_id: int, monitor_tags: Iterable[str]) -> bool:
    """As a downtime's monitor identifier: the monitor's id, or tags the monitor all carries (`*`: any)."""
    if bound_id is not None:
        return bound_id == monitor_id
    wanted = {t.strip().lower() for t in bound_tags or ["*"]}
    return "*" in wanted or wanted <= {t.strip().lower() for t in monitor_tags}


def covers(scope: str, group_tags: Iterable[str]) -> bool:
    """As a downtime's scope: the search query matches the group's tags."""
    return _matcher(scope)(index_tags(group_tags))


def auto_settings(given: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Complete auto_degradation settings (Datadog-style defaults for what is left out), or None (off)."""
    if given is None:
        return None
    out = {**DEFAULT_AUTO, **{k: v for k, v in given.items() if k in DEFAULT_AUTO}}
    for field in STATE_FIELDS.values():
        if out[field] is not None and out[field] not in DEGRADED_STATUSES:
            raise BindingError(f"auto_degradation.{field} must be one of {', '.join(DEGRADED_STATUSES)}, or null")
    delay = out["delay_minutes"]
    if not isinstance(delay, int) or isinstance(delay, bool) or not 0 <= delay <= MAX_DELAY_MINUTES:
        raise BindingError(f"auto_degradation.delay_minutes must be an integer from 0 to {MAX_DELAY_MINUTES}")
    return out


def status_for(auto: Mapping[str, Any], state: str) -> str | None:
    """The component status a group in `state` calls for, or None (OK, or a state turned off)."""
    field = STATE_FIELDS.get(state)
    return None if field is None else auto.get(field)


def muted_until(previous: datetime | None, silence_ends: Sequence[datetime | None], now: datetime) -> datetime | None:
    """How long a bad group is known to stay muted. While something mutes it (`silence_ends`,
    None for no end): the latest end (at least now). Once nothing does: no later than now."""
    if silence_ends:
        return max(end or now for end in silence_ends)
    if previous is not None and previous > now:
        return now
    return previous


def bad_since(alerting_since: datetime | None, muted: datetime | None, first_seen: datetime) -> datetime:
    """Since when a group has been bad and unmuted: it left OK, or its muting ended, whichever is later."""
    start = alerting_since or first_seen
    return max(start, muted) if muted is not None else start


def due(since: datetime, delay_minutes: int) -> datetime:
    return since + timedelta(minutes=delay_minutes)


def joins(since: datetime, delay_minutes: int, muted_now: bool, now: datetime) -> bool:
    """A bad group joins the automatic degradation once it has stayed bad, unmuted, past the delay."""
    return not muted_now and due(since, delay_minutes) <= now


@dataclass(frozen=True)
class BadGroup:
    """A joined group, as an automatic degradation describes it."""

    monitor_id: int
    monitor_name: str
    group: str  # "*" for a monitor without groups
    state: str
    status: str
    since: datetime


def component_status(groups: Iterable[BadGroup]) -> str:
    return worst(g.status for g in groups)


def written(groups: Iterable[BadGroup]) -> list[list[Any]]:
    """What an automatic update said, to compare with what it would say now."""
    return sorted([g.monitor_id, g.group, g.state, g.status] for g in groups)


def _named(group: BadGroup) -> str:
    return group.monitor_name if group.group == "*" else f"{group.monitor_name} ({group.group})"


def title(component_name: str, groups: Sequence[BadGroup]) -> str:
    first = sorted(groups, key=lambda g: (g.since, g.monitor_id, g.group))[0]
    more = f" and {len(groups) - 1} more" if len(groups) > 1 else ""
    return f"{component_name}: {_named(first)}{more}"[:200]


def description(groups: Sequence[BadGroup]) -> str:
    ordered = sorted(groups, key=lambda g: (g.since, g.monitor_id, g.group))
    parts = [f"{_named(g)} is {g.state} since {iso_z(g.since)}" for g in ordered[:MAX_LISTED]]
    if len(ordered) > MAX_LISTED:
        parts.append(f"and {len(ordered) - MAX_LISTED} more groups")
    return f"{AUTOMATIC} from bound monitors: " + "; ".join(parts) + "."


def resolved_description() -> str:
    return f"{AUTOMATIC}: every bound monitor group has recovered."


def maintenance_message(title: str, page_name: str, maintenance_id: str) -> str:
    """The message of a downtime a maintenance makes: it names the maintenance, and carries
    the `maintenance_id:<id>` tag (v2 downtimes have no tags of their own)."""
    return (f"Maintenance \"{title}\" on status page \"{page_name}\" maintenance_id:{maintenance_id}\n"
            "Made by recess for the maintenance: its dates move it, completing or canceling the maintenance cancels it.")


def hand_cancel_note(component_name: str, downtime_uuid: str, canceled: datetime) -> str:
    return (f"Note: the downtime {downtime_uuid} muting the monitors of {component_name} for this maintenance "
            f"was canceled by hand at {iso_z(canceled)}; those monitors are not muted.")
