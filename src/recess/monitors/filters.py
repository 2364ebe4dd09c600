"""`GET /api/v1/monitor`'s filters, read and checked before any monitor is looked at.

Datadog refuses a `group_states` value it does not know with `Invalid group_state filters.`
(recorded); recess words the other refusals the same way, naming the parameter. Paging: `page`
from 0 with `page_size` 1-1000 (default 100); without `page` every monitor is answered and
`page_size` is ignored, as Datadog documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

GROUP_STATES = ("all", "alert", "warn", "no data")
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
MAX_TAG = 200


class FilterError(ValueError):
    """A filter value Datadog would refuse; the message is the answer's."""


@dataclass(frozen=True)
class ListFilters:
    name: str | None = None
    tags: tuple[str, ...] = ()  # the query must be scoped to each (`host:host0`)
    monitor_tags: tuple[str, ...] = ()  # the monitor must carry each
    group_states: frozenset[str] | None = None  # states shown in `state.groups`; None: no `state`
    id_offset: int | None = None
    page: int | None = None
    page_size: int = DEFAULT_PAGE_SIZE

    def shows_group(self, status: str) -> bool:
        return self.group_states is not None and ("all" in self.group_states or status.lower() in self.group_states)


def group_states(text: str | None) -> frozenset[str] | None:
    """`alert,no data` -> {"alert", "no data"}; None when not asked for."""
    if text is None or not text.strip():
        return None
    wanted = frozenset(s.strip().lower() for s in text.split(","))
    if not wanted <= set(GROUP_STATES):
        raise FilterError("Invalid group_state filters.")
    return wanted


def tag_list(text: str | None, parameter: str) -> tuple[str, ...]:
    """A comma-separated tag list: every item a tag (no blanks, no spaces, at most 200 characters)."""
    if text is None or not text.strip():
        return ()
    items = [t.strip() for t in text.split(",")]
    if any(not t or len(t) > MAX_TAG or any(c.isspace() for c in t) for t in items):
        raise FilterError(f"Invalid {parameter} filters.")
    return tuple(dict.fromkeys(t.lower() for t in items))


def _integer(text: str | None, parameter: str, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """A query parameter as an integer within bounds, and 64-bit at most (ids and offsets are int64)."""
    if text is None or text == "":
        return None
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is not None and not -(2**63) <= value <= 2**63 - 1:
        raise FilterError(f"Invalid {parameter}: it must be a 64-bit integer.")
    if value is None or (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = f" from {minimum} to {maximum}" if maximum is not None else f" of at least {minimum}" if minimum is not None else ""
        raise FilterError(f"Invalid {parameter}: it must be an integer{bounds}.")
    return value


def list_filters(*, name: str | None, tags: str | None, monitor_tags: str | None, group_states_: str | None,
                 id_offset: str | None, page: str | None, page_size: str | None) -> ListFilters:
    size = _integer(page_size, "page_size", minimum=1, maximum=MAX_PAGE_SIZE)
    return ListFilters(
        name=name or None, tags=tag_list(tags, "tags"), monitor_tags=tag_list(monitor_tags, "monitor_tags"),
        group_states=group_states(group_states_), id_offset=_integer(id_offset, "id_offset"),
        page=_integer(page, "page", minimum=0), page_size=size or DEFAULT_PAGE_SIZE,
    )


def page_of(items: list[T], filters: ListFilters) -> list[T]:
    if filters.page is None:
        return items
    start = filters.page * filters.page_size
    return items[start:start + filters.page_size]
