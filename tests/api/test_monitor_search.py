"""Monitor search, group search, can_delete and validate, through the official client.

Answers must parse completely (`_unparsed` False). Muted means covered by an active downtime
now, as the downtimes (recess's Muter) answer it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException, NotFoundException
from datadog_api_client.v1.api.monitors_api import MonitorsApi
from datadog_api_client.v1.model.monitor import Monitor
from datadog_api_client.v1.model.monitor_options import MonitorOptions
from datadog_api_client.v1.model.monitor_overall_states import MonitorOverallStates
from datadog_api_client.v1.model.monitor_thresholds import MonitorThresholds
from datadog_api_client.v1.model.monitor_type import MonitorType
from datadog_api_client.v2.api.downtimes_api import DowntimesApi
from datadog_api_client.v2.model.downtime_monitor_identifier_id import DowntimeMonitorIdentifierId

from tests.api.conftest import configuration, errors_of
from tests.api.test_downtimes_v2 import create_body
from tests.conftest import Server


@dataclass
class Org:
    server: Server
    client: ApiClient
    monitors: MonitorsApi
    downtimes: DowntimesApi

    def http(self) -> httpx.Client:
        keys = self.client.configuration.api_key
        return httpx.Client(base_url=self.server.url, timeout=30,
                            headers={"DD-API-KEY": keys["apiKeyAuth"], "DD-APPLICATION-KEY": keys["appKeyAuth"]})

    def metric(self, name: str, tags: list[str], message: str = "", scope: str = "env:prod") -> Monitor:
        return self.monitors.create_monitor(body=Monitor(
            name=name, type=MonitorType.METRIC_ALERT, query=f"avg(last_5m):avg:system.cpu.user{{{scope}}} by {{host}} > 90",
            message=message, tags=tags, options=MonitorOptions(thresholds=MonitorThresholds(critical=90.0))))

    def report(self, monitor: Monitor, **states: str) -> None:
        groups = [{"name": f"host:{h}", "status": s, "tags": [f"host:{h}", "env:prod"]} for h, s in states.items()]
        with self.http() as http:
            assert http.post(f"/api/v1/monitor/{monitor.id}/state", json={"groups": groups}).status_code == 200

    def mute(self, monitor: Monitor, scope: str = "*") -> str:
        made = self.downtimes.create_downtime(body=create_body(scope, monitor_identifier=DowntimeMonitorIdentifierId(monitor_id=monitor.id)))
        return str(made.data.id)


@pytest.fixture
def org(server: Server) -> Iterator[Org]:
    api_key, app_key = server.create_keys("--org", f"mons-{uuid.uuid4().hex[:8]}", "--email", "sre@example.com", "--admin")
    with ApiClient(configuration(server, api_key, app_key)) as client:
        yield Org(server, client, MonitorsApi(client), DowntimesApi(client))


@pytest.fixture
def fleet(org: Org) -> dict[str, Monitor]:
    """Three monitors: cpu alerting on web-1 and muted whole; disk OK; api never reported."""
    cpu = org.metric("CPU high on web", ["team:sre", "env:prod"], "Paging @webhook-ops")
    disk = org.metric("Disk full", ["team:sre", "service:storage"])
    api = org.monitors.create_monitor(body=Monitor(
        name="API check", type=MonitorType.SERVICE_CHECK, query='"http.ok".over("env:prod").by("host").last(1).count_by_status()',
        tags=["team:web"], message="@slack-web", priority=2))
    org.report(cpu, **{"web-1": "Alert", "web-2": "OK"})
    org.report(disk, **{"db-1": "OK"})
    org.mute(cpu)
    return {"cpu": cpu, "disk": disk, "api": api}


def ids(response: Any) -> list[int]:
    return [m.id for m in response.monitors]


def test_search_by_attributes_and_text(org: Org, fleet: dict[str, Monitor]) -> None:
    api, cpu, disk, check = org.monitors, fleet["cpu"], fleet["disk"], fleet["api"]
    everything = api.search_monitors()
    assert not everything._unparsed
    assert ids(everything) == [check.id, cpu.id, disk.id]  # by name
    assert everything.metadata.to_dict() == {"page": 0, "page_count": 1, "per_page": 30, "total_count": 3}
    counts = everything.counts.to_dict()
    assert counts["status"] == [{"count": 1, "name": "Alert"}, {"count": 1, "name": "No Data"}, {"count": 1, "name": "OK"}]
    assert counts["muted"] == [{"count": 2, "name": False}, {"count": 1, "name": True}]
    assert counts["type"] == [{"count": 2, "name": "metric"}, {"count": 1, "name": "custom"}]
    assert {"count": 2, "name": "team:sre"} in counts["tag"]
    result = {m.id: m for m in everything.monitors}[cpu.id]
    assert result.status == MonitorOverallStates.ALERT and result.type == MonitorType.QUERY_ALERT
    assert result.classification == "metric" and result.scopes == ["env:prod"] and result.metrics == ["system.cpu.user"]
    assert [n.handle for n in result.notifications] == ["webhook-ops"] and result.creator.handle == "sre@example.com"
    assert result.last_triggered_ts is not None and result.to_dict()["muted"] is True

    for query, expected in [
        ("status:alert", [cpu.id]), ('status:"No Data"', [check.id]), ("status:(alert OR ok)", [cpu.id, disk.id]),
        ("muted:true", [cpu.id]), ("muted:false", [check.id, disk.id]), ("type:metric", [cpu.id, disk.id]),
        ("type:custom", [check.id]), ('type:"service check"', [check.id]), ("tag:team:sre", [cpu.id, disk.id]),
        ("tag:team:sre -muted:true", [disk.id]), ("service:storage", [disk.id]), ("notification:webhook-ops", [cpu.id]),
        ("notification:@slack-web", [check.id]), ("metric:http.ok", [check.id]), ("scope:env:prod", [check.id, cpu.id, disk.id]),
        ("web", [check.id, cpu.id]), ("disk", [disk.id]), ("*full*", [disk.id]), (str(disk.id), [disk.id]), ("priority:2", [check.id]),
        ("title:cpu AND NOT status:ok", [cpu.id]), ("creator:sre@example.com", [check.id, cpu.id, disk.id]), ("nothing-matches", []),
    ]:
        assert ids(api.search_monitors(query=query)) == expected, query
    only = api.search_monitors(query="tag:team:sre")
    assert only.metadata.total_count == 2 and only.counts.to_dict()["status"] == [{"count": 1, "name": "Alert"}, {"count": 1, "name": "OK"}]


def test_search_pages_and_sorts(org: Org, fleet: dict[str, Monitor]) -> None:
    api = org.monitors
    second = api.search_monitors(page=1, per_page=2)
    assert ids(second) == [fleet["disk"].id]
    assert second.metadata.to_dict() == {"page": 1, "page_count": 2, "per_page": 2, "total_count": 3}
    assert second.counts.to_dict()["type"] == [{"count": 2, "name": "metric"}, {"count": 1, "name": "custom"}]  # every page's
    assert ids(api.search_monitors(sort="name,desc")) == [fleet["disk"].id, fleet["cpu"].id, fleet["api"].id]
    assert ids(api.search_monitors(sort="status,desc"))[0] == fleet["cpu"].id  # alerting first
    for kwargs in ({"sort": "id,asc"}, {"per_page": 0}, {"page": -1}):
        with pytest.raises(ApiException) as bad:
            api.search_monitors(**kwargs)
        assert bad.value.status == 400


@pytest.mark.parametrize("search", ["search_monitors", "search_monitor_groups"])
def test_bad_queries_are_datadogs_400(org: Org, search: str) -> None:
    call = getattr(org.monitors, search)
    with pytest.raises(ApiException) as bad:
        call(query="status:notastatus")
    assert bad.value.status == 400 and errors_of(bad.value) == ["Query parsing error: 'notastatus' is not a valid monitor status"]
    with pytest.raises(ApiException) as syntax:
        call(query="status:(alert")
    assert syntax.value.status == 400 and errors_of(syntax.value)[0].startswith("Query parsing error: ")


def test_group_search(org: Org, fleet: dict[str, Monitor]) -> None:
    api, cpu, disk = org.monitors, fleet["cpu"], fleet["disk"]
    found = api.search_monitor_groups()
    assert not found._unparsed
    groups = {(g.monitor_id, g.group): g for g in found.groups}
    assert set(groups) == {(cpu.id, "host:web-1"), (cpu.id, "host:web-2"), (disk.id, "host:db-1")}
    web1 = groups[(cpu.id, "host:web-1")]
    assert web1.status == MonitorOverallStates.ALERT and web1.last_triggered_ts > 0 and web1.monitor_name == cpu.name
    assert web1.to_dict()["muted"] is True and "host:web-1" in web1.group_tags
    assert groups[(disk.id, "host:db-1")].to_dict()["muted"] is False and groups[(disk.id, "host:db-1")].last_triggered_ts == 0
    assert found.metadata.total_count == 3
    assert found.counts.to_dict()["status"] == [{"count": 2, "name": "OK"}, {"count": 1, "name": "Alert"}]
    alerting = api.search_monitor_groups(query="group_status:alert")
    assert [(g.monitor_id, g.group) for g in alerting.groups] == [(cpu.id, "host:web-1")]
    assert [g.group for g in api.search_monitor_groups(query="muted:false").groups] == ["host:db-1"]
    assert [g.group for g in api.search_monitor_groups(query="group:host:web-2").groups] == ["host:web-2"]
    # A downtime scoped to one group mutes that group only, and not the monitor.
    org.mute(disk, scope="host:db-1")
    assert [g.group for g in api.search_monitor_groups(query="muted:true tag:service:storage").groups] == ["host:db-1"]
    assert ids(api.search_monitors(query="muted:true")) == [cpu.id, disk.id]  # db-1 is disk's only group


def test_can_delete_and_delete(org: Org, fleet: dict[str, Monitor]) -> None:
    api, cpu, disk = org.monitors, fleet["cpu"], fleet["disk"]
    free = api.check_can_delete_monitor(monitor_ids=[disk.id])
    assert not free._unparsed and free.data.ok == [disk.id] and free.errors is None
    with pytest.raises(ApiException) as named:
        api.check_can_delete_monitor(monitor_ids=[cpu.id, disk.id])
    assert named.value.status == 409
    body = named.value.body  # the client has parsed the JSON body
    assert body["data"] == {"ok": [disk.id]} and list(body["errors"]) == [str(cpu.id)]
    assert body["errors"][str(cpu.id)][0].startswith("downtime ")
    with pytest.raises(ApiException) as refused:
        api.delete_monitor(cpu.id)
    assert refused.value.status == 400 and "force=true" in errors_of(refused.value)[0]
    with pytest.raises(NotFoundException) as missing:
        api.check_can_delete_monitor(monitor_ids=[disk.id, 1])
    assert errors_of(missing.value) == ["Monitor 1 not found"]
    # Canceling the downtime frees the monitor; force deletes whatever names it.
    for match in org.downtimes.list_monitor_downtimes(cpu.id).data:
        org.downtimes.cancel_downtime(match.id)
    assert api.check_can_delete_monitor(monitor_ids=[cpu.id]).data.ok == [cpu.id]
    org.mute(disk)
    assert api.delete_monitor(disk.id, force="true").deleted_monitor_id == disk.id
    with org.http() as http:
        absent = http.get("/api/v1/monitor/can_delete")
        assert absent.status_code == 400 and absent.json() == {"errors": ["Missing required query parameter: monitor_ids"]}
        word = http.get("/api/v1/monitor/can_delete", params={"monitor_ids": "1,x"})
        assert word.status_code == 400 and word.json() == {"errors": ["Invalid value for monitor_ids: 'x' is not a monitor id"]}


def test_validate(org: Org, fleet: dict[str, Monitor]) -> None:
    api = org.monitors
    good = Monitor(name="load", type=MonitorType.QUERY_ALERT, query="avg(last_5m):avg:system.load.1{*} > 4",
                   options=MonitorOptions(thresholds=MonitorThresholds(critical=4.0)))
    assert api.validate_monitor(body=good) == {}
    with pytest.raises(ApiException) as bad:
        api.validate_monitor(body=Monitor(type=MonitorType.QUERY_ALERT, query="query"))
    assert bad.value.status == 400 and errors_of(bad.value)[0].startswith("The value provided for parameter 'query' is invalid")
    with pytest.raises(ApiException) as no_threshold:
        api.validate_monitor(body=Monitor(type=MonitorType.QUERY_ALERT, query="avg(last_5m):avg:system.load.1{*} > 4"))
    assert errors_of(no_threshold.value) == ["options.thresholds.critical is required for a metric alert"]
    cpu = fleet["cpu"]
    assert api.validate_existing_monitor(cpu.id, body=Monitor(type=MonitorType.METRIC_ALERT, query=cpu.query, name="renamed")) == {}
    with pytest.raises(ApiException) as retyped:
        api.validate_existing_monitor(cpu.id, body=Monitor(type=MonitorType.SERVICE_CHECK, query='"a".last(1).count_by_status()'))
    assert errors_of(retyped.value) == ["A monitor's type cannot be changed"]
    with pytest.raises(NotFoundException):
        api.validate_existing_monitor(1, body=good)
    assert api.get_monitor(cpu.id).name == cpu.name  # validating changed nothing
    assert ids(api.search_monitors(query="load")) == []  # nor created anything


def test_sub_paths_are_never_ids(org: Org, fleet: dict[str, Monitor]) -> None:
    with org.http() as http:
        for method, path in [("GET", "/api/v1/monitor/unknown"), ("GET", "/api/v1/monitor/groups/unknown"),
                             ("GET", f"/api/v1/monitor/{fleet['cpu'].id}/unknown"), ("POST", "/api/v1/monitor/mute_all"),
                             ("GET", "/api/v1/monitor/notification_rule")]:
            answer = http.request(method, path)
            assert answer.status_code == 404 and answer.json() == {"errors": [f"Not found: {method} {path}"]}, path
        malformed = http.get("/api/v1/monitor/12abc")  # shaped like an id: still a malformed one
        assert malformed.status_code == 400 and malformed.json() == {"errors": ["Invalid URL param: monitor_id must be an integer"]}
