"""Checks every request passes before any route sees it, whatever the route.

- the body is at most `max_body_bytes` (413), read once and handed on;
- a JSON body (POST, PUT, PATCH) nests at most `max_depth` containers, holds no NaN or
  Infinity, no integer outside int64, and no string (or key) with a NUL character or a lone
  UTF-16 surrogate (400 naming where): PostgreSQL's text cannot hold NUL, a lone surrogate is
  not Unicode and cannot be encoded to UTF-8, and an integer past int64 fits no column;
- the path and the query string hold no NUL character either (400).

The pure checks raise `Refused`; `RequestGuards` is the ASGI middleware that applies them and
answers in the path's error form (`ErrorShapes`). A body that is not JSON at all is handed on
untouched: the route answers it as before.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import parse_qsl

import orjson

from recess.core.errors import ErrorShapes, json_path
from recess.core.limits import INT64_MAX, INT64_MIN

MAX_BODY_BYTES = 1_048_576
MAX_JSON_DEPTH = 64
JSON_METHODS = frozenset({"POST", "PUT", "PATCH"})
GUARDED = "recess.guarded"  # scope key: the checked body, or the Refused, when a lane checked first
_SHOWN = 40  # characters of an offending number shown in a message


class Refused(Exception):
    """A request refused before routing: its status and the message the client sees."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def too_large(limit: int) -> Refused:
    return Refused(413, f"Request body too large: at most {limit} bytes")


def _lone_surrogate(value: str) -> str | None:
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return value[exc.start]
    return None


def check_text(value: str, where: str) -> None:
    """Refuse a string PostgreSQL cannot store (NUL) or that is not Unicode (a lone surrogate)."""
    if "\x00" in value:
        raise Refused(400, f"{where}: NUL characters (\\u0000) are not accepted")
    surrogate = _lone_surrogate(value)
    if surrogate is not None:
        raise Refused(400, f"{where}: a lone surrogate ({ascii(surrogate)[1:-1]}) is not valid Unicode")


def _field(chain: tuple[Any, ...] | None) -> str:
    """The JSON path of a walk's node (`data.attributes.tags[2]`), from its chain of keys."""
    keys: list[Any] = []
    while chain is not None:
        key, chain = chain
        keys.append(key)
    return json_path(tuple(reversed(keys))) or "the body"


def check_value(value: Any, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Walk parsed JSON without recursion; refuse the first problem, naming where it is."""
    stack: list[tuple[Any, tuple[Any, ...] | None, int]] = [(value, None, 1)]
    while stack:
        node, chain, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > max_depth:
                raise Refused(400, f"JSON body nested too deeply: at most {max_depth} levels")
            if isinstance(node, dict):
                for key, child in node.items():
                    if "\x00" in key or not key.isascii():
                        check_text(key, f"Invalid key in {_field(chain)}")
                    stack.append((child, (key, chain), depth + 1))
            else:
                stack.extend((child, (i, chain), depth + 1) for i, child in enumerate(node))
        elif isinstance(node, str):
            if "\x00" in node or not node.isascii():
                check_text(node, f"Invalid value for {_field(chain)}")
        elif isinstance(node, int) and not isinstance(node, bool) and not INT64_MIN <= node <= INT64_MAX:
            shown = str(node)
            shown = shown if len(shown) <= _SHOWN else shown[:_SHOWN] + "…"
            raise Refused(400, f"Invalid value for {_field(chain)}: {shown} is outside the 64-bit integer range")


def _constant(name: str) -> float:
    raise Refused(400, f"Malformed JSON body: {name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise Refused(400, f"Malformed JSON body: the number {text[:_SHOWN]} is too large")
    return value


class _NotJson:
    pass


NOT_JSON = _NotJson()


def _stdlib_json(body: bytes, max_depth: int) -> Any:
    """The body's JSON value as the standard library reads it (it says why it refuses NaN or
    1e400, and keeps integers past 64 bits exact); NOT_JSON when it is not JSON."""
    try:
        return json.loads(body, parse_constant=_constant, parse_float=_finite)
    except RecursionError:  # far deeper than max_depth: the decoder gave up first
        raise Refused(400, f"JSON body nested too deeply: at most {max_depth} levels") from None
    except ValueError:
        return NOT_JSON


_LONG_NUMBER = re.compile(rb"\d{19}")  # 19 digits: past int64 maybe, which orjson reads as a float


def check_body(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Refuse a JSON body holding what no route can store (above); leave a body that is not
    JSON to the route.

    orjson (~10 times faster) already refuses NaN, Infinity, lone surrogates and bare control
    characters. What it lets through is an escaped NUL (`\\u0000`), nesting past `max_depth`
    and integers past int64 (read as floats): when the bytes cannot hold any of those, there is
    nothing left to walk for."""
    if not body.strip():
        return
    if _LONG_NUMBER.search(body) is None:
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
        else:
            if b"\\u0000" in body or body.count(b"{") + body.count(b"[") > max_depth:
                check_value(value, max_depth)
            return
    value = _stdlib_json(body, max_depth)
    if value is not NOT_JSON:
        check_value(value, max_depth)


def check_query(query_string: bytes) -> None:
    """Query parameters, decoded as Starlette decodes them, hold no NUL (nor lone surrogate)."""
    if b"%" not in query_string and b"\x00" not in query_string:
        return
    for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        check_text(key, "Invalid query parameter name")
        check_text(value, f"Invalid query parameter '{key}'")


def check_path(path: str) -> None:
    check_text(path, "Invalid URL path")


def content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class Guard:
    """The checks above with one app's limits: for the middleware below, and for lanes
    (core.lanes), which answer before it."""

    def __init__(self, max_body_bytes: int = MAX_BODY_BYTES, max_depth: int = MAX_JSON_DEPTH) -> None:
        self.max_body_bytes = max_body_bytes
        self.max_depth = max_depth

    async def checked_body(self, scope: dict[str, Any], receive: Any) -> bytes | None:
        """The request's body once every check passed (raises Refused); None when the client
        went away."""
        check_path(scope["path"])
        check_query(scope.get("query_string", b""))
        declared = content_length(scope["headers"])
        if declared is not None and declared > self.max_body_bytes:
            raise too_large(self.max_body_bytes)
        body = await self._read(receive)
        if body is not None and scope["method"] in JSON_METHODS:
            check_body(body, self.max_depth)
        return body

    async def _read(self, receive: Any) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise too_large(self.max_body_bytes)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


class RequestGuards:
    """ASGI middleware: the checks above, before routing; the body is read once and replayed."""

    def __init__(self, app: Any, shapes: ErrorShapes, max_body_bytes: int = MAX_BODY_BYTES,
                 max_depth: int = MAX_JSON_DEPTH) -> None:
        self.app = app
        self.shapes = shapes
        self.guard = Guard(max_body_bytes, max_depth)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            guarded = scope.get(GUARDED)  # a lane checked it already (and read the body)
            if isinstance(guarded, Refused):
                raise guarded
            body = guarded if guarded is not None else await self.guard.checked_body(scope, receive)
        except Refused as exc:
            response = self.shapes.response(scope["path"], exc.status, [exc.message])
            await response(scope, receive, send)
            return
        if body is None:  # the client went away
            return
        await self.app(scope, replay(body, receive), send)


def replay(body: bytes, receive: Any) -> Any:
    """A `receive` that gives `body` (already read) first, then what the server sends next."""
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        message: dict[str, Any] = await receive()  # after the body: the disconnect, as the server sends it
        return message

    return replay
