"""The checks every request passes before routing (core.guards), the shared bounds
(core.limits), and the answers for a busy database and a wrong method (core.errors)."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg
import pytest
from fastapi import Body, FastAPI
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from recess.core import errors, guards, limits
from recess.core.guards import Refused


def refusal(call: Any, *args: Any) -> Refused:
    with pytest.raises(Refused) as caught:
        call(*args)
    return caught.value


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


# --- text -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "plain", "héllo wörld", "emoji \U0001F600", "tab\tnewline\n", "\u2028"])
def test_ordinary_text_passes(text: str) -> None:
    guards.check_text(text, "x")


def test_nul_is_refused_naming_where() -> None:
    refused = refusal(guards.check_text, "a\x00b", "Invalid value for name")
    assert refused.status == 400
    assert refused.message == "Invalid value for name: NUL characters (\\u0000) are not accepted"


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "\udbff"])
def test_a_lone_surrogate_is_refused(text: str) -> None:
    refused = refusal(guards.check_text, text, "Invalid value for scope")
    assert refused.message.startswith("Invalid value for scope: a lone surrogate (\\ud")


# --- JSON values ------------------------------------------------------------------------------


def test_a_value_at_the_depth_limit_passes_and_one_deeper_is_refused() -> None:
    guards.check_value(nested(guards.MAX_JSON_DEPTH))
    refused = refusal(guards.check_value, nested(guards.MAX_JSON_DEPTH + 1))
    assert refused.message == f"JSON body nested too deeply: at most {guards.MAX_JSON_DEPTH} levels"


def test_the_walk_needs_no_recursion() -> None:
    """Far deeper than Python's recursion limit: refused, never a RecursionError."""
    with pytest.raises(Refused):
        guards.check_value(nested(50_000))


@pytest.mark.parametrize("number", [limits.INT64_MIN, limits.INT64_MAX, 0, -1])
def test_int64_integers_pass(number: int) -> None:
    guards.check_value({"n": number})


@pytest.mark.parametrize("number", [limits.INT64_MAX + 1, limits.INT64_MIN - 1, 2**70, -(10**40)])
def test_integers_past_int64_are_refused_naming_the_field(number: int) -> None:
    refused = refusal(guards.check_value, {"data": {"items": [0, {"monitor_id": number}]}})
    assert refused.message.startswith("Invalid value for data.items[1].monitor_id: ")
    assert refused.message.endswith("is outside the 64-bit integer range")


def test_a_huge_integer_is_shown_cut_short() -> None:
    refused = refusal(guards.check_value, {"n": 10**1000})
    assert len(refused.message) < 200


def test_booleans_are_not_integers_here() -> None:
    guards.check_value({"flag": True, "other": False})


def test_strings_and_keys_are_checked_at_any_depth() -> None:
    assert refusal(guards.check_value, {"a": [{"b": "x\x00"}]}).message.startswith("Invalid value for a[0].b: NUL")
    assert refusal(guards.check_value, {"a": {"k\x00": 1}}).message.startswith("Invalid key in a: NUL")
    assert refusal(guards.check_value, ["\ud800"]).message.startswith("Invalid value for [0]: a lone surrogate")
    assert refusal(guards.check_value, "\x00").message.startswith("Invalid value for the body: NUL")


# --- bodies -----------------------------------------------------------------------------------


def test_bodies_that_are_not_json_are_left_to_the_route() -> None:
    for body in (b"", b"   ", b"{", b"not json", b"\xff\xfe\x00", b"[" * 10 + b"]" * 9, b"9" * 5000):
        guards.check_body(body)


def test_a_body_nested_past_the_decoder_is_refused_as_too_deep() -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    assert refusal(guards.check_body, body).message == f"JSON body nested too deeply: at most {guards.MAX_JSON_DEPTH} levels"


@pytest.mark.parametrize("body", [b'{"a": NaN}', b"[Infinity]", b'{"a": -Infinity}'])
def test_nan_and_infinity_are_refused(body: bytes) -> None:
    assert "is not a JSON number" in refusal(guards.check_body, body).message


def test_a_float_too_large_for_a_double_is_refused() -> None:
    assert "too large" in refusal(guards.check_body, b'{"a": 1e999}').message


def test_escaped_nul_and_surrogates_in_bodies_are_refused() -> None:
    assert "NUL" in refusal(guards.check_body, json.dumps({"name": "a\x00"}).encode()).message
    assert "lone surrogate" in refusal(guards.check_body, b'{"name": "\\ud800"}').message


def test_integers_past_int64_in_bodies_are_refused_even_where_orjson_reads_a_float() -> None:
    # orjson reads 2**64 as a float: the guard must still see the integer the route would.
    for number in (2**63, 2**64, -(2**63) - 1, 10**30):
        body = b'{"data": {"monitor_id": %d}}' % number
        assert "outside the 64-bit integer range" in refusal(guards.check_body, body).message
    guards.check_body(b'{"data": {"monitor_id": %d, "other": %d}}' % (2**63 - 1, -(2**63)))
    guards.check_body(b'{"ratio": 0.12345678901234567890123}')  # many digits, but a float


def test_an_escaped_nul_in_a_key_is_refused() -> None:
    assert "Invalid key in data: NUL" in refusal(guards.check_body, b'{"data": {"k\\u0000": 1}}').message
    guards.check_body(b'{"path": "C:\\\\u0000"}')  # an escaped backslash, then text: no NUL


def test_a_surrogate_pair_is_one_character_and_passes() -> None:
    guards.check_body(b'{"name": "\\ud83d\\ude00"}')


def test_the_depth_limit_can_be_set() -> None:
    guards.check_body(b"[[[1]]]", max_depth=3)
    with pytest.raises(Refused):
        guards.check_body(b"[[[[1]]]]", max_depth=3)


# --- query strings and paths --------------------------------------------------------------------


def test_query_strings() -> None:
    guards.check_query(b"")
    guards.check_query(b"name=plain&tags=a%3Ab,c&page%5Boffset%5D=3")
    guards.check_query(b"name=%ED%A0%80")  # invalid UTF-8 is decoded as U+FFFD, as Starlette does
    assert refusal(guards.check_query, b"name=a%00b").message == "Invalid query parameter 'name': NUL characters (\\u0000) are not accepted"
    assert refusal(guards.check_query, b"a%00=1").message.startswith("Invalid query parameter name: NUL")


def test_paths() -> None:
    guards.check_path("/api/v1/monitor/12")
    assert refusal(guards.check_path, "/api/v1/x\x00").message.startswith("Invalid URL path: NUL")


def test_content_length() -> None:
    assert guards.content_length([(b"content-length", b"12")]) == 12
    assert guards.content_length([(b"content-type", b"x")]) is None
    assert guards.content_length([(b"content-length", b"twelve")]) is None


# --- the middleware ---------------------------------------------------------------------------


def guarded_app(max_body_bytes: int = 1024) -> FastAPI:
    app = FastAPI()
    shapes = errors.ErrorShapes(["/objects"])
    errors.install(app, shapes)

    @app.post("/echo")
    async def echo(body: Any = Body(None)) -> Any:
        return {"got": body}

    @app.post("/objects/echo")
    async def objects_echo(body: Any = Body(None)) -> Any:
        return {"got": body}

    app.add_middleware(guards.RequestGuards, shapes=shapes, max_body_bytes=max_body_bytes)
    return app


async def _post(app: FastAPI, path: str, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.post(path, **kwargs)


@pytest.mark.anyio
async def test_the_middleware_hands_an_accepted_body_on_unchanged() -> None:
    answer = await _post(guarded_app(), "/echo", json={"a": [1, "two"]})
    assert answer.status_code == 200 and answer.json() == {"got": {"a": [1, "two"]}}


@pytest.mark.anyio
async def test_a_body_over_the_limit_is_413_in_the_path_form() -> None:
    app = guarded_app(max_body_bytes=1024)
    answer = await _post(app, "/echo", content=b"x" * 1025)
    assert answer.status_code == 413
    assert answer.json() == {"errors": ["Request body too large: at most 1024 bytes"]}
    answer = await _post(app, "/objects/echo", content=b"x" * 1025)
    assert answer.status_code == 413
    assert answer.json() == {"errors": [{"title": "Generic Error", "detail": "Request body too large: at most 1024 bytes"}]}


@pytest.mark.anyio
async def test_a_streamed_body_without_a_length_is_counted_too() -> None:
    async def chunks() -> Any:
        for _ in range(10):
            yield b"x" * 200

    answer = await _post(guarded_app(max_body_bytes=1024), "/echo", content=chunks())
    assert answer.status_code == 413


@pytest.mark.anyio
async def test_the_middleware_refuses_hostile_json_and_queries() -> None:
    app = guarded_app()
    answer = await _post(app, "/echo", content=b'{"name": "\\u0000"}')
    assert answer.status_code == 400 and answer.json() == {"errors": ["Invalid value for name: NUL characters (\\u0000) are not accepted"]}
    answer = await _post(app, "/echo?x=%00", json={})
    assert answer.status_code == 400
    answer = await _post(app, "/objects/echo", content=b"[" * 70 + b"]" * 70)
    assert answer.status_code == 400 and answer.json()["errors"][0]["detail"].startswith("JSON body nested too deeply")


# --- the shared bounds --------------------------------------------------------------------------


class Bounded(BaseModel):
    at: limits.Instant | None = None
    seconds: limits.PosixSeconds | None = None
    name: limits.Name | None = None
    tags: limits.Tags | None = None
    things: limits.Items[int] | None = None


def test_instants_within_years_1_to_9999_in_utc() -> None:
    assert Bounded(at="9999-12-31T23:59:59Z").at == limits.MAX_INSTANT.replace(microsecond=0)  # type: ignore[arg-type]
    assert Bounded(at="2026-01-02T03:04:05+02:00").at == datetime(2026, 1, 2, 1, 4, 5, tzinfo=UTC)  # type: ignore[arg-type]
    assert Bounded(at="2026-01-02T03:04:05").at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)  # type: ignore[arg-type]
    for text in ("9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"):
        with pytest.raises(ValidationError, match="must be between 0001-01-01"):
            Bounded(at=text)  # type: ignore[arg-type]


def test_posix_seconds_are_what_a_datetime_holds() -> None:
    for seconds in (limits.MIN_POSIX, limits.MAX_POSIX):
        Bounded(seconds=seconds)
        datetime.fromtimestamp(seconds, UTC)  # and indeed it does
    for seconds in (limits.MIN_POSIX - 1, limits.MAX_POSIX + 1):
        with pytest.raises(ValidationError):
            Bounded(seconds=seconds)


def test_strings_and_lists_name_their_bound() -> None:
    Bounded(name="x" * limits.NAME, tags=["t"] * limits.ITEMS, things=[1] * limits.ITEMS)
    with pytest.raises(ValidationError, match=f"at most {limits.NAME} characters"):
        Bounded(name="x" * (limits.NAME + 1))
    with pytest.raises(ValidationError, match=f"at most {limits.ITEMS} items"):
        Bounded(tags=["t"] * (limits.ITEMS + 1))
    with pytest.raises(ValidationError, match=f"at most {limits.TAG} characters"):
        Bounded(tags=["t" * (limits.TAG + 1)])
    with pytest.raises(ValidationError, match=f"at most {limits.ITEMS} items"):
        Bounded(things=[1] * (limits.ITEMS + 1))


# --- patterns that once took quadratic time -------------------------------------------------------


def test_the_log_filter_is_linear_on_long_lines() -> None:
    from recess.core.logs import Redact

    redact = Redact([])
    assert redact.scrub("x postgresql+psycopg://user:secret@host/db") == "x postgresql+psycopg://user:***@host/db"
    started = time.perf_counter()
    for line in ("a" * 65536, "a://b:" * 10_000, ("a" * 100 + "://") * 600):
        redact.scrub(line)
    assert time.perf_counter() - started < 2  # the old pattern took ~25 s on the first line alone


def test_the_metric_query_check_is_linear() -> None:
    from recess.monitors.rules import MonitorError, check_query

    assert check_query("metric alert", "avg:cpu{*} by {host} > 90") == "avg:cpu{*} by {host} > 90"
    started = time.perf_counter()
    with pytest.raises(MonitorError):
        check_query("metric alert", "a" + " " * 65536)
    assert time.perf_counter() - started < 2  # the old pattern took ~30 s


# --- a busy database and a wrong method ---------------------------------------------------------


def _operational(orig: Exception) -> OperationalError:
    return OperationalError("UPDATE t SET x = 1", {}, orig)


@pytest.mark.parametrize("exc", [
    _operational(sqlite3.OperationalError("database is locked")),
    _operational(sqlite3.OperationalError("database table is locked")),
    _operational(psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")),
    _operational(psycopg.errors.SerializationFailure("could not serialize access")),
    _operational(psycopg.errors.DeadlockDetected("deadlock detected")),
    PoolTimeout("QueuePool limit of size 5 overflow 10 reached"),
])
def test_busy_databases_are_told_apart(exc: Exception) -> None:
    assert errors.database_unavailable(exc) == "The database is busy: try again shortly"


def test_other_database_errors_are_not_busy() -> None:
    assert errors.database_unavailable(_operational(sqlite3.OperationalError("no such table: x"))) is None
    assert errors.database_unavailable(_operational(psycopg.errors.UndefinedTable("relation x"))) is None
    assert errors.database_unavailable(ValueError("x")) is None


def failing_app(exc: Exception) -> FastAPI:
    app = FastAPI()
    errors.install(app, errors.ErrorShapes(["/objects"]))

    @app.get("/fail")
    @app.get("/objects/fail")
    def fail() -> None:
        raise exc

    @app.post("/fail")
    def post_fail() -> None:
        raise exc

    return app


async def _get(app: FastAPI, path: str, method: str = "GET") -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://test") as client:
        return await client.request(method, path)


@pytest.mark.anyio
async def test_a_locked_database_is_503_with_retry_after_in_each_form() -> None:
    app = failing_app(_operational(sqlite3.OperationalError("database is locked")))
    answer = await _get(app, "/fail")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == str(errors.RETRY_AFTER_SECONDS)
    assert answer.json() == {"errors": ["The database is busy: try again shortly"]}
    answer = await _get(app, "/objects/fail")
    assert answer.status_code == 503 and answer.headers["retry-after"]
    assert answer.json()["errors"][0]["detail"] == "The database is busy: try again shortly"


@pytest.mark.anyio
async def test_other_database_errors_stay_500() -> None:
    answer = await _get(failing_app(_operational(sqlite3.OperationalError("disk I/O error"))), "/fail")
    assert answer.status_code == 500 and answer.json() == {"errors": ["Internal Server Error"]}


@pytest.mark.anyio
async def test_405_lists_every_method_of_the_path() -> None:
    app = failing_app(ValueError("unused"))
    answer = await _get(app, "/fail", method="DELETE")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, POST"  # FastAPI routes answer no HEAD
    assert answer.json() == {"errors": ["Method Not Allowed"]}
