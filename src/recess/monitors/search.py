"""Monitor search and monitor group search: the query, what it matches, the facets, the order.

The query is Datadog's monitor search syntax, parsed by the search library downtime scopes use
(`recess.core.search.parse_query`: AND/OR/NOT, `-`, parentheses, `key:(a OR b)`, quotes,
wildcards), with free text allowed. Attributes, as Datadog's "Search Monitors" page lists them:

    status (group_status)  Alert, Warn, No Data, OK (also Ignored, Skipped, Unknown); case-insensitive
    muted                  true / false: an active downtime covers the monitor (the group)
    type                   the classification (metric, custom) or the type (query alert, service check)
    creator                the creator's email or name
    tag, service, env      a monitor tag; `service:x` and `env:x` are the tags `service:x` / `env:x`
    scope                  a tag the query is scoped to (`{host:a}`, `.over("env:prod")`)
    metric                 a metric the query reads, or the check it counts
    notification           an @-handle in the message (`webhook-ops`, with or without the @)
    title, message         text in the name or the message
    id, priority           the monitor's id, its priority (1-5 or p1-p5)
    group                  (groups) the group's name or one of its tags
    free text              in the name or the message (or the group's name); a number is also an id

Plain functions over plain data (`Item`): the service builds items, this decides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Any

from recess.core.search import And, MatchAll, Node, Not, Or, SearchSyntaxError, Term, Text, parse_query
from recess.core.search.glob import compile_glob

STATUSES = {"alert": "Alert", "warn": "Warn", "no data": "No Data", "ok": "OK", "ignored": "Ignored",
            "skipped": "Skipped", "unknown": "Unknown"}
# Ascending status order: the quiet states first, alerting last.
_STATUS_RANK = {"OK": 0, "Ignored": 1, "Skipped": 1, "Unknown": 1, "No Data": 2, "Warn": 3, "Alert": 4}
MONITOR_FIELDS = frozenset({"status", "muted", "type", "creator", "tag", "service", "env", "scope", "metric",
                            "notification", "title", "message", "id", "priority"})
GROUP_FIELDS = MONITOR_FIELDS | {"group_status", "group", "monitor_id"}
SORT_FIELDS = ("name", "status", "tags")
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 1000


class SearchError(ValueError):
    """A search Datadog would refuse (400); the message is the answer's."""


@dataclass(frozen=True)
class Item:
    """A monitor, or one group of a monitor, as search sees it (text lower-cased)."""

    id: int
    name: str
    message: str
    status: str  # as answered: Alert, No Data…
    type: str
    classification: str
    tags: tuple[str, ...]
    scopes: tuple[str, ...]
    metrics: tuple[str, ...]
    notifications: tuple[str, ...]
    creator: tuple[str, ...]  # email, name
    muted: bool
    priority: int | None
    group: str = ""
    group_tags: tuple[str, ...] = ()


Predicate = Callable[[Item], bool]


def classification(kind: str) -> str:
    """The monitor type facet: `metric` for metric monitors, `custom` for service checks (a
    custom check), as Datadog's monitor list names them."""
    return {"query alert": "metric", "metric alert": "metric", "service check": "custom"}.get(kind, kind)


def _value(node: Term | Text) -> Callable[[str], bool]:
    if node.pattern is not None:
        return compile_glob(node.pattern)
    return node.value.__eq__


def _contains(node: Term | Text) -> Callable[[str], bool]:
    """Text search: a wildcard pattern over the whole text, else a substring."""
    if node.pattern is not None:
        return compile_glob(node.pattern)
    return lambda text: node.value in text


def _status(value: str) -> str:
    if value not in STATUSES:
        raise SearchError(f"Query parsing error: '{value}' is not a valid monitor status")
    return STATUSES[value]


def _number(value: str, what: str) -> int:
    digits = value[1:] if what == "priority" and value.startswith("p") else value
    if not digits.isdigit():
        raise SearchError(f"Query parsing error: '{value}' is not a valid {what}")
    return int(digits)


def _term(term: Term, fields: frozenset[str]) -> Predicate:
    key, value = term.key, term.value
    if key not in fields:
        raise SearchError(f"Query parsing error: '{key}' is not a monitor attribute to search by")
    fits = _value(term)
    if key in ("status", "group_status"):
        wanted = _status(value)
        return lambda item: item.status == wanted
    if key == "muted":
        if value not in ("true", "false"):
            raise SearchError(f"Query parsing error: '{value}' is not a valid value for muted (true or false)")
        muted = value == "true"
        return lambda item: item.muted is muted
    if key in ("id", "monitor_id", "priority"):
        number = _number(value, key)
        return (lambda item: item.priority == number) if key == "priority" else (lambda item: item.id == number)
    if key in ("service", "env"):
        tag = _value(Term(key, f"{key}:{value}", f"{key}:{term.pattern}" if term.pattern else None))
        return lambda item: any(map(tag, item.tags))
    if key in ("title", "message"):
        inside = _contains(term)
        return (lambda item: inside(item.message)) if key == "message" else (lambda item: inside(item.name))
    if key == "notification":
        handle = _value(Term(key, value.removeprefix("@"), term.pattern.removeprefix("@") if term.pattern else None))
        return lambda item: any(map(handle, item.notifications))
    pick: dict[str, Callable[[Item], Iterable[str]]] = {
        "type": lambda i: (i.classification, i.type), "creator": lambda i: i.creator, "tag": lambda i: i.tags,
        "scope": lambda i: i.scopes, "metric": lambda i: i.metrics, "group": lambda i: (i.group, *i.group_tags),
    }
    values = pick[key]
    return lambda item: any(map(fits, values(item)))


def _text(text: Text) -> Predicate:
    inside = _contains(text)
    number = int(text.value) if text.pattern is None and text.value.isdigit() else None
    return lambda item: inside(item.name) or inside(item.message) or (bool(item.group) and inside(item.group)) or item.id == number


def _compile(node: Node, fields: frozenset[str]) -> Predicate:
    if isinstance(node, MatchAll):
        return lambda item: True
    if isinstance(node, Term):
        return _term(node, fields)
    if isinstance(node, Text):
        return _text(node)
    if isinstance(node, Not):
        child = _compile(node.child, fields)
        return lambda item: not child(item)
    children = [_compile(c, fields) for c in node.children]
    if isinstance(node, And):
        return lambda item: all(c(item) for c in children)
    assert isinstance(node, Or)
    return lambda item: any(c(item) for c in children)


def matcher(query: str | None, fields: frozenset[str] = MONITOR_FIELDS) -> Predicate:
    """The predicate `query` means; a 400-worthy `SearchError` when it cannot be read."""
    try:
        tree = parse_query(query or "")
    except SearchSyntaxError as exc:
        raise SearchError(f"Query parsing error: {exc}") from None
    return _compile(tree, fields)


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int
    sort: str
    descending: bool


def paging(page: str | None, per_page: str | None, sort: str | None) -> Paging:
    """`page` from 0, `per_page` 1-1000 (default 30), `sort` `field[,asc|desc]` (default name,asc)."""
    def integer(text: str | None, name: str, default: int, low: int, high: int | None) -> int:
        if text is None or text == "":
            return default
        try:
            value: int | None = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
            raise SearchError(f"Invalid {name}: it must be an integer {bounds}.")
        return value

    field, _, direction = (sort or "name").partition(",")
    field, direction = field.strip().lower(), (direction.strip().lower() or "asc")
    if field not in SORT_FIELDS or direction not in ("asc", "desc"):
        raise SearchError(f"Invalid sort: {sort!r}: give a field ({', '.join(SORT_FIELDS)}) and an order (asc, desc), such as name,asc.")
    return Paging(integer(page, "page", 0, 0, None), integer(per_page, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
                  field, direction == "desc")


def ordered(items: Sequence[Item], how: Paging) -> list[Item]:
    keys: dict[str, Callable[[Item], Any]] = {
        "name": lambda i: (i.name, i.group, i.id),
        "status": lambda i: (_STATUS_RANK.get(i.status, 1), i.name, i.group, i.id),
        "tags": lambda i: (",".join(sorted(i.tags)), i.name, i.group, i.id),
    }
    return sorted(items, key=keys[how.sort], reverse=how.descending)


def page(items: Sequence[Item], how: Paging) -> list[Item]:
    start = how.page * how.per_page
    return list(items[start:start + how.per_page])


def metadata(total: int, how: Paging) -> dict[str, int]:
    return {"page": how.page, "page_count": ceil(total / how.per_page), "per_page": how.per_page, "total_count": total}


def _facet(counter: Counter[Any]) -> list[dict[str, Any]]:
    """[{"count", "name"}], the largest first, then by name."""
    return [{"count": n, "name": name} for name, n in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))]


def counts(items: Iterable[Item]) -> dict[str, list[dict[str, Any]]]:
    """The `counts` facets of everything the query matched (every page)."""
    status: Counter[str] = Counter()
    muted: Counter[bool] = Counter()
    tag: Counter[str] = Counter()
    kind: Counter[str] = Counter()
    for item in items:
        status[item.status] += 1
        muted[item.muted] += 1
        kind[item.classification] += 1
        tag.update(set(item.tags))
    return {"status": _facet(status), "muted": _facet(muted), "tag": _facet(tag), "type": _facet(kind)}
