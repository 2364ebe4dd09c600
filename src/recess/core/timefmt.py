"""Datadog's wire formats for instants.

Downtimes v2 answer ISO-8601 with six fractional digits and `+00:00`; Status Pages answer `Z` with
trailing fractional zeros trimmed; v1 answers POSIX seconds. Requests may carry either `Z` or an
offset, as the Python and JavaScript clients differ.
"""

from datetime import UTC, datetime
from functools import lru_cache


def to_utc(value: datetime) -> datetime:
    """An aware UTC instant; a naive value is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso_micro(value: datetime | None) -> str | None:
    """`2023-06-02T20:53:26.300497+00:00`, as Downtimes v2 answers."""
    if value is None:
        return None
    return _iso_micro(value)


@lru_cache(maxsize=65536)
def _iso_micro(value: datetime) -> str:
    # Cached: a page of 1,000 downtime matches writes the same few window bounds over and over.
    return to_utc(value).isoformat(timespec="microseconds")


def iso_z(value: datetime | None) -> str | None:
    """`2026-04-24T14:12:42.04243Z`, as Status Pages answer (trailing zeros trimmed)."""
    if value is None:
        return None
    text = to_utc(value).replace(tzinfo=None).isoformat(timespec="microseconds")
    head, frac = text.split(".")
    frac = frac.rstrip("0")
    return f"{head}.{frac}Z" if frac else f"{head}Z"


def posix(value: datetime | None) -> int | None:
    """Whole POSIX seconds, as v1 answers."""
    if value is None:
        return None
    return int(to_utc(value).timestamp())


def from_posix(value: int | float | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromtimestamp(value, UTC)
