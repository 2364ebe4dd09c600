"""How large a value the API takes: the bounds every feature's request schemas share.

Each bound keeps a value inside what the code after it can hold (an int64 column, a `datetime`,
a `varchar(n)`) or keeps a request's work small. A value past one is a 400 naming the field and
the bound, in Pydantic's words (`String should have at most 4000 characters`). The README's
Limits table lists them; `core.guards` holds the checks that apply to every request whatever
its route (body size, JSON depth, NUL and lone surrogates, integers past int64).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, TypeVar

from pydantic import AfterValidator, Field, StrictInt, StrictStr

T = TypeVar("T")

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
INT32_MAX = 2**31 - 1

# Instants: what `datetime` holds, in UTC (years 1 to 9999), and the same as POSIX seconds.
MIN_INSTANT = datetime(1, 1, 1, tzinfo=UTC)
MAX_INSTANT = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
MIN_POSIX = -62_135_596_800  # 0001-01-01T00:00:00Z
MAX_POSIX = 253_402_300_799  # 9999-12-31T23:59:59Z

# Strings, in characters.
SHORT_TEXT = 256  # identifiers: types, time zones, ids given in bodies, host names
NAME = 4000  # names and titles
TEXT = 65_536  # messages, descriptions, queries, payloads
TAG = 1000  # one tag or scope term
# Lists.
ITEMS = 1000  # tags, monitor tags, components, updates: per list
CHECK_RUNS = 1000  # check runs in one POST /api/v1/check_run
GROUP_REPORTS = 1000  # groups in one POST /api/v1/monitor/{id}/state
MINUTES = 5_256_000  # monitor options counted in minutes: ten years


def _in_range(value: datetime) -> datetime:
    """An instant that exists in UTC (a naive value is taken as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z") from None


# Body fields take these types. Query parameters take the constants as Query(ge=..., le=...):
# FastAPI drops the constraints of an Annotated type whose parameter has a Query(...) default.
Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
StrictInt64 = Annotated[StrictInt, Field(ge=INT64_MIN, le=INT64_MAX)]
PosixSeconds = Annotated[int, Field(ge=MIN_POSIX, le=MAX_POSIX)]
Position = Annotated[StrictInt, Field(ge=0, le=INT32_MAX)]
# An aware UTC instant from an ISO-8601 string (or POSIX number), within years 1..9999 in UTC.
Instant = Annotated[datetime, AfterValidator(_in_range)]

ShortText = Annotated[StrictStr, Field(max_length=SHORT_TEXT)]
Name = Annotated[StrictStr, Field(max_length=NAME)]
Text = Annotated[StrictStr, Field(max_length=TEXT)]
Tag = Annotated[StrictStr, Field(max_length=TAG)]
Tags = Annotated[list[Tag], Field(max_length=ITEMS)]
# A list of at most ITEMS values: `Items[Affected]`.
Items = Annotated[list[T], Field(max_length=ITEMS)]
