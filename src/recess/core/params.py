"""Path parameters, parsed once: integer ids (int64, as Datadog's) and UUIDs.

Path segments arrive as text so that a malformed id is answered in Datadog's words (a 400
naming the parameter) rather than by the framework's validation message.

Routes write an id segment as `{monitor_id:id}`. The `id` convertor (registered when this
module is imported, which every route module does) matches any segment except a lower-case
word such as `search`, `can_delete` or `favorites`: those name sub-paths under a resource
(Datadog's or ones recess does not serve), never an id. A word segment therefore reaches no id
route at all: it is a known sibling route, or a 404 with the error body, and not a 400
`monitor_id must be an integer` for what was never meant as an id.
"""

from __future__ import annotations


from starlette.convertors import Convertor, register_url_convertor

from recess.core.errors import ApiError, bad_request
from recess.core.ids import is_uuid

INT64_MAX = 2**63 - 1


class IdSegment(Convertor[str]):
    """A path segment that may be an id: anything but a lower-case word (a sub-path's name)."""

    regex = r"(?![a-z]+(?:_[a-z]+)*(?:/|$))[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return str(value)


register_url_convertor("id", IdSegment())


def int_id(text: str, name: str, *, positive: bool = False) -> int:
    """`text` as an int64 id, or a 400 `Invalid URL param: <name> must be an integer`."""
    try:
        value = int(text)
    except ValueError:
        raise bad_request(f"Invalid URL param: {name} must be an integer") from None
    if positive and value < 0:
        raise bad_request(f"Invalid URL param: {name} must be a positive integer")
    if not -INT64_MAX - 1 <= value <= INT64_MAX:
        raise bad_request(f"Invalid URL param: {name} must be a 64-bit integer")
    return value


def uuid_id(text: str, name: str, message: str | None = None) -> str:
    """`text` as a lower-case UUID, or a 400 (`message`, else `Invalid URL param: <name> must be a UUID`)."""
    if not is_uuid(text):
        raise ApiError(400, message or f"Invalid URL param: {name} must be a UUID")
    return text.lower()
