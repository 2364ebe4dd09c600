"""Downtimes v1 in terms of the one model: scope lists, recurrence objects, ids and types.

Pure functions. v1 describes a window (`start`, `end`, POSIX seconds) that may repeat by a
`recurrence`; the model stores a one-time window or RRULE recurrences, so v1 requests are
translated into the v2 attribute shape and go through the same rules.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from recess.core.limits import MAX_POSIX, MIN_POSIX
from recess.core.schedule import resolve_timezone
from recess.core.schedule.duration import elapsed
from recess.core.schedule.recurrence import format_local_start
from recess.core.search import MatchAll, Term, parse
from recess.core.search.ast import And
from recess.downtimes.rules import DowntimeError

WEEK_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_RRULE_DAY = {"Mon": "MO", "Tue": "TU", "Wed": "WE", "Thu": "TH", "Fri": "FR", "Sat": "SA", "Sun": "SU"}
_FREQ = {"days": "DAILY", "weeks": "WEEKLY", "months": "MONTHLY", "years": "YEARLY"}
_PLAIN_VALUE = re.compile(r"^[^\s()\"\\]+$")


# --- scope ------------------------------------------------------------------------------------


def parse_scope(value: Any) -> list[str]:
    """v1 scope: a list of `key:value` terms, or one comma-separated string of them."""
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = value
    else:
        raise DowntimeError("Invalid scope parameter")
    terms = [item.strip() for item in items if item.strip()]
    if not terms:
        raise DowntimeError("Invalid scope parameter")
    for term in terms:
        key, colon, val = term.partition(":")
        if term != "*" and (not colon or not key.strip() or not val.strip()):
            raise DowntimeError(f"Invalid scope parameter: {term!r} is not of the form key:value")
    return terms


def _quote(value: str) -> str:
    if _PLAIN_VALUE.match(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scope_query(terms: list[str]) -> str:
    """v1 terms (all must match) as a v2 search query."""
    specific = [t for t in terms if t != "*"]
    if not specific:
        return "*"
    parts = []
    for term in specific:
        key, _, value = term.partition(":")
        parts.append(f"{key.strip()}:{_quote(value.strip())}")
    return " AND ".join(parts)


def scope_terms(query: str) -> list[str]:
    """A v2 query as v1 terms: its `key:value` terms when it is a plain conjunction, else itself."""
    tree = parse(query)
    if isinstance(tree, MatchAll):
        return ["*"]
    nodes = [tree] if isinstance(tree, Term) else list(tree.children) if isinstance(tree, And) else []
    terms = [t for t in nodes if isinstance(t, Term) and t.is_exact]
    if terms and len(terms) == len(nodes):
        return [f"{t.key}:{t.value}" for t in terms]
    return [query]


def downtime_type(terms: list[str]) -> int:
    """0 for `*`, 1 for a single host, 2 for anything else (as Datadog reports it)."""
    if terms == ["*"]:
        return 0
    if len(terms) == 1 and terms[0].startswith("host:"):
        return 1
    return 2


# --- recurrence ---------------------------------------------------------------------------------


def _int(value: Any, message: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise DowntimeError(message)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DowntimeError(message) from None


def check_recurrence(recurrence: Any) -> dict[str, Any]:
    """Validate a v1 recurrence object; answer it in the form v1 echoes back."""
    if not isinstance(recurrence, dict):
        raise DowntimeError("Invalid recurrence: it must be an object")
    kind = recurrence.get("type")
    if kind not in (*_FREQ, "rrule"):
        raise DowntimeError("Invalid recurrence type")
    until_date = _int(recurrence.get("until_date"), "Invalid until_date: it must be a POSIX timestamp")
    until_occurrences = _int(recurrence.get("until_occurrences"), "Invalid until_occurrences: it must be an integer")
    if until_date is not None and not MIN_POSIX <= until_date <= MAX_POSIX:
        raise DowntimeError(f"Invalid until_date: it must be a POSIX timestamp from {MIN_POSIX} to {MAX_POSIX}")
    if until_date is not None and until_occurrences is not None:
        raise DowntimeError("You must provide only provide one of (until_occurrences, until_date)")
    if until_occurrences is not None and until_occurrences < 1:
        raise DowntimeError("Invalid until_occurrences: it must be at least 1")
    if kind == "rrule":
        rule = recurrence.get("rrule")
        if not isinstance(rule, str) or not rule.strip():
            raise DowntimeError("Invalid recurrence: rrule is required when type is rrule")
        return {"type": "rrule", "rrule": rule}
    period = _int(recurrence.get("period", 1), "Invalid recurrence period: it must be an integer")
    if period is None or period < 1:
        raise DowntimeError("Invalid recurrence period: it must be at least 1")
    week_days = recurrence.get("week_days")
    if week_days is not None:
        if not isinstance(week_days, list) or not week_days or any(d not in WEEK_DAYS for d in week_days):
            raise DowntimeError("Invalid set of days in week_days. Be sure that the first letter is capitalized.")
    return {"type": kind, "period": period, "week_days": week_days, "until_occurrences": until_occurrences, "until_date": until_date}


def recurrence_rule(recurrence: dict[str, Any]) -> str:
    """A checked v1 recurrence as an RRULE."""
    if recurrence["type"] == "rrule":
        return str(recurrence["rrule"])
    parts = [f"FREQ={_FREQ[recurrence['type']]}", f"INTERVAL={recurrence['period']}"]
    if recurrence["type"] == "weeks" and recurrence.get("week_days"):
        ordered = [d for d in WEEK_DAYS if d in recurrence["week_days"]]
        parts.append("BYDAY=" + ",".join(_RRULE_DAY[d] for d in ordered))
    if recurrence.get("until_occurrences") is not None:
        parts.append(f"COUNT={recurrence['until_occurrences']}")
    if recurrence.get("until_date") is not None:
        until = datetime.fromtimestamp(recurrence["until_date"], UTC)
        parts.append(f"UNTIL={until:%Y%m%dT%H%M%S}Z")
    return ";".join(parts)


def schedule(start: datetime, end: datetime | None, timezone: str, recurrence: dict[str, Any] | None) -> dict[str, Any]:
    """The v2 schedule for a v1 window and recurrence: one-time, or one recurrence whose first
    occurrence is the window, repeated at the same wall time in `timezone`."""
    if recurrence is None:
        return {"start": start, "end": end}
    if end is None:
        raise DowntimeError("A recurring downtime needs an end: the window from start to end is what repeats")
    if end <= start:
        raise DowntimeError("end must be after start")
    tz = resolve_timezone(timezone)
    local_start = start.astimezone(tz).replace(tzinfo=None)
    length = elapsed(int((end - start).total_seconds()))
    return {
        "recurrences": [{"rrule": recurrence_rule(recurrence), "duration": length, "start": format_local_start(local_start)}],
        "timezone": timezone,
    }


def echo_recurrence(stored_v1: dict[str, Any] | None, recurrences: list[dict[str, str]] | None) -> dict[str, Any] | None:
    """What v1 shows as `recurrence`: as v1 wrote it, else the first v2 rule."""
    if recurrences is None:
        return None
    if stored_v1 is not None:
        return dict(stored_v1)
    return {"type": "rrule", "rrule": recurrences[0]["rrule"]}
