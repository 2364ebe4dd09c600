"""Every operation in the served `/openapi.json`, sent random path and query values and random
JSON bodies: no answer is a 5xx, and every 4xx is a well-formed error in the path's family.

Most bodies are a valid body of the operation with one to three values replaced by odd ones
(huge integers, instants at and past years 1 and 9999, NUL, lone surrogates, long strings,
wrong types) or removed, so that they reach past schema validation into rules and the database;
the others follow the operation's request schema loosely, or are any JSON, or broken bytes.

Each backend gets a server of its own (random writes must not disturb other tests), holding one
object of each kind, so that path ids are often real ones. The example budget per operation is
fixed and generation derandomized: a run is repeatable and takes about a minute a backend.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recess.app import FEATURES
from recess.core.errors import ErrorShapes
from tests.conftest import Server

EXAMPLES = 70  # per operation; about 75 operations: about a minute a backend
SKIPPED = ("/api/v1/_recess/",)  # test-only: they move the server's clock
BY_DESIGN_5XX = {"/readyz"}  # 503 is its answer when a check fails
SHAPES = ErrorShapes([prefix for feature in FEATURES for prefix in feature.object_error_prefixes])
BIG_INTS = [0, -1, 1, 2, 5, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**70,
            253402300799, 253402300800, -62135596800, -62135596801, 10**13, -(10**13)]
SURROGATE = "\ud800"
TEXTS = ["", " ", "*", "\x00", "a\x00b", "x" * 5000, "NOT " * 3000 + "a:b", "(" * 100 + "a:b" + ")" * 100,
         "env:prod", "host:a AND -env:b", "-1", "0", "9" * 30, "1e999", "00000000-0000-1000-8000-000000000000",
         "2026-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
         "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "+10000-01-01T00:00:00", "2199-12-31T23:59",
         "FREQ=DAILY;COUNT=999999", "FREQ=SECONDLY", "999999w", "1d", "0m", "Europe/Paris", "../../etc/passwd",
         "@webhook-x", "{{#is_alert}}", "'; DROP TABLE monitors; --", "%00", "\u202e", "\U0001F600"]
HOSTILE_TEXTS = [*TEXTS, SURROGATE, f"a{SURROGATE}b"]  # lone surrogates only in bodies (URLs cannot carry them)


def url_text() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(TEXTS), st.text(max_size=40), st.integers().map(str),
                     st.sampled_from(BIG_INTS).map(str))


def leaf() -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.booleans(), st.sampled_from(BIG_INTS), st.integers(),
                     st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(HOSTILE_TEXTS), st.text(max_size=30))


def any_json() -> st.SearchStrategy[Any]:
    return st.recursive(leaf(), lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                        max_leaves=12)


def from_schema(schema: dict[str, Any], doc: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values shaped like `schema`, with hostile values mixed in at every level."""
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if depth > 5:
        return leaf()
    shaped: st.SearchStrategy[Any]
    if "anyOf" in schema or "oneOf" in schema:
        shaped = st.one_of([from_schema(s, doc, depth + 1) for s in schema.get("anyOf", schema.get("oneOf"))])
    elif "const" in schema:
        shaped = st.just(schema["const"])
    elif "enum" in schema:
        shaped = st.sampled_from(schema["enum"])
    elif schema.get("type") == "object" and schema.get("properties"):
        properties = {k: from_schema(v, doc, depth + 1) for k, v in schema["properties"].items()}
        required = set(schema.get("required", ()))
        shaped = st.fixed_dictionaries({k: v for k, v in properties.items() if k in required},
                                       optional={k: v for k, v in properties.items() if k not in required})
    elif schema.get("type") == "array":
        shaped = st.lists(from_schema(schema.get("items", {}), doc, depth + 1), max_size=3)
    elif schema.get("type") == "string":
        shaped = st.one_of(st.sampled_from(HOSTILE_TEXTS), st.text(max_size=30))
    elif schema.get("type") == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        shaped = st.one_of(st.integers(min_value=low, max_value=high), st.sampled_from(BIG_INTS))
    elif schema.get("type") == "number":
        shaped = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(BIG_INTS))
    elif schema.get("type") == "boolean":
        shaped = st.booleans()
    else:
        return any_json()
    return st.one_of(shaped, shaped, leaf())  # mostly shaped, sometimes not at all


_DELETE = object()


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where a value can be changed: itself, and everything inside it."""
    found = [at]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*at, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _paths(child, (*at, i))
    return found


def _changed(value: Any, at: tuple[Any, ...], new: Any) -> Any:
    if not at:
        return None if new is _DELETE else new
    if not isinstance(value, dict | list) or (isinstance(value, list) and not isinstance(at[0], int)) \
            or (isinstance(value, dict) and at[0] not in value) or (isinstance(value, list) and at[0] >= len(value)):
        return value  # an earlier change removed this place
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    if len(at) == 1 and new is _DELETE:
        del copy[at[0]]
    else:
        copy[at[0]] = _changed(copy[at[0]], at[1:], new)
    return copy


def mutated(example: Any) -> st.SearchStrategy[Any]:
    """A valid body with one to three places replaced by odd values (or removed)."""
    change = st.tuples(st.sampled_from(_paths(example)), st.one_of(leaf(), leaf(), any_json(), st.just(_DELETE)))

    def apply(changes: list[tuple[tuple[Any, ...], Any]]) -> Any:
        value = example
        for at, new in changes:
            value = _changed(value, at, new)
        return value

    return st.lists(change, min_size=1, max_size=3).map(apply)


RAW_BODIES = [b"", b"{", b"null", b"[]", b"\xff\xfe\x00\x00", b"[" * 5000 + b"]" * 5000, b'{"a": NaN}', b"1e999",
              b'"\\ud800"', b'{"data": {"attributes": {"name": "\\u0000"}}}', b"9" * 5000]


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) for every documented operation; deletions last, so that the
    objects the others act on live as long as possible."""
    found = [(method.upper(), path, op) for path, item in doc["paths"].items() for method, op in item.items()
             if method in ("get", "post", "put", "patch", "delete") and not path.startswith(SKIPPED)]
    return sorted(found, key=lambda o: o[0] == "DELETE")


PLAUSIBLE = {  # query values that pass validation, so that the others get their turn
    "start": ["0", "1700000000"], "end": ["2000000000", "4102444800"], "page[offset]": ["0", "1"], "page[limit]": ["1", "30"],
    "page": ["0", "1"], "page_size": ["1", "10"], "id_offset": ["0"], "sources": ["monitor"], "priority": ["normal"],
    "sort": ["created_at", "-created_at", "start_date", "-modified_at"], "filter[status]": ["investigating", "scheduled,in_progress"],
    "group_states": ["all", "alert,warn"], "tags": ["host:h1", "env:fuzz"], "monitor_tags": ["env:fuzz"], "name": ["fuzz"],
    "filter[name]": ["fuzz"], "filter[domain_prefix]": ["fuzz"],
    **{flag: ["true", "false"] for flag in ("current_only", "with_creator", "with_downtimes", "notify_subscribers",
                                             "delete_subscribers", "unaggregated", "exclude_aggregate")},
}


def request_strategy(op: dict[str, Any], doc: dict[str, Any], ids: dict[str, list[str]],
                     examples: list[Any]) -> st.SearchStrategy[dict[str, Any]]:
    path_params, query_params = {}, {}
    for param in op.get("parameters", []):
        known = [*ids.get(param["name"], []), *PLAUSIBLE.get(param["name"], [])]
        values = st.one_of(st.sampled_from(known), st.sampled_from(known), url_text()) if known else url_text()
        if param["in"] == "path":
            path_params[param["name"]] = values
        elif param["in"] == "query":
            query_params[param["name"]] = values
    body: st.SearchStrategy[Any] = st.none()
    if "requestBody" in op:
        content = op["requestBody"].get("content", {})
        schema = next(iter(content.values()), {}).get("schema", {})
        encoded = [from_schema(schema, doc).map(lambda v: json.dumps(v).encode()),
                   any_json().map(lambda v: json.dumps(v).encode()), st.sampled_from(RAW_BODIES)]
        if examples:  # mostly a valid body with a few odd values: that reaches past validation
            near = st.sampled_from(examples).flatmap(mutated).map(lambda v: json.dumps(v).encode())
            valid = st.sampled_from(examples).map(lambda v: json.dumps(v).encode())
            encoded = [near, near, near, near, valid, *encoded]
        body = st.one_of(encoded)
    return st.fixed_dictionaries({"path": st.fixed_dictionaries(path_params),
                                  "query": st.fixed_dictionaries({}, optional=query_params), "body": body})


def assert_well_formed(answer: httpx.Response, path: str, what: str) -> None:
    assert answer.status_code < 500, f"{what}: {answer.status_code} {answer.text[:300]}"
    if answer.status_code < 400:
        return
    try:
        errors = answer.json()["errors"]
    except (ValueError, KeyError, TypeError):
        raise AssertionError(f"{what}: a {answer.status_code} without an errors list: {answer.text[:300]}") from None
    assert isinstance(errors, list) and errors, f"{what}: {answer.text[:300]}"
    if SHAPES.object_style(path):
        assert all(isinstance(e, dict) and isinstance(e.get("title"), str) and isinstance(e.get("detail"), str)
                   for e in errors), f"{what}: {answer.text[:300]}"
    else:
        assert all(isinstance(e, str) for e in errors), f"{what}: {answer.text[:300]}"


Ids = dict[str, list[str]]
Examples = dict[tuple[str, str], list[Any]]


@pytest.fixture(scope="module")
def fuzzed(clock_server: Server) -> Iterator[tuple[httpx.Client, Ids, Examples]]:
    """A client of this module's own server, real ids by path parameter name, and valid bodies
    by operation (each used to make those objects)."""
    with clock_server.http() as http:
        yield http, *_objects(http)


def _objects(http: httpx.Client) -> tuple[Ids, Examples]:
    examples: Examples = {}

    def made(method: str, template: str, body: Any, **ids: str) -> Any:
        examples.setdefault((method, template), []).append(body)
        answer = http.request(method, template.format(**ids), json=body)
        assert answer.status_code in (200, 201, 202), answer.text
        return answer.json()

    sp = "/api/v2/statuspages"
    service_check = made("POST", "/api/v1/monitor", {
        "name": "fuzz {{host.name}}", "type": "service check", "query": '"app.up".over("*").by("host").last(3).count_by_status()',
        "message": "{{#is_alert}}down @webhook-fuzz{{/is_alert}}", "tags": ["env:fuzz"],
        "options": {"notify_no_data": True, "no_data_timeframe": 10, "thresholds": {"critical": 2, "warning": 1, "ok": 1}}})
    metric = made("POST", "/api/v1/monitor", {
        "name": "fuzz metric", "type": "metric alert", "query": "avg:cpu{*} by {host} > 90", "priority": 3,
        "options": {"thresholds": {"critical": 90, "warning": 80}}})
    made("PUT", "/api/v1/monitor/{id}", {"name": "fuzz", "message": "m @webhook-fuzz", "tags": ["env:fuzz", "team:a"],
                                         "options": {"thresholds": {"critical": 1}}}, id=str(service_check["id"]))
    made("POST", "/api/v1/monitor/{id}/state", {"groups": [{"name": "host:h1", "status": "Alert", "tags": ["host:h1"]}]},
         id=str(metric["id"]))
    made("POST", "/api/v1/integration/webhooks/configuration/webhooks", {
        "name": "fuzz", "url": "http://127.0.0.1:9/x", "payload": '{"id": "$ID", "title": "$EVENT_TITLE"}',
        "custom_headers": '{"X-A": "b"}', "encode_as": "json"})
    made("PUT", "/api/v1/integration/webhooks/configuration/webhooks/{name}", {"payload": '{"t": "$DATE"}'}, name="fuzz")
    v1 = made("POST", "/api/v1/downtime", {"scope": ["env:fuzz", "host:h1"], "monitor_id": service_check["id"], "message": "m"})
    made("POST", "/api/v1/downtime", {"scope": "env:fuzz", "start": 1893456000, "end": 1893459600, "timezone": "Europe/Paris",
                                      "recurrence": {"type": "weeks", "period": 1, "week_days": ["Mon", "Fri"], "until_occurrences": 5}})
    made("PUT", "/api/v1/downtime/{id}", {"message": "n", "monitor_tags": ["env:fuzz"], "end": 2000000000}, id=str(v1["id"]))
    v2 = made("POST", "/api/v2/downtime", {"data": {"type": "downtime", "attributes": {
        "scope": "env:fuzz AND host:(h1 OR h2)", "monitor_identifier": {"monitor_tags": ["env:fuzz"]}, "message": "m",
        "notify_end_states": ["alert"], "notify_end_types": ["canceled", "expired"],
        "schedule": {"start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z"}}}})
    recurring = {"data": {"type": "downtime", "attributes": {
        "scope": "*", "monitor_identifier": {"monitor_id": service_check["id"]}, "display_timezone": "Europe/Paris",
        "schedule": {"timezone": "Europe/Paris", "recurrences": [
            {"duration": "2h", "rrule": "FREQ=WEEKLY;BYDAY=MO,TU;COUNT=10", "start": "2030-01-07T02:30"}]}}}}
    made("POST", "/api/v2/downtime", recurring)
    made("POST", "/api/v2/downtime/preview", recurring)
    made("PATCH", "/api/v2/downtime/{id}", {"data": {"id": v2["data"]["id"], "type": "downtime", "attributes": {
        "message": "n", "schedule": {"end": "2031-01-01T00:00:00Z"}}}}, id=v2["data"]["id"])
    examples[("POST", "/api/v1/downtime/cancel/by_scope")] = [{"scope": "env:none"}, {"scope": ["env:fuzz", "host:h1"]}]
    made("POST", "/api/v1/check_run", [{"check": "app.up", "host_name": "h1", "status": 2, "tags": ["env:fuzz"],
                                         "timestamp": 1893456000, "message": "down"}, {"check": "app.up", "host_name": "h2", "status": 0}])
    made("POST", "/api/v1/check_run", {"check": "app.up", "host_name": "h1", "status": 2})
    events = http.get("/api/v1/events", params={"start": "0", "end": str(2**33)}).json()["events"]
    page = made("POST", sp, {"data": {"type": "status_pages", "attributes": {
        "name": "fuzz", "domain_prefix": "fuzz", "type": "public", "visualization_type": "bars_only", "subscriptions_enabled": True,
        "components": [{"name": "api", "type": "component"},
                       {"name": "group", "type": "group", "components": [{"name": "db", "type": "component", "position": 0}]}]}}})["data"]
    page_id = page["id"]
    made("PATCH", sp + "/{page}", {"data": {"id": page_id, "type": "status_pages", "attributes": {
        "name": "fuzz!", "visualization_type": "bars_and_uptime_percentage", "company_logo": "https://x/logo.png"}}}, page=page_id)
    component = page["attributes"]["components"][0]["id"]
    made("POST", sp + "/{page}/components", {"data": {"type": "components", "attributes": {
        "name": "cdn", "type": "component", "position": 0}}}, page=page_id)
    made("PATCH", sp + "/{page}/components/{c}", {"data": {"id": component, "type": "components", "attributes": {
        "name": "api!", "position": 1}}}, page=page_id, c=component)
    degradation = made("POST", sp + "/{page}/degradations", {"data": {"type": "degradations", "attributes": {
        "title": "slow", "status": "investigating", "description": "d",
        "components_affected": [{"id": component, "status": "degraded"}]}}}, page=page_id)["data"]
    made("PATCH", sp + "/{page}/degradations/{d}", {"data": {"id": degradation["id"], "type": "degradations", "attributes": {
        "status": "identified", "description": "e", "components_affected": [{"id": component, "status": "major_outage"}]}}},
         page=page_id, d=degradation["id"])
    made("POST", sp + "/{page}/degradations/backfill", {"data": {"type": "degradations", "attributes": {"title": "past", "updates": [
        {"started_at": "2020-01-01T00:00:00Z", "status": "investigating", "description": "a",
         "components_affected": [{"id": component, "status": "degraded"}]},
        {"started_at": "2020-01-01T01:00:00Z", "status": "resolved", "description": "b"}]}}}, page=page_id)
    maintenance = made("POST", sp + "/{page}/maintenances", {"data": {"type": "maintenances", "attributes": {
        "title": "upgrade", "scheduled_description": "s", "in_progress_description": "i", "completed_description": "c",
        "start_date": "2030-01-01T00:00:00Z", "completed_date": "2030-01-01T01:00:00Z",
        "components_affected": [{"id": component, "status": "maintenance"}]}}}, page=page_id)["data"]
    made("PATCH", sp + "/{page}/maintenances/{m}", {"data": {"id": maintenance["id"], "type": "maintenances", "attributes": {
        "title": "upgrade!", "completed_date": "2030-01-01T02:00:00Z"}}}, page=page_id, m=maintenance["id"])
    made("POST", sp + "/{page}/maintenances/backfill", {"data": {"type": "maintenances", "attributes": {"title": "past", "updates": [
        {"started_at": "2020-01-01T00:00:00Z", "status": "in_progress", "description": "a"},
        {"started_at": "2020-01-01T01:00:00Z", "status": "completed", "description": "b"}]}}}, page=page_id)
    degradation_update = degradation["attributes"]["updates"][0]["id"]
    maintenance_update = maintenance["attributes"]["updates"][0]["id"]
    made("PATCH", sp + "/{page}/degradations/{d}/updates/{u}", {"data": {"id": degradation_update, "type": "degradation_updates",
                                                                        "attributes": {"description": "edited"}}},
         page=page_id, d=degradation["id"], u=degradation_update)
    made("PATCH", sp + "/{page}/maintenances/{m}/updates/{u}", {"data": {"id": maintenance_update, "type": "maintenance_updates",
                                                                        "attributes": {"description": "edited"}}},
         page=page_id, m=maintenance["id"], u=maintenance_update)
    template = made("POST", sp + "/{page}/degradation_templates", {"data": {"type": "degradation_templates", "attributes": {
        "name": "t", "degradation_title": "d", "components_affected": [{"id": component, "status": "degraded"}],
        "updates": [{"status": "investigating", "message": "m"}]}}}, page=page_id)["data"]
    made("PATCH", sp + "/{page}/degradation_templates/{t}", {"data": {"type": "degradation_templates", "attributes": {
        "name": "t2"}}}, page=page_id, t=template["id"])
    maintenance_template = made("POST", sp + "/{page}/maintenance_templates", {"data": {"type": "maintenance_templates", "attributes": {
        "name": "t", "maintenance_title": "m", "component_ids": [component], "scheduled_description": "s"}}}, page=page_id)["data"]
    made("PATCH", sp + "/{page}/maintenance_templates/{t}", {"data": {"type": "maintenance_templates", "attributes": {
        "name": "t2"}}}, page=page_id, t=maintenance_template["id"])
    window = made("POST", "/api/v2/maintenance_windows", {"data": {"type": "maintenance_window", "attributes": {
        "name": "w", "query": "project:SEC AND priority:P1", "start_at": "2020-01-01T00:00:00Z", "end_at": "2040-01-01T00:00:00Z"}}})["data"]
    made("PUT", "/api/v2/maintenance_windows/{w}", {"data": {"type": "maintenance_window", "id": window["id"], "attributes": {
        "name": "w2", "end_at": "2041-01-01T00:00:00Z"}}}, w=window["id"])
    project = made("POST", "/api/v2/cases/projects", {"data": {"type": "project", "attributes": {
        "key": "SEC", "name": "security"}}})["data"]
    case = made("POST", "/api/v2/cases", {"data": {"type": "case", "attributes": {
        "title": "c", "description": "d", "priority": "P1", "attributes": {"env": ["prod"]}},
        "relationships": {"project": {"data": {"id": project["id"], "type": "project"}}}}})["data"]
    ids = {
        "monitor_id": [str(service_check["id"]), str(metric["id"])],
        "downtime_id": [str(v1["id"]), v2["data"]["id"]],
        "webhook_name": ["fuzz"],
        "event_id": [str(e["id"]) for e in events[:2]],
        "page_id": [page_id],
        "component_id": [component],
        "degradation_id": [degradation["id"]],
        "maintenance_id": [maintenance["id"]],
        "update_id": [degradation_update, maintenance_update],
        "template_id": [template["id"], maintenance_template["id"]],
        "maintenance_window_id": [window["id"]],
        "case_id": [case["id"]],
        "filter[page_id]": [page_id],
        "include": ["created_by", "monitor", "created_by_user", "status_page", "created_by_user,last_modified_by_user"],
    }
    return ids, _by_template(examples)


def _by_template(examples: Examples) -> Examples:
    """Examples keyed by path shape (`/api/v1/monitor/{}`): the document names parameters its own way."""
    return {(method, re.sub(r"\{[^}]*\}", "{}", path)): bodies for (method, path), bodies in examples.items()}


def test_no_operation_answers_a_5xx_and_every_4xx_is_well_formed(fuzzed: tuple[httpx.Client, Ids, Examples]) -> None:
    http, ids, examples = fuzzed
    doc = http.get("/openapi.json").json()
    found = operations(doc)
    assert len(found) > 60, "the served document lists the operations"
    failures = []
    for method, template, op in found:
        if template in BY_DESIGN_5XX:
            continue

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=False,
                  suppress_health_check=list(HealthCheck))
        @given(request_strategy(op, doc, ids, examples.get((method, re.sub(r"\{[^}]*\}", "{}", template)), [])))
        def check(request: dict[str, Any]) -> None:
            path = template
            for name, value in request["path"].items():
                path = path.replace("{" + name + "}", quote(value, safe=""))
            body = request["body"]
            answer = http.request(method, path, params=request["query"], content=body,
                                  headers={"content-type": "application/json"} if body is not None else {})
            assert_well_formed(answer, answer.request.url.path, f"{method} {path} {request['query']} {body!r:.200}")

        try:
            check()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert not failures, "\n".join(failures)
