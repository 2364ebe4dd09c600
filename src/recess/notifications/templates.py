"""Monitor message templates and webhook payloads, as Datadog writes them. Pure functions.

Messages: `{{#is_alert}}…{{/is_alert}}` sections (and `{{^…}}` for their negation) for the
transition being notified, and `{{variable}}` values such as `{{value}}`, `{{host.name}}` or
`{{<tag key>.name}}`. Payloads: `$VARIABLE`s, escaped for JSON when the webhook sends JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from recess.core.search import index_tags

DEFAULT_PAYLOAD = json.dumps({
    "body": "$EVENT_MSG", "last_updated": "$LAST_UPDATED", "event_type": "$EVENT_TYPE", "title": "$EVENT_TITLE",
    "date": "$DATE", "org": {"id": "$ORG_ID", "name": "$ORG_NAME"}, "id": "$ID",
}, indent=4)

_SECTION = re.compile(r"\{\{([#^])\s*([a-z_]+)\s*\}\}(.*?)\{\{/\s*\2\s*\}\}", re.DOTALL)
_VARIABLE = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")
_PAYLOAD_VARIABLE = re.compile(r"\$([A-Z][A-Z0-9_]*)")
_MENTION = re.compile(r"@webhook-([A-Za-z0-9_\-]+)")

TRANSITIONS = {"Alert": "Triggered", "Warn": "Warn", "No Data": "No Data", "OK": "Recovered"}


@dataclass(frozen=True)
class Moment:
    """What is being notified: a group going from one state to another."""

    from_state: str
    to_state: str

    @property
    def transition(self) -> str:
        if self.to_state == "Alert" and self.from_state == "Alert":
            return "Re-Triggered"
        return TRANSITIONS[self.to_state]

    def flags(self) -> dict[str, bool]:
        recovery = self.to_state == "OK"
        return {
            "is_alert": self.to_state == "Alert",
            "is_warning": self.to_state == "Warn",
            "is_no_data": self.to_state == "No Data",
            "is_recovery": recovery,
            "is_alert_recovery": recovery and self.from_state == "Alert",
            "is_warning_recovery": recovery and self.from_state == "Warn",
            "is_no_data_recovery": recovery and self.from_state == "No Data",
            "is_alert_to_warning": self.from_state == "Alert" and self.to_state == "Warn",
            "is_renotify": self.from_state == self.to_state,
        }


def render_message(template: str, moment: Moment, variables: Mapping[str, str]) -> str:
    flags = moment.flags()

    def section(match: re.Match[str]) -> str:
        kind, name, body = match.groups()
        on = flags.get(name, False)
        return body if (on if kind == "#" else not on) else ""

    previous = None
    text = template
    while previous != text:  # sections may nest
        previous, text = text, _SECTION.sub(section, text)
    return _VARIABLE.sub(lambda m: str(variables.get(m.group(1), "")), text)


def message_variables(group_tags: Sequence[str], extra: Mapping[str, str]) -> dict[str, str]:
    """`{{host.name}}`, `{{env.name}}`… from the group's tags, plus the values given."""
    return {**_tag_variables(tuple(group_tags)), **extra}


@lru_cache(maxsize=65536)
def _tag_variables(group_tags: tuple[str, ...]) -> dict[str, str]:
    """(A group's tags repeat from one notification to the next: worked out once. Not to be changed.)"""
    return {f"{key}.name": sorted(values)[0] for key, values in index_tags(group_tags).items() if values}


def mentions(message: str) -> list[str]:
    return list(dict.fromkeys(_MENTION.findall(message)))


def title(monitor_name: str, moment: Moment, group: str) -> str:
    where = "" if group == "*" else " on {" + group + "}"
    return f"[{moment.transition}{where}] {monitor_name}"


def render_payload(template: str | None, variables: Mapping[str, str], encode_as: str) -> tuple[str, str]:
    """(body, content type). JSON payloads get values JSON-escaped in place."""
    text = template if template else DEFAULT_PAYLOAD

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in variables:
            return match.group(0)
        raw = str(variables[name])
        return json.dumps(raw)[1:-1] if encode_as == "json" else raw

    body = _PAYLOAD_VARIABLE.sub(value, text)
    if encode_as == "form":
        try:
            fields: Any = json.loads(body)
        except ValueError:
            return body, "application/x-www-form-urlencoded"
        if isinstance(fields, dict):
            flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()}
            return urlencode(flat), "application/x-www-form-urlencoded"
    return body, "application/json"


# Headers recess itself sets from the URL and body, and hop-by-hop ones: a custom header may not
# set them (Host could point a request at another virtual host than the URL's; the others could
# split or smuggle requests).
RESERVED_HEADERS = frozenset({
    "host", "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection", "te", "trailer",
    "upgrade",
})
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an RFC 9110 token
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")  # visible ASCII, spaces and tabs: no CR, LF, NUL or other controls


def header_problem(name: str, value: str) -> str | None:
    """Why a custom header cannot be sent, or None."""
    if not _HEADER_NAME.fullmatch(name):
        return f"header name {name!r} must be ASCII letters, digits or !#$%&'*+-.^_`|~ (no spaces, colons or control characters)"
    if name.lower() in RESERVED_HEADERS:
        return f"header {name} cannot be set: recess sets it from the url and payload"
    if not _HEADER_VALUE.fullmatch(value):
        return f"the value of header {name} must be printable ASCII (no line breaks, control or non-ASCII characters)"
    return None


def check_headers(headers: Mapping[str, str]) -> None:
    """Raise ValueError for the first custom header that cannot be sent."""
    for name, value in headers.items():
        problem = header_problem(name, value)
        if problem is not None:
            raise ValueError(problem)


def sendable_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers of a delivery as they may be sent: reserved ones dropped (rows written before
    they were refused). Raises ValueError for a header that cannot be sent at all."""
    kept = {name: value for name, value in headers.items() if name.lower() not in RESERVED_HEADERS}
    check_headers(kept)
    return kept


def parse_headers(custom_headers: str | None) -> dict[str, str]:
    """Datadog stores custom headers as a JSON object in a string. Lenient: `check_headers`
    is what refuses headers that cannot be sent, when a webhook is written."""
    if not custom_headers:
        return {}
    parsed = json.loads(custom_headers)
    if not isinstance(parsed, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()):
        raise ValueError("custom_headers must be a JSON object of string values")
    return parsed
