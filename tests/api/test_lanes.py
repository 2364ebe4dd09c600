"""Lanes (core.lanes): a plain GET of one downtime answered without FastAPI's per-request work
must say exactly what the route says, and stop saying it the moment it is no longer true."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from datadog_api_client import ApiClient
from datadog_api_client.v2.api.downtimes_api import DowntimesApi

from tests.api.conftest import configuration
from tests.conftest import BACKENDS, Server, free_port, launch

ROUTE = "/api/v2/downtime/{downtime_id}"


def _metrics(http: httpx.Client) -> str:
    """/metrics asked without keys: the keys of `http` must not get into the key cache this way."""
    return httpx.get(http.base_url.join("/metrics"), timeout=30).text


def lane_answers(http: httpx.Client) -> float:
    text = _metrics(http)
    found = re.search(r'^recess_lane_answers_total\{method="GET",route="%s"\} (\S+)$' % re.escape(ROUTE), text, re.M)
    return float(found.group(1)) if found else 0.0


def create(http: httpx.Client, **schedule: object) -> str:
    answer = http.post("/api/v2/downtime", json={"data": {"type": "downtime", "attributes": {
        "scope": f"env:lane-{uuid.uuid4().hex[:8]}", "monitor_identifier": {"monitor_tags": ["*"]},
        **({"schedule": schedule} if schedule else {})}}})
    answer.raise_for_status()
    return str(answer.json()["data"]["id"])


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_the_lane_answers_what_the_route_answers(server: Server) -> None:
    with server.http() as http:
        downtime_id = create(http, start=None, end=iso(datetime.now(UTC) + timedelta(days=1)))
        before = lane_answers(http)
        # `?include=` is not plain: the route answers; then the lane, for the same downtime.
        by_route = http.get(f"/api/v2/downtime/{downtime_id}", params={"include": ""})
        assert lane_answers(http) == before
        by_lane = http.get(f"/api/v2/downtime/{downtime_id}")
        assert lane_answers(http) == before + 1
        assert by_lane.status_code == by_route.status_code == 200
        assert by_lane.content == by_route.content
        assert by_lane.headers["content-type"] == by_route.headers["content-type"] == "application/json"
        for name in ("x-ratelimit-limit", "x-ratelimit-name", "x-recess-version"):
            assert name in by_lane.headers  # limits and the version header apply to lanes as well
        # Upper case ids are the same downtime, as the route reads them.
        assert http.get(f"/api/v2/downtime/{downtime_id.upper()}").content == by_route.content


def test_what_the_lane_cannot_answer_goes_to_the_route(server: Server) -> None:
    with server.http() as http:
        before = lane_answers(http)
        missing = http.get(f"/api/v2/downtime/{uuid.uuid4()}")
        assert missing.status_code == 404 and missing.json() == {"errors": ["Downtime not found"]}
        assert http.get("/api/v2/downtime/not-a-uuid").status_code == 400
        downtime_id = create(http)
        refused = httpx.get(f"{server.url}/api/v2/downtime/{downtime_id}", headers=server.headers(app_key="0" * 40))
        assert refused.status_code == 403
        assert lane_answers(http) == before


def test_a_change_is_seen_at_once_through_the_official_client(server: Server) -> None:
    with server.http() as http, ApiClient(configuration(server)) as client:
        downtime_id = create(http)
        api = DowntimesApi(client)
        assert api.get_downtime(downtime_id).data.attributes.message is None
        kept = lane_answers(http)
        http.patch(f"/api/v2/downtime/{downtime_id}", json={"data": {
            "id": downtime_id, "type": "downtime", "attributes": {"message": "changed"}}}).raise_for_status()
        assert api.get_downtime(downtime_id).data.attributes.message == "changed"
        http.delete(f"/api/v2/downtime/{downtime_id}").raise_for_status()
        assert str(api.get_downtime(downtime_id).data.attributes.status) == "canceled"
        assert lane_answers(http) >= kept + 2


def test_status_moves_when_the_schedule_does(clock_server: Server) -> None:
    with clock_server.http() as http:
        now = datetime.fromisoformat(http.post("/api/v1/_recess/clock", json={"seconds": 0}).json()["now"])
        downtime_id = create(http, start=iso(now + timedelta(hours=1)), end=iso(now + timedelta(hours=2)))
        before = lane_answers(http)
        assert http.get(f"/api/v2/downtime/{downtime_id}").json()["data"]["attributes"]["status"] == "scheduled"
        assert http.get(f"/api/v2/downtime/{downtime_id}").json()["data"]["attributes"]["status"] == "scheduled"
        clock_server.advance(3600 + 1)
        assert http.get(f"/api/v2/downtime/{downtime_id}").json()["data"]["attributes"]["status"] == "active"
        clock_server.advance(3600)
        assert http.get(f"/api/v2/downtime/{downtime_id}").json()["data"]["attributes"]["status"] == "ended"
        assert lane_answers(http) == before + 4


@pytest.fixture(scope="module")
def pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    if "postgresql" not in BACKENDS:
        pytest.skip("several processes share PostgreSQL only")
    first = launch("postgresql", tmp_path_factory.mktemp("recess-lanes-a"), request)
    second = replace(first, url=f"http://127.0.0.1:{free_port()}", process=None,
                     log_path=tmp_path_factory.mktemp("recess-lanes-b") / "server.log")
    second.start()
    yield first, second
    second.stop()
    first.stop()


def test_a_change_by_another_process_is_seen_at_once(pair: tuple[Server, Server]) -> None:
    a, b = pair
    with a.http() as http_a, b.http() as http_b:
        downtime_id = create(http_a)
        assert http_a.get(f"/api/v2/downtime/{downtime_id}").json()["data"]["attributes"]["message"] is None
        kept = lane_answers(http_a)
        http_b.patch(f"/api/v2/downtime/{downtime_id}", json={"data": {
            "id": downtime_id, "type": "downtime", "attributes": {"message": "from b"}}}).raise_for_status()
        assert http_a.get(f"/api/v2/downtime/{downtime_id}").json()["data"]["attributes"]["message"] == "from b"
        assert lane_answers(http_a) == kept + 1


CREATES = "/api/v2/downtime"


def lane_creates(http: httpx.Client) -> float:
    text = _metrics(http)
    found = re.search(r'^recess_lane_answers_total\{method="POST",route="%s"\} (\S+)$' % re.escape(CREATES), text, re.M)
    return float(found.group(1)) if found else 0.0


def _shape(document: dict[str, object]) -> object:
    """A create's answer without what differs from one downtime to the next."""
    data = dict(document["data"])  # type: ignore[call-overload]
    attributes = {k: v for k, v in data.pop("attributes").items() if k not in ("created", "modified", "schedule", "scope")}
    data.pop("id")
    return data, attributes, document["included"]


def test_a_create_by_the_lane_answers_as_the_route_does(server: Server) -> None:
    body = {"data": {"type": "downtime", "attributes": {
        "scope": "env:lane-create", "monitor_identifier": {"monitor_id": 7}, "message": "m",
        "schedule": {"end": iso(datetime.now(UTC) + timedelta(hours=3))}}}}
    with server.http() as http:
        before = lane_creates(http)
        by_route = http.post(CREATES, json=body, params={"by": "route"})  # not plain: the route answers
        assert lane_creates(http) == before
        by_lane = http.post(CREATES, json=body)
        assert lane_creates(http) == before + 1
        assert by_lane.status_code == by_route.status_code == 200
        assert by_lane.headers["content-type"] == by_route.headers["content-type"]
        assert _shape(by_lane.json()) == _shape(by_route.json())
        assert by_lane.json()["data"]["id"] != by_route.json()["data"]["id"]
        # Created means committed: it is there for any reader at once.
        listed = {d["id"] for d in http.get(CREATES, params={"page[limit]": 1000}).json()["data"]}
        assert {by_route.json()["data"]["id"], by_lane.json()["data"]["id"]} <= listed


def test_a_create_the_lane_cannot_make_goes_to_the_route(server: Server) -> None:
    with server.http() as http:
        create(http)  # the key pair is cached from here on
        before = lane_creates(http)
        bad_scope = http.post(CREATES, json={"data": {"type": "downtime", "attributes": {
            "scope": "env:(", "monitor_identifier": {"monitor_tags": ["*"]}}}})
        assert bad_scope.status_code == 400 and bad_scope.json()["errors"]
        no_scope = http.post(CREATES, json={"data": {"type": "downtime", "attributes": {"monitor_identifier": {"monitor_tags": ["*"]}}}})
        assert no_scope.status_code == 400
        recurring = http.post(CREATES, json={"data": {"type": "downtime", "attributes": {
            "scope": "env:lane-recurring", "monitor_identifier": {"monitor_tags": ["*"]},
            "schedule": {"recurrences": [{"rrule": "FREQ=DAILY", "duration": "1h"}]}}}})
        assert recurring.status_code == 200, recurring.text
        assert recurring.json()["data"]["attributes"]["schedule"]["recurrences"][0]["rrule"] == "FREQ=DAILY"
        assert lane_creates(http) == before


def test_concurrent_creates_each_get_their_own_committed_downtime(server: Server) -> None:
    from concurrent.futures import ThreadPoolExecutor

    tag = uuid.uuid4().hex[:8]
    with server.http() as http:
        create(http)

        def one(n: int) -> str:
            with server.http() as client:
                answer = client.post(CREATES, json={"data": {"type": "downtime", "attributes": {
                    "scope": f"env:burst-{tag} AND n:{n}", "monitor_identifier": {"monitor_tags": ["*"]}}}})
                assert answer.status_code == 200, answer.text
                assert answer.json()["data"]["attributes"]["scope"] == f"env:burst-{tag} AND n:{n}"
                return str(answer.json()["data"]["id"])

        with ThreadPoolExecutor(16) as pool:
            ids = list(pool.map(one, range(64)))
        assert len(set(ids)) == 64
        for downtime_id in ids[::8]:
            assert http.get(f"{CREATES}/{downtime_id}").status_code == 200
        listed = http.get(CREATES, params={"page[limit]": 1000, "page[offset]": 0}).json()
        total = listed["meta"]["page"]["total_filtered_count"]
        found: set[str] = set()
        for offset in range(0, total, 1000):
            page = http.get(CREATES, params={"page[limit]": 1000, "page[offset]": offset}).json()["data"]
            found |= {d["id"] for d in page if d["attributes"]["scope"].startswith(f"env:burst-{tag} ")}
        assert found == set(ids)
        # v1 sees them too, each with its own v1 id.
        v1_ids = {d["id"] for d in http.get("/api/v1/downtime").json() if d["scope"] and f"env:burst-{tag}" in d["scope"]}
        assert len(v1_ids) == 64


MATCHES = "/api/v2/monitor/{monitor_id}/downtime_matches"


def lane_matches(http: httpx.Client) -> float:
    text = _metrics(http)
    found = re.search(r'^recess_lane_answers_total\{method="GET",route="%s"\} (\S+)$' % re.escape(MATCHES), text, re.M)
    return float(found.group(1)) if found else 0.0


def _matched_monitor(http: httpx.Client, hosts: int) -> tuple[int, list[str]]:
    """A monitor with `hosts` groups (host:h0..), and the ids of four downtimes covering them."""
    check, tag = f"lane.{uuid.uuid4().hex[:8]}", uuid.uuid4().hex[:8]
    monitor = http.post("/api/v1/monitor", json={
        "name": "lane", "type": "service check", "query": f'"{check}".over("*").by("host").last(1).count_by_status()',
        "message": "m", "options": {"thresholds": {"ok": 1, "warning": 1, "critical": 1}}})
    monitor.raise_for_status()
    http.post("/api/v1/check_run", json=[{"check": check, "host_name": f"h{i}", "status": 2, "tags": [f"env:{tag}", f"n:{i % 3}"]}
                                        for i in range(hosts)]).raise_for_status()
    ids = []
    for scope in (f"env:{tag} AND n:0", f"env:{tag} AND n:1", f"env:{tag} AND host:h2", f"env:{tag} AND n:2 AND -host:h2"):
        made = http.post("/api/v2/downtime", json={"data": {"type": "downtime", "attributes": {
            "scope": scope, "monitor_identifier": {"monitor_tags": ["*"]}}}})
        made.raise_for_status()
        ids.append(made.json()["data"]["id"])
    return int(monitor.json()["id"]), ids


def test_a_monitors_matches_by_the_lane_are_the_routes(server: Server) -> None:
    with server.http() as http:
        monitor_id, ids = _matched_monitor(http, 7)
        path = MATCHES.format(monitor_id=monitor_id)
        before = lane_matches(http)
        # A parameter the lane does not read sends the request to the route, which ignores it.
        for page in ({}, {"page[limit]": "2"}, {"page[limit]": "2", "page[offset]": "2"}, {"page[offset]": "3"},
                     {"page[offset]": "9"}, {"page[limit]": "1000", "page[offset]": "0"}):
            by_route = http.get(path, params={**page, "ignored": "1"})
            by_lane = http.get(path, params=page)
            assert by_lane.status_code == by_route.status_code == 200
            assert by_lane.content == by_route.content
            assert by_lane.headers["content-type"] == by_route.headers["content-type"] == "application/json"
        assert lane_matches(http) == before + 6
        whole = http.get(path, params={"page[limit]": "1000"}).json()
        assert whole["meta"]["page"]["total_filtered_count"] == len(whole["data"]) >= 4  # other tests' downtimes may cover it too
        mine = [m for m in whole["data"] if m["id"] in ids]
        assert sorted(g for m in mine for g in m["attributes"]["groups"]) == sorted(f"host:h{i}" for i in range(7))
        assert [m["attributes"]["groups"] for m in http.get(path, params={"page[limit]": "1", "page[offset]": "2"}).json()["data"]] \
            == [whole["data"][2]["attributes"]["groups"]]


def test_matches_the_lane_cannot_answer_go_to_the_route(server: Server) -> None:
    with server.http() as http:
        monitor_id, _ids = _matched_monitor(http, 3)
        path = MATCHES.format(monitor_id=monitor_id)
        http.get(path).raise_for_status()
        before = lane_matches(http)
        for query, status in (("page[limit]=0", 400), ("page[limit]=1001", 400), ("page[offset]=-1", 400),
                              ("page[limit]=abc", 400), ("page[limit]=%C2%B2", 400), ("page[limit]=2&page[limit]=3", 200),
                              ("page[limit]=02", 200), ("page[limit]", 400), ("page[limit]=", 400)):
            answer = http.get(f"{path}?{query}")
            assert answer.status_code == status, (query, answer.text)
            assert answer.json()["errors"] if status == 400 else answer.json()["data"] is not None
        missing = http.get(MATCHES.format(monitor_id=10**15))
        assert missing.status_code == 404 and missing.json() == {"errors": [f"Monitor with id {10**15} not found"]}
        assert http.get(MATCHES.format(monitor_id="x1")).status_code == 400
        assert lane_matches(http) == before
