"""Known-bad inputs, each answered with a 4xx in its API family's error form, never a 500.

One row per input that once reached the database or the standard library unchecked (an integer
past int64, an instant past year 9999, NUL on PostgreSQL, a lone surrogate, a body nested 100k
deep, 10 MB strings, 100k tags, 20,000 check runs); each names what the answer must say. Run on
both backends, since PostgreSQL and SQLite failed differently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from recess.core import limits
from recess.core.guards import MAX_BODY_BYTES, MAX_JSON_DEPTH
from tests.conftest import Server

BIG = 2**70
STATUS_PAGES = "/api/v2/statuspages"
SERVICE_CHECK = '"app.up".over("*").by("host").last(2).count_by_status()'


def v2(**attributes: Any) -> dict[str, Any]:
    """A v2 downtime create body with `attributes` over a valid default."""
    return {"data": {"type": "downtime", "attributes": {
        "scope": "env:prod", "monitor_identifier": {"monitor_tags": ["*"]}, **attributes}}}


def monitor(**fields: Any) -> dict[str, Any]:
    return {"name": "m", "type": "service check", "query": SERVICE_CHECK, "message": "x", **fields}


def page(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "status_pages", "attributes": {
        "name": "p", "domain_prefix": "hostile", "type": "public", "visualization_type": "bars_only", **attributes}}}


def component(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "components", "attributes": {"name": "c", "type": "component", **attributes}}}


def maintenance(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "maintenances", "attributes": {
        "title": "t", "scheduled_description": "s", "in_progress_description": "i", "completed_description": "c",
        "start_date": "2030-01-01T00:00:00Z", "completed_date": "2030-01-01T01:00:00Z", **attributes}}}


def window(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "maintenance_window", "attributes": {
        "name": "w", "query": "env:prod", "start_at": "2030-01-01T00:00:00Z", "end_at": "2030-01-02T00:00:00Z", **attributes}}}


def case(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "case", "attributes": {"title": "t", **attributes},
                     "relationships": {"project": {"data": {"id": "SEC", "type": "project"}}}}}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str  # may name {monitor} and {page}, made by the fixture
    says: str  # a piece of the (first) error message
    body: Any = None
    raw: bytes | None = None
    params: dict[str, str] = field(default_factory=dict)
    status: int = 400
    seconds: float = 30  # how long the answer may take (a few for inputs that once took many)


CASES = [
    # integers past int64, in queries and bodies
    Case("id_offset past int64", "GET", "/api/v1/monitor", "id_offset", params={"id_offset": str(BIG)}),
    Case("page[offset] past int64", "GET", "/api/v2/downtime", "page[offset]", params={"page[offset]": str(BIG)}),
    Case("events page past int64", "GET", "/api/v1/events", "page", params={"start": "0", "end": "1", "page": str(BIG)}),
    Case("v1 monitor_id past int64", "POST", "/api/v1/downtime", "monitor_id", {"scope": "env:a", "monitor_id": BIG}),
    Case("v2 monitor_id past int64", "POST", "/api/v2/downtime", "monitor_identifier.monitor_id",
         v2(monitor_identifier={"monitor_id": BIG})),
    Case("v2 monitor_id at 2**64 (orjson reads a float)", "POST", "/api/v2/downtime", "monitor_identifier.monitor_id",
         v2(monitor_identifier={"monitor_id": 2**64})),
    Case("monitor priority past int64", "POST", "/api/v1/monitor", "priority", monitor(priority=BIG)),
    Case("check run timestamp past int64", "POST", "/api/v1/check_run", "timestamp",
         {"check": "app.up", "status": 0, "timestamp": BIG}),
    Case("state report in a list past int64", "POST", "/api/v1/monitor/{monitor}/state", "groups[0].status",
         {"groups": [{"name": "g", "status": BIG}]}),
    Case("component position past int64", "POST", STATUS_PAGES + "/{page}/components", "position", component(position=BIG)),
    Case("component position past int32", "POST", STATUS_PAGES + "/{page}/components", "position",
         component(position=limits.INT32_MAX + 1)),
    Case("inline component position past int32", "POST", STATUS_PAGES, "components[0].position",
         page(domain_prefix="hostile-inline", components=[{"name": "c", "type": "component", "position": 2**40}])),
    # instants outside years 1..9999
    Case("events start before year 1", "GET", "/api/v1/events", "start", params={"start": "-10000000000000", "end": "0"}),
    Case("events end past year 9999", "GET", "/api/v1/events", "end", params={"start": "0", "end": "253402300800"}),
    Case("v1 end past year 9999", "POST", "/api/v1/downtime", "end", {"scope": "env:a", "end": 253402300800}),
    Case("v1 start before year 1", "POST", "/api/v1/downtime", "start", {"scope": "env:a", "start": -10**13}),
    Case("v1 start past int64", "POST", "/api/v1/downtime", "start", {"scope": "env:a", "start": BIG}),
    Case("v1 numeric-string end past year 9999", "POST", "/api/v1/downtime", "end", {"scope": "env:a", "end": "99999999999999"}),
    Case("v1 until_date past year 9999", "POST", "/api/v1/downtime", "until_date",
         {"scope": "env:a", "start": 1893456000, "end": 1893459600, "recurrence": {"type": "days", "period": 1, "until_date": 10**13}}),
    Case("v2 end that is year 10000 in UTC", "POST", "/api/v2/downtime", "schedule.end",
         v2(schedule={"end": "9999-12-31T23:59:59-01:00"})),
    Case("v2 start that is year 0 in UTC", "POST", "/api/v2/downtime", "schedule.start",
         v2(schedule={"start": "0001-01-01T00:00:00+01:00"})),
    Case("check run timestamp past year 9999", "POST", "/api/v1/check_run", "timestamp",
         {"check": "app.up", "status": 0, "timestamp": 10**13}),
    Case("maintenance window start year 0 in UTC", "POST", "/api/v2/maintenance_windows", "start_at",
         window(start_at="0001-01-01T00:00:00+01:00")),
    Case("maintenance completed year 10000 in UTC", "POST", STATUS_PAGES + "/{page}/maintenances", "completed_date",
         maintenance(completed_date="9999-12-31T23:59:59-01:00")),
    # durations and minutes
    Case("duration 999999w", "POST", "/api/v2/downtime", "at most 3660 days",
         v2(schedule={"recurrences": [{"duration": "999999w", "rrule": "FREQ=DAILY"}]})),
    Case("duration of ten digits", "POST", "/api/v2/downtime", "Invalid duration",
         v2(schedule={"recurrences": [{"duration": "9999999999w", "rrule": "FREQ=DAILY"}]})),
    Case("no_data_timeframe of a trillion minutes", "POST", "/api/v1/monitor", "no_data_timeframe",
         monitor(options={"notify_no_data": True, "no_data_timeframe": 10**12})),
    # recursion
    Case("20,000 NOTs in a scope", "POST", "/api/v2/downtime", "too long", v2(scope="NOT " * 20000 + "a:b")),
    Case("2,000 NOTs in a scope", "POST", "/api/v2/downtime", "nested too deeply", v2(scope="NOT " * 2000 + "a:b")),
    Case("a body nested 100k deep", "POST", "/api/v2/downtime", "nested too deeply", raw=b"[" * 100_000 + b"]" * 100_000),
    Case("a body nested one level too deep", "POST", "/api/v1/monitor", f"at most {MAX_JSON_DEPTH} levels",
         monitor(options={"x": json.loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)})),
    Case("a status page body nested 100k deep", "POST", STATUS_PAGES, "nested too deeply", raw=b"{\"a\":" * 50_000 + b"1" + b"}" * 50_000),
    # inputs that once took seconds each
    Case("a metric query of 60k spaces", "POST", "/api/v1/monitor", "invalid operator",
         {"type": "metric alert", "query": "a" + " " * 60_000, "options": {"thresholds": {"critical": 1}}}, seconds=5),
    Case("a message of 101 template sections", "POST", "/api/v1/monitor", "at most 100", monitor(message="{{#is_alert}}" * 101)),
    # lone surrogates
    Case("lone surrogate in a scope", "POST", "/api/v2/downtime", "data.attributes.scope: a lone surrogate", v2(scope="host:\ud800")),
    Case("lone surrogate in a monitor name", "POST", "/api/v1/monitor", "name: a lone surrogate", monitor(name="\udfff")),
    Case("lone surrogate in a v1 scope list", "POST", "/api/v1/downtime", "scope[0]", {"scope": ["a:\ud800"]}),
    Case("lone surrogate in a status page name", "POST", STATUS_PAGES, "lone surrogate", page(name="p\ud800")),
    Case("lone surrogate in a key", "POST", "/api/v1/monitor", "Invalid key in options", monitor(options={"\ud800": 1})),
    # NUL
    Case("NUL in a downtime message", "POST", "/api/v2/downtime", "data.attributes.message: NUL", v2(message="a\x00b")),
    Case("NUL in a monitor name", "POST", "/api/v1/monitor", "name: NUL", monitor(name="a\x00")),
    Case("NUL in a check name", "POST", "/api/v1/check_run", "check: NUL", {"check": "app\x00", "status": 0}),
    Case("NUL in a status page name", "POST", STATUS_PAGES, "name: NUL", page(name="p\x00")),
    Case("NUL in a maintenance window query", "POST", "/api/v2/maintenance_windows", "query: NUL", window(query="a:\x00")),
    Case("NUL in a query parameter", "GET", "/api/v1/monitor", "Invalid query parameter 'name'", params={"name": "a\x00"}),
    Case("NUL in a path", "GET", "/api/v1/integration/webhooks/configuration/webhooks/a%00b", "Invalid URL path"),
    Case("NUL in a status page filter", "GET", STATUS_PAGES, "filter[name]", params={"filter[name]": "\x00"}),
    # NaN and infinities
    Case("NaN in a body", "POST", "/api/v1/monitor", "NaN", raw=b'{"name": "m", "options": {"x": NaN}}'),
    Case("a number too large for a double", "POST", "/api/v1/monitor", "too large", raw=b'{"name": "m", "priority": 1e999}'),
    # sizes
    Case("a 10 MB name", "POST", "/api/v1/monitor", f"at most {MAX_BODY_BYTES} bytes", monitor(name="x" * 10_000_000), status=413),
    Case("a 2 MB status page", "POST", STATUS_PAGES, f"at most {MAX_BODY_BYTES} bytes", page(name="x" * 2_000_000), status=413),
    Case("a name one past its bound", "POST", "/api/v1/monitor", f"at most {limits.NAME} characters", monitor(name="x" * (limits.NAME + 1))),
    Case("a message one past its bound", "POST", "/api/v2/downtime", f"at most {limits.TEXT} characters", v2(message="x" * (limits.TEXT + 1))),
    Case("100k tags", "POST", "/api/v1/monitor", f"at most {limits.ITEMS} items", monitor(tags=[str(i) for i in range(100_000)])),
    Case("1001 monitor tags", "POST", "/api/v2/downtime", f"at most {limits.ITEMS} items",
         v2(monitor_identifier={"monitor_tags": [f"t:{i}" for i in range(limits.ITEMS + 1)]})),
    Case("a tag one past its bound", "POST", "/api/v1/check_run", f"at most {limits.TAG} characters",
         {"check": "app.up", "status": 0, "tags": ["t" * (limits.TAG + 1)]}),
    Case("a check name past its column", "POST", "/api/v1/check_run", "at most 200 characters", {"check": "c" * 201, "status": 0}),
    Case("a host name past its column", "POST", "/api/v1/check_run", "at most 255 characters",
         {"check": "app.up", "status": 0, "host_name": "h" * 256}),
    # A project is named by the id of one that exists (the projects API): a long one is not found.
    Case("a case project past its column", "POST", "/api/v2/cases", "project not found",
         {**case(), "data": {**case()["data"], "relationships": {"project": {"data": {"id": "P" * 65, "type": "project"}}}}},
         status=404),
    Case("a degradation title one past its bound", "POST", STATUS_PAGES + "/{page}/degradations", f"at most {limits.NAME} characters",
         {"data": {"type": "degradations", "attributes": {"title": "t" * (limits.NAME + 1), "status": "investigating"}}}),
    Case("20,000 check runs", "POST", "/api/v1/check_run", f"at most {limits.CHECK_RUNS}",
         [{"check": "app.up", "status": 0} for _ in range(20_000)]),
    Case("1001 check runs", "POST", "/api/v1/check_run", f"at most {limits.CHECK_RUNS}",
         [{"check": "app.up", "status": 0} for _ in range(limits.CHECK_RUNS + 1)]),
    Case("1001 state reports", "POST", "/api/v1/monitor/{monitor}/state", f"at most {limits.GROUP_REPORTS} items",
         {"groups": [{"name": f"g{i}", "status": "OK"} for i in range(limits.GROUP_REPORTS + 1)]}),
]


@pytest.fixture(scope="module")
def http(server: Server) -> Iterator[httpx.Client]:
    with server.http() as client:
        yield client


@pytest.fixture(scope="module")
def made(http: httpx.Client) -> dict[str, str]:
    """The objects the cases' paths name."""
    found = http.post("/api/v1/monitor", json={"name": "metric", "type": "metric alert", "query": "avg:cpu{*} > 90",
                                                "options": {"thresholds": {"critical": 90}}})
    assert found.status_code == 200, found.text
    status_page = http.post(STATUS_PAGES, json=page(domain_prefix=f"hostile-{found.json()['id']}"))
    assert status_page.status_code == 201, status_page.text
    return {"monitor": str(found.json()["id"]), "page": status_page.json()["data"]["id"]}


def assert_error_form(answer: httpx.Response, path: str) -> list[str]:
    """The answer is an error in its family's form; its messages."""
    errors = answer.json()["errors"]
    assert isinstance(errors, list) and errors, answer.text
    if path.startswith(STATUS_PAGES):
        assert answer.headers["content-type"].startswith("application/vnd.api+json")
        assert all(isinstance(e, dict) and isinstance(e["title"], str) and isinstance(e["detail"], str) for e in errors), errors
        return [e["detail"] for e in errors]
    assert answer.headers["content-type"].startswith("application/json")
    assert all(isinstance(e, str) for e in errors), errors
    return list(errors)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_is_a_4xx_naming_the_problem(http: httpx.Client, made: dict[str, str], case: Case) -> None:
    path = case.path.format(**made)
    content = case.raw if case.raw is not None else json.dumps(case.body).encode() if case.body is not None else None
    answer = http.request(case.method, path, params=case.params, content=content, timeout=case.seconds,
                          headers={"content-type": "application/json"} if content is not None else {})
    assert answer.status_code == case.status, answer.text[:500]
    messages = assert_error_form(answer, path)
    assert any(case.says in m for m in messages), messages


def test_a_body_streamed_without_a_length_is_413_once_past_the_limit(http: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    answer = http.post("/api/v1/monitor", content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 413
    assert_error_form(answer, "/api/v1/monitor")


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("DELETE", "/api/v1/check_run", "POST"),
    ("DELETE", "/api/v1/monitor", "GET, POST"),
    ("POST", "/api/v1/monitor/1", "DELETE, GET, PUT"),
    ("PUT", STATUS_PAGES, "GET, POST"),
])
def test_405_says_which_methods_the_path_takes(http: httpx.Client, method: str, path: str, allowed: str) -> None:
    answer = http.request(method, path)
    assert answer.status_code == 405
    assert answer.headers["allow"] == allowed
    assert_error_form(answer, path)


def test_bounds_accept_their_largest_values(http: httpx.Client, made: dict[str, str]) -> None:
    """The largest value each bound allows is still a valid request (not a 4xx, not a 500)."""
    answer = http.post("/api/v1/downtime", json={"scope": "env:edge", "start": 1893456000, "end": limits.MAX_POSIX})
    assert answer.status_code == 200, answer.text
    assert answer.json()["end"] == limits.MAX_POSIX
    answer = http.post("/api/v2/downtime", json=v2(scope="env:edge", message="m" * limits.TEXT,
                                                   schedule={"end": "9999-12-31T23:59:59Z"},
                                                   monitor_identifier={"monitor_tags": [f"t:{i}" for i in range(limits.ITEMS)]}))
    assert answer.status_code == 200, answer.text[:500]
    assert answer.json()["data"]["attributes"]["schedule"]["end"] == "9999-12-31T23:59:59.000000+00:00"
    answer = http.get("/api/v1/events", params={"start": str(limits.MIN_POSIX), "end": str(limits.MAX_POSIX)})
    assert answer.status_code == 200, answer.text
    answer = http.post("/api/v1/monitor", json=monitor(name="n" * limits.NAME, tags=[f"t:{i}" for i in range(limits.ITEMS)]))
    assert answer.status_code == 200, answer.text[:500]
    answer = http.post("/api/v1/check_run", json=[{"check": "app.up", "host_name": f"h{i % 50}", "status": i % 4,
                                                   "timestamp": limits.MAX_POSIX} for i in range(limits.CHECK_RUNS)])
    assert answer.status_code == 202, answer.text
    answer = http.post(STATUS_PAGES + f"/{made['page']}/components", json=component(position=limits.INT32_MAX))
    assert answer.status_code == 201, answer.text
    answer = http.get("/api/v2/downtime", params={"page[offset]": str(limits.INT64_MAX)})
    assert answer.status_code == 200 and answer.json()["data"] == [], answer.text
