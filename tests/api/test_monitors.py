"""Monitors, service checks, and the downtimes that match them, through the official client."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException, NotFoundException
from datadog_api_client.v1.api.downtimes_api import DowntimesApi as DowntimesV1
from datadog_api_client.v1.api.monitors_api import MonitorsApi
from datadog_api_client.v1.api.service_checks_api import ServiceChecksApi
from datadog_api_client.v1.model.downtime import Downtime
from datadog_api_client.v1.model.monitor import Monitor
from datadog_api_client.v1.model.monitor_options import MonitorOptions
from datadog_api_client.v1.model.monitor_thresholds import MonitorThresholds
from datadog_api_client.v1.model.monitor_type import MonitorType
from datadog_api_client.v1.model.monitor_update_request import MonitorUpdateRequest
from datadog_api_client.v1.model.service_check import ServiceCheck
from datadog_api_client.v1.model.service_check_status import ServiceCheckStatus
from datadog_api_client.v1.model.service_checks import ServiceChecks
from datadog_api_client.v2.api.downtimes_api import DowntimesApi as DowntimesV2
from datadog_api_client.v2.model.downtime_monitor_identifier_id import DowntimeMonitorIdentifierId
from datadog_api_client.v2.model.downtime_monitor_identifier_tags import DowntimeMonitorIdentifierTags

from tests.api.conftest import configuration, errors_of
from tests.api.test_downtimes_v2 import create_body
from tests.conftest import Server


@pytest.fixture
def org(server: Server) -> Iterator[ApiClient]:
    """A client for a fresh org, so monitors and downtimes of other tests stay out of the way."""
    api_key, app_key = server.create_keys("--org", f"mon-{uuid.uuid4().hex[:8]}", "--email", "sre@example.com", "--admin")
    with ApiClient(configuration(server, api_key, app_key)) as client:
        yield client


def check_name() -> str:
    return f"http.can_connect.{uuid.uuid4().hex[:6]}"


def service_check_monitor(api: MonitorsApi, check: str, *, critical: int = 1, tags: list[str] | None = None, **options: object) -> Monitor:
    return api.create_monitor(body=Monitor(
        name=f"{check} is down", type=MonitorType.SERVICE_CHECK,
        query=f'"{check}".over("env:prod").by("host").last(2).count_by_status()',
        message="{{#is_alert}}down{{/is_alert}}", tags=tags or ["team:sre", "service:web"],
        options=MonitorOptions(thresholds=MonitorThresholds(critical=critical, ok=1, warning=1), **options),
    ))


def post_runs(client: ApiClient, check: str, status: int, hosts: list[str], tags: list[str] | None = None) -> None:
    ServiceChecksApi(client).submit_service_check(body=ServiceChecks([
        ServiceCheck(check=check, host_name=host, status=ServiceCheckStatus(status), tags=tags or ["env:prod", "role:web"])
        for host in hosts
    ]))


def group_states(api: MonitorsApi, monitor_id: int) -> dict[str, str]:
    got = api.get_monitor(monitor_id, group_states="all")
    return {name: str(group.status) for name, group in got.state.groups.items()}


def test_monitor_crud(org: ApiClient) -> None:
    api = MonitorsApi(org)
    check = check_name()
    created = service_check_monitor(api, check, critical=2)
    assert created.id > 0 and str(created.type) == "service check"
    assert str(created.overall_state) == "No Data"
    assert created.options.thresholds.critical == 2.0 and created.options.silenced == {}
    assert created.creator.email == "sre@example.com" and created.tags == ["team:sre", "service:web"]
    got = api.get_monitor(created.id)
    assert got.name == created.name and got.query == created.query
    updated = api.update_monitor(created.id, body=MonitorUpdateRequest(name="renamed", tags=["team:sre", "tier:1"]))
    assert updated.name == "renamed" and updated.tags == ["team:sre", "tier:1"] and updated.query == created.query
    assert updated.modified >= created.modified
    other = service_check_monitor(api, check_name(), tags=["team:db"])
    assert [m.id for m in api.list_monitors(name="renamed")] == [created.id]
    assert [m.id for m in api.list_monitors(monitor_tags="team:db")] == [other.id]
    assert {m.id for m in api.list_monitors()} == {created.id, other.id}
    assert [m.id for m in api.list_monitors(page=0, page_size=1)] == [created.id]
    assert [m.id for m in api.list_monitors(page=1, page_size=1)] == [other.id]
    assert [m.id for m in api.list_monitors(tags="env:prod", monitor_tags="tier:1")] == [created.id]
    assert api.list_monitors(tags="env:staging") == []
    assert all(m.matching_downtimes == [] for m in api.list_monitors())
    assert api.delete_monitor(created.id).deleted_monitor_id == created.id
    with pytest.raises(NotFoundException) as missing:
        api.get_monitor(created.id)
    assert errors_of(missing.value) == ["Monitor not found"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"type": "log alert", "query": 'logs("x").index("*").rollup("count").last("5m") > 1'}, "not supported"),
        ({"type": "made up", "query": "x"}, "not supported"),
        ({"query": '"a".last(1).count_by_status()'}, "'type' is a required property"),
        ({"type": "service check"}, "'query' is a required property"),
        ({"type": "service check", "query": "http.can_connect"}, "The value provided for parameter 'query' is invalid"),
        ({"type": "service check", "query": '"a".over("*").bogus().count_by_status()'}, "invalid operator specified: bogus"),
        ({"type": "service check", "query": '"a".last(2).count_by_status()', "options": {"thresholds": {"critical": 3}}}, "exceeds"),
        ({"type": "service check", "query": '"a".last(2).count_by_status()', "options": {"no_data_timeframe": 1}}, "no_data_timeframe"),
        ({"type": "metric alert", "query": "avg(last_5m):avg:system.cpu.user{*}"}, "comparison"),
        ({"type": "metric alert", "query": "avg(last_5m):avg:system.cpu.user{*} > 90"}, "thresholds.critical is required"),
        ({"type": "service check", "query": '"a".last(1).count_by_status()', "priority": 9}, "priority"),
    ],
)
def test_monitor_rejects(server: Server, body: dict[str, object], fragment: str) -> None:
    with server.http() as http:
        response = http.post("/api/v1/monitor", json=body)
    assert response.status_code == 400
    assert any(fragment in e for e in response.json()["errors"]), response.json()


def test_unsupported_type_through_client(org: ApiClient) -> None:
    with pytest.raises(ApiException) as exc:
        MonitorsApi(org).create_monitor(body=Monitor(type=MonitorType.LOG_ALERT, query='logs("x").last("5m") > 1', name="x"))
    assert exc.value.status == 400 and "not supported" in errors_of(exc.value)[0]


def test_check_runs_drive_states_and_matches_follow(org: ApiClient, server: Server) -> None:
    monitors, v2, v1 = MonitorsApi(org), DowntimesV2(org), DowntimesV1(org)
    check = check_name()
    monitor = service_check_monitor(monitors, check, critical=2)
    post_runs(org, check, 0, ["web-1", "web-2"])
    assert group_states(monitors, monitor.id) == {"host:web-1": "OK", "host:web-2": "OK"}
    assert str(monitors.get_monitor(monitor.id).overall_state) == "OK"
    # Runs of another check, or outside over("env:prod"), change nothing.
    post_runs(org, "other.check", 2, ["web-1"])
    post_runs(org, check, 2, ["web-1"], tags=["env:staging"])
    assert group_states(monitors, monitor.id) == {"host:web-1": "OK", "host:web-2": "OK"}
    # Two consecutive CRITICAL runs alert (the first only warns: CRITICAL is also a warning).
    post_runs(org, check, 2, ["web-1"])
    assert group_states(monitors, monitor.id)["host:web-1"] == "Warn"
    post_runs(org, check, 2, ["web-1"])
    assert group_states(monitors, monitor.id) == {"host:web-1": "Alert", "host:web-2": "OK"}
    assert str(monitors.get_monitor(monitor.id).overall_state) == "Alert"

    # No downtime yet.
    assert v2.list_monitor_downtimes(monitor.id).meta.page.total_filtered_count == 0
    # A downtime scoped to web-1, by monitor tags; another by monitor id for a host that does not exist.
    by_tags = v2.create_downtime(body=create_body("host:web-1", monitor_identifier=DowntimeMonitorIdentifierTags(monitor_tags=["team:sre"]))).data.id
    v2.create_downtime(body=create_body("host:web-9", monitor_identifier=DowntimeMonitorIdentifierId(monitor_id=monitor.id)))
    by_id = v2.create_downtime(body=create_body("role:web", monitor_identifier=DowntimeMonitorIdentifierId(monitor_id=monitor.id))).data.id
    v2.create_downtime(body=create_body("host:web-1", monitor_identifier=DowntimeMonitorIdentifierTags(monitor_tags=["team:nobody"])))
    everything = v2.create_downtime(body=create_body("*", monitor_identifier=DowntimeMonitorIdentifierTags(monitor_tags=["*"]))).data.id

    matches = v2.list_monitor_downtimes(monitor.id)
    found = {m.id: m.attributes.groups for m in matches.data}
    assert found == {by_tags: ["host:web-1"], by_id: ["host:web-1", "host:web-2"], everything: ["*"]}
    assert matches.meta.page.total_filtered_count == 3
    assert {m.attributes.scope for m in matches.data} == {"host:web-1", "role:web", "*"}
    assert len(v2.list_monitor_downtimes(monitor.id, page_limit=2).data) == 2
    assert len(v2.list_monitor_downtimes(monitor.id, page_limit=2, page_offset=2).data) == 1

    # include=monitor names the monitor a downtime targets.
    with_monitor = v2.get_downtime(by_id, include="monitor")
    assert [(i.id, i.attributes.name) for i in with_monitor.included] == [(monitor.id, monitor.name)]
    assert with_monitor.data.relationships.monitor.data.id == str(monitor.id)

    # v1: the monitor's downtimes and matching_downtimes agree.
    v1_ids = {d.id for d in v1.list_monitor_downtimes(monitor.id)}
    detail = monitors.get_monitor(monitor.id, with_downtimes=True)
    assert {d.id for d in detail.matching_downtimes} == v1_ids and len(v1_ids) == 3
    assert {tuple(d["groups"]) for d in detail.to_dict()["matching_downtimes"]} == {("host:web-1",), ("host:web-1", "host:web-2"), ("*",)}
    assert "*" in detail.options.silenced and "host:web-1" in detail.options.silenced

    # Canceled downtimes stop matching.
    v2.cancel_downtime(everything)
    v2.cancel_downtime(by_id)
    assert {m.id for m in v2.list_monitor_downtimes(monitor.id).data} == {by_tags}

    # Recovery: one OK run is enough (ok threshold 1).
    post_runs(org, check, 0, ["web-1"])
    assert group_states(monitors, monitor.id)["host:web-1"] == "OK"
    history = server.http().get(f"/api/v1/monitor/{monitor.id}/state_history", headers=dict(org.configuration.api_key and {
        "DD-API-KEY": org.configuration.api_key["apiKeyAuth"], "DD-APPLICATION-KEY": org.configuration.api_key["appKeyAuth"]})).json()["data"]
    assert [(h["group"], h["from"], h["to"]) for h in history] == [
        ("host:web-1", "OK", "Warn"), ("host:web-1", "Warn", "Alert"), ("host:web-1", "Alert", "OK")]
    assert "role:web" in history[0]["tags"] and "host:web-1" in history[0]["tags"]


def test_downtime_matches_errors(org: ApiClient, server: Server) -> None:
    with pytest.raises(NotFoundException) as exc:
        DowntimesV2(org).list_monitor_downtimes(0)
    assert errors_of(exc.value) == ["Monitor with id 0 not found"]
    with pytest.raises(NotFoundException):
        DowntimesV1(org).list_monitor_downtimes(0)


def test_v1_downtime_mutes_the_same_group(org: ApiClient) -> None:
    monitors, v1 = MonitorsApi(org), DowntimesV1(org)
    check = check_name()
    monitor = service_check_monitor(monitors, check)
    post_runs(org, check, 2, ["db-1"], tags=["env:prod", "role:db"])
    made = v1.create_downtime(body=Downtime(scope=["role:db", "env:prod"], monitor_tags=["service:web"]))
    matches = DowntimesV2(org).list_monitor_downtimes(monitor.id).data
    assert [(m.id, m.attributes.groups) for m in matches] == [(made.to_dict()["uuid"], ["host:db-1"])]


def test_preview(org: ApiClient, server: Server) -> None:
    monitors = MonitorsApi(org)
    check = check_name()
    web = service_check_monitor(monitors, check, tags=["team:sre"])
    service_check_monitor(monitors, check_name(), tags=["team:db"])
    post_runs(org, check, 0, ["web-1", "web-2", "api-1"])
    headers = {"DD-API-KEY": org.configuration.api_key["apiKeyAuth"], "DD-APPLICATION-KEY": org.configuration.api_key["appKeyAuth"]}
    body = {"data": {"type": "downtime", "attributes": {"scope": "host:web-*", "monitor_identifier": {"monitor_tags": ["team:sre"]},
                                                       "schedule": {"start": "2099-01-01T00:00:00Z"}}}}
    with server.http() as http:
        preview = http.post("/api/v2/downtime/preview", json=body, headers=headers).json()
        assert preview["data"] == [{"type": "downtime_preview", "id": str(web.id), "attributes": {
            "monitor_id": web.id, "monitor_name": web.name, "groups": ["host:web-1", "host:web-2"]}}]
        assert preview["meta"]["schedule"]["status"] == "scheduled"
        # Nothing was created.
        assert DowntimesV2(org).list_downtimes().meta.page.total_filtered_count == 0
        bad = http.post("/api/v2/downtime/preview", json={"data": {"type": "downtime", "attributes": {"scope": "oops", "monitor_identifier": {"monitor_tags": ["*"]}}}}, headers=headers)
        assert bad.status_code == 400 and bad.json() == {"errors": ["All values must have a key"]}


def test_check_run_validation(server: Server) -> None:
    with server.http() as http:
        assert http.post("/api/v1/check_run", json={"check": "x", "status": 7}).status_code == 400
        assert http.post("/api/v1/check_run", json={"status": 0}).status_code == 400
        assert http.post("/api/v1/check_run", json={"check": "x", "status": 0}, headers={"DD-API-KEY": "nope"}).status_code == 403
        single = http.post("/api/v1/check_run", json={"check": "x", "host_name": "h", "status": 0}, headers={"DD-APPLICATION-KEY": ""})
        assert single.status_code == 202 and single.json() == {"status": "ok"}


def test_metric_alert_states_reported_from_outside(org: ApiClient, server: Server) -> None:
    monitors = MonitorsApi(org)
    monitor = monitors.create_monitor(body=Monitor(
        name="cpu", type=MonitorType.METRIC_ALERT, query="avg(last_5m):avg:system.cpu.user{*} by {host} > 90",
        options=MonitorOptions(thresholds=MonitorThresholds(critical=90.0)), tags=["team:sre"],
    ))
    headers = {"DD-API-KEY": org.configuration.api_key["apiKeyAuth"], "DD-APPLICATION-KEY": org.configuration.api_key["appKeyAuth"]}
    with server.http() as http:
        reported = http.post(f"/api/v1/monitor/{monitor.id}/state", headers=headers,
                             json={"groups": [{"name": "host:a", "status": "Alert", "tags": ["host:a", "env:prod"]}]})
        assert reported.status_code == 200 and reported.json()["overall_state"] == "Alert"
        bad = http.post(f"/api/v1/monitor/{monitor.id}/state", headers=headers, json={"groups": [{"name": "host:a", "status": "Burning"}]})
        assert bad.status_code == 400
    assert group_states(monitors, monitor.id) == {"host:a": "Alert"}


def test_no_data_by_timer(clock_server: Server) -> None:
    server = clock_server
    with ApiClient(configuration(server)) as client:
        monitors = MonitorsApi(client)
        check = check_name()
        monitor = service_check_monitor(monitors, check, notify_no_data=True, no_data_timeframe=2)
        post_runs(client, check, 0, ["web-1"])
        assert group_states(monitors, monitor.id) == {"host:web-1": "OK"}
        server.advance(119)
        assert group_states(monitors, monitor.id) == {"host:web-1": "OK"}
        server.advance(2)
        import time

        deadline = time.monotonic() + 3  # the scheduler notices within a second or two
        while group_states(monitors, monitor.id)["host:web-1"] != "No Data" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert group_states(monitors, monitor.id) == {"host:web-1": "No Data"}
        assert str(monitors.get_monitor(monitor.id).overall_state) == "No Data"
        post_runs(client, check, 0, ["web-1"])
        assert group_states(monitors, monitor.id) == {"host:web-1": "OK"}


def test_dog_service_check(org: ApiClient, server: Server, tmp_path: Path) -> None:
    monitors = MonitorsApi(org)
    check = check_name()
    monitor = service_check_monitor(monitors, check)
    api_key, app_key = org.configuration.api_key["apiKeyAuth"], org.configuration.api_key["appKeyAuth"]
    config = tmp_path / "dogrc"
    config.write_text(f"[Connection]\napikey = {api_key}\nappkey = {app_key}\napi_host = {server.url}\n")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dog"), "--config", str(config), "--api_host", server.url,
         "service_check", "check", check, "web-7", "2", "--tags", "env:prod,role:web"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert group_states(monitors, monitor.id) == {"host:web-7": "Alert"}
