"""What a monitor's query and message name: its scopes, its metrics or check, who it notifies.

Search and the list's `tags` filter read monitors through these. Plain functions over text.
"""

from __future__ import annotations

import re

from recess.monitors.service_check import QueryError
from recess.monitors.service_check import parse as parse_service_check

SERVICE_CHECK = "service check"
_FIRST_SCOPE = re.compile(r"\{([^{}]*)\}")
_METRIC = re.compile(r"(?:^|[(:,\s])([A-Za-z][A-Za-z0-9_.]*)\{")
_HANDLE = re.compile(r"(?<![\w@])@([A-Za-z0-9](?:[\w.\-+]*\w)?(?:@[\w\-]+(?:\.[\w\-]+)+)?)")


def scopes(kind: str, query: str) -> list[str]:
    """The tags a query is scoped to (`{host:a,env:b}`, `.over("env:prod")`), `*` for everything."""
    if kind == SERVICE_CHECK:
        try:
            return list(parse_service_check(query).over) or ["*"]
        except QueryError:
            return []
    found = _FIRST_SCOPE.search(query)
    if found is None:
        return []
    return [t.strip() for t in found.group(1).split(",") if t.strip()]


def metrics(kind: str, query: str) -> list[str]:
    """The metrics a metric query reads, or the check a service check query counts."""
    if kind == SERVICE_CHECK:
        try:
            return [parse_service_check(query).check]
        except QueryError:
            return []
    return list(dict.fromkeys(_METRIC.findall(query)))


def handles(message: str) -> list[str]:
    """Who a message notifies: its `@` mentions (`webhook-ops`, `slack-alerts`), in order, once each."""
    return list(dict.fromkeys(_HANDLE.findall(message)))
