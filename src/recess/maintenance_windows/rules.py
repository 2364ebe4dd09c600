"""Which maintenance window quiets a case now. Plain functions over plain data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from recess.core.search import SearchSyntaxError, compile_matcher, index_tags, parse


class WindowError(ValueError):
    """Input that cannot make a valid window; the message is shown to the user."""


def check_query(query: str) -> str:
    try:
        parse(query)
    except SearchSyntaxError as exc:
        raise WindowError(f"Invalid query: {exc}") from None
    return query


def check_times(start_at: datetime, end_at: datetime) -> None:
    if end_at <= start_at:
        raise WindowError("end_at must be after start_at")


def case_tags(project: str, priority: str, status: str, attributes: Mapping[str, Sequence[str]]) -> list[str]:
    """What a window's query is matched against: `project:SEC priority:P1 status:open`, and the
    case's own attributes as `key:value` tags."""
    tags = [f"project:{project}", f"priority:{priority}", f"status:{status.lower()}"]
    tags += [f"{key}:{value}" for key, values in attributes.items() for value in values]
    return tags


@dataclass(frozen=True)
class Window:
    id: str
    query: str
    start_at: datetime
    end_at: datetime


def suppressing(windows: Iterable[Window], tags: list[str], now: datetime) -> Window | None:
    """The window that quiets a case with `tags` at `now` (the one ending last), if any."""
    index = index_tags(tags)
    active = [w for w in windows if w.start_at <= now < w.end_at and compile_matcher(parse(w.query))(index)]
    return max(active, key=lambda w: w.end_at, default=None)
