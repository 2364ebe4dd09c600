"""Component bindings end to end: the binding API (a recess extension, over httpx) and what it
does to Datadog's APIs, driven through the official client: a maintenance's downtimes, muted
check runs, and degradations opened and resolved by monitors, across a restart and with two
processes on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
from datadog_api_client import ApiClient
from datadog_api_client.v1.api.monitors_api import MonitorsApi
from datadog_api_client.v1.api.service_checks_api import ServiceChecksApi
from datadog_api_client.v1.model.monitor import Monitor
from datadog_api_client.v1.model.monitor_type import MonitorType
from datadog_api_client.v1.model.service_check import ServiceCheck
from datadog_api_client.v1.model.service_check_status import ServiceCheckStatus
from datadog_api_client.v1.model.service_checks import ServiceChecks
from datadog_api_client.v2.api.downtimes_api import DowntimesApi
from datadog_api_client.v2.api.status_pages_api import StatusPagesApi
from datadog_api_client.v2.model import create_maintenance_request as maintenance_req
from datadog_api_client.v2.model import create_status_page_request as page_req
from datadog_api_client.v2.model import patch_degradation_request as degradation_patch

from tests.api.conftest import configuration
from tests.api.test_statuspages import iso, model
from tests.conftest import BACKENDS, Server, free_port, launch

AUTOMATIC = "Automatic update by recess"


class Org:
    """A fresh org on a server: the official client and plain HTTP with the same keys."""

    def __init__(self, server: Server, *permissions: str) -> None:
        grant = [a for p in permissions for a in ("--permission", p)] or ["--admin"]
        self.server = server
        self.name = f"bind-{uuid.uuid4().hex[:8]}"
        self.api_key, self.app_key = server.create_keys("--org", self.name, "--email",
                                                        f"{uuid.uuid4().hex[:6]}@example.com", *grant)
        self.client = ApiClient(configuration(server, self.api_key, self.app_key))
        self.http = httpx.Client(base_url=server.url, headers=server.headers(self.api_key, self.app_key), timeout=30)
        self.pages = StatusPagesApi(self.client)

    def close(self) -> None:
        self.client.close()
        self.http.close()

    def page(self) -> tuple[str, str, str]:
        """A public page with a `Database` group holding `Primary`: (page id, group id, Primary's id)."""
        made = self.pages.create_status_page(body=model(page_req, {"data": {"type": "status_pages", "attributes": {
            "name": "Acme", "domain_prefix": uuid.uuid4().hex[:16], "type": "public", "visualization_type": "bars_only",
            "components": [{"name": "Database", "type": "group", "components": [{"name": "Primary", "type": "component"}]}]}}},
            self.client))
        group = made.data.attributes.components[0]
        return str(made.data.id), str(group.id), str(group.components[0].id)

    def monitor(self, check: str) -> int:
        created = MonitorsApi(self.client).create_monitor(body=Monitor(
            name="db up", type=MonitorType.SERVICE_CHECK, tags=["service:db"], message="db down",
            query=f'"{check}".over("*").by("host").last(1).count_by_status()'))
        return int(created.id)

    def run(self, check: str, host: str, status: int) -> None:
        ServiceChecksApi(self.client).submit_service_check(body=ServiceChecks([
            ServiceCheck(check=check, host_name=host, status=ServiceCheckStatus(status), tags=["env:prod"])]))

    def bind(self, page_id: str, component_id: str, **attributes: Any) -> httpx.Response:
        attributes.setdefault("monitor_identifier", {"monitor_tags": ["service:db"]})
        attributes.setdefault("scope", "*")
        return self.http.put(f"/api/v2/statuspages/{page_id}/components/{component_id}/monitors",
                             json={"data": {"type": "monitor_bindings", "attributes": attributes}})

    def maintenance(self, page_id: str, component_id: str, start: datetime, end: datetime) -> Any:
        return self.pages.create_maintenance(UUID(page_id), body=model(maintenance_req, {"data": {"type": "maintenances", "attributes": {
            "title": "Database upgrade", "scheduled_description": "soon", "in_progress_description": "now",
            "completed_description": "done", "start_date": iso(start), "completed_date": iso(end),
            "components_affected": [{"id": component_id, "status": "maintenance"}]}}}, self.client))

    def now(self) -> datetime:
        return datetime.fromisoformat(self.http.post("/api/v1/_recess/clock", json={"seconds": 0}).json()["now"])

    def advance(self, seconds: float) -> None:
        self.http.post("/api/v1/_recess/clock", json={"seconds": seconds}).raise_for_status()
        self.server.settle(self.api_key)

    def degradations(self, page_id: str) -> list[Any]:
        return list(self.pages.list_degradations(filter_page_id=page_id).data)

    def status(self, page_id: str) -> str:
        return str(self.pages.get_status_page(UUID(page_id)).data.attributes.components[0].components[0].status)


@pytest.fixture
def org(server: Server) -> Iterator[Org]:
    made = Org(server)
    yield made
    made.close()


def test_binding_api_shapes_errors_and_permissions(org: Org, server: Server) -> None:
    page_id, group_id, primary_id = org.page()
    path = f"/api/v2/statuspages/{page_id}/components/{group_id}/monitors"
    assert org.http.get(path).status_code == 404
    put = org.bind(page_id, group_id, scope="env:prod", auto_degradation={"warn": None, "delay_minutes": 2})
    assert put.status_code == 200, put.text
    assert put.headers["content-type"].startswith("application/vnd.api+json")
    data = put.json()["data"]
    assert (data["id"], data["type"]) == (group_id, "monitor_bindings")
    a = data["attributes"]
    assert a["monitor_identifier"] == {"monitor_tags": ["service:db"]} and a["scope"] == "env:prod"
    assert a["auto_degradation"] == {"alert": "major_outage", "warn": None, "no_data": "degraded", "delay_minutes": 2}
    assert a["components"] == [primary_id]  # a group's binding applies to its components
    assert a["monitors"] == [] and a["automatic_degradation"] is None and a["created_at"].endswith("Z")
    assert data["relationships"]["component"]["data"] == {"id": group_id, "type": "components"}
    assert data["relationships"]["status_page"]["data"] == {"id": page_id, "type": "status_pages"}
    check = f"db.up.{uuid.uuid4().hex[:6]}"
    monitor_id = org.monitor(check)
    org.run(check, "db-1", 0)
    got = org.http.get(path).json()["data"]["attributes"]
    assert got["monitors"] == [{"id": monitor_id, "name": "db up", "overall_state": "OK",
                                "groups": [{"name": "host:db-1", "status": "OK", "muted": False}]}]
    replaced = org.bind(page_id, group_id, monitor_identifier={"monitor_id": monitor_id}).json()["data"]["attributes"]
    assert replaced["monitor_identifier"] == {"monitor_id": monitor_id} and replaced["auto_degradation"] is None

    # Errors are the Status Pages' JSON:API error objects.
    for body, word in [({"monitor_identifier": {"monitor_id": 1, "monitor_tags": ["a"]}}, "exactly one"),
                       ({"scope": "service:(db"}, "scope"), ({"auto_degradation": {"alert": "operational"}}, "alert"),
                       ({"auto_degradation": {"delay_minutes": -1}}, "delay_minutes"), ({"unknown": 1}, "unknown")]:
        bad = org.bind(page_id, group_id, **body)
        assert bad.status_code == 400, (body, bad.text)
        assert bad.headers["content-type"].startswith("application/vnd.api+json")
        assert all(set(e) == {"title", "detail"} for e in bad.json()["errors"]) and word in bad.text, bad.text
    missing = org.http.get(f"/api/v2/statuspages/{page_id}/components/{uuid.uuid4()}/monitors")
    assert missing.status_code == 404 and missing.json()["errors"][0]["detail"] == "component not found"
    assert org.http.get(f"/api/v2/statuspages/{page_id}/components/x/monitors").status_code == 400

    # status_pages_settings_write and monitors_read, both.
    for permissions, can_put, can_get in [(("status_pages_settings_write",), False, False),
                                          (("monitors_read", "status_pages_settings_read"), False, True),
                                          (("status_pages_settings_write", "monitors_read"), True, False),
                                          (("status_pages_settings_write", "status_pages_settings_read", "monitors_read"), True, True)]:
        key = server.create_keys("--org", org.name, "--email",
                                 f"{uuid.uuid4().hex[:6]}@example.com", *[a for p in permissions for a in ("--permission", p)])
        headers = server.headers(*key)
        body = {"data": {"type": "monitor_bindings", "attributes": {"monitor_identifier": {"monitor_tags": ["*"]}, "scope": "*"}}}
        assert (server.http().put(path, json=body, headers=headers).status_code == 200) is can_put, permissions
        answer = server.http().get(path, headers=headers)
        assert (answer.status_code == 200) is can_get, permissions
        if not can_get:
            assert answer.status_code == 403 and isinstance(answer.json()["errors"][0], dict)

    assert org.http.delete(path).status_code == 204
    assert org.http.get(path).status_code == 404
    assert org.http.delete(path).status_code == 404


def test_openapi_documents_the_extension(server: Server) -> None:
    with server.http() as http:
        document = http.get("/openapi.json").json()
    item = document["paths"]["/api/v2/statuspages/{page_id}/components/{component_id}/monitors"]
    assert set(item) >= {"put", "get", "delete"}
    assert "(recess)" in item["put"]["summary"] and item["put"]["security"] == [{"apiKeyAuth": [], "appKeyAuth": []}]
    assert item["put"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("BindingRequest")
    ok = item["get"]["responses"]["200"]["content"]
    assert ok["application/vnd.api+json"]["schema"]["$ref"].endswith("BindingDocument")
    assert item["delete"]["responses"]["404"]["content"]["application/vnd.api+json"]["schema"]["$ref"].endswith("JSONAPIErrorResponse")


def test_one_maintenance_announces_and_mutes_and_monitors_move_the_page(clock_server: Server) -> None:
    """The README walkthrough, with a restart in the middle of the window."""
    org = Org(clock_server)
    try:
        page_id, group_id, primary_id = org.page()
        check = f"db.can_connect.{uuid.uuid4().hex[:6]}"
        monitor_id = org.monitor(check)
        assert org.bind(page_id, group_id, auto_degradation={"delay_minutes": 5}).status_code == 200
        now = org.now()
        made = org.maintenance(page_id, primary_id, now + timedelta(minutes=10), now + timedelta(minutes=70))
        maintenance_id = str(made.data.id)

        # The downtime is there, in the downtime API, named after the maintenance.
        downtimes = DowntimesApi(org.client)
        [downtime] = [d for d in downtimes.list_downtimes().data if f"maintenance_id:{maintenance_id}" in (d.attributes.message or "")]
        assert str(downtime.attributes.status) == "scheduled" and downtime.attributes.scope == "*"
        assert downtime.attributes.monitor_identifier.monitor_tags == ["service:db"]
        assert downtime.attributes.schedule.start == made.data.attributes.start_date
        assert downtime.attributes.schedule.end == made.data.attributes.completed_date

        org.advance(11 * 60)
        assert str(org.pages.get_maintenance(UUID(page_id), UUID(maintenance_id)).data.attributes.status) == "in_progress"
        assert org.status(page_id) == "maintenance"
        org.run(check, "db-1", 2)  # CRITICAL during the window: muted, and no degradation
        notes = org.http.get(f"/api/v1/monitor/{monitor_id}/notifications").json()["data"]
        assert [(n["transition"], n["muted"]) for n in notes] == [("Triggered", True)]
        org.advance(10 * 60)
        assert org.degradations(page_id) == []

        # A restart mid-window: the process comes back (its clock put back where it was).
        before = org.now()
        clock_server.restart()
        org.advance(max(0.0, (before - datetime.now(UTC)).total_seconds()))
        assert str(downtimes.get_downtime(downtime.id).data.attributes.status) == "active"
        bound = org.http.get(f"/api/v2/statuspages/{page_id}/components/{group_id}/monitors").json()["data"]["attributes"]
        assert bound["monitors"][0]["groups"] == [{"name": "host:db-1", "status": "Alert", "muted": True}]
        org.run(check, "db-1", 0)  # it recovers before the end, muted too
        org.advance(50 * 60)  # past the end
        assert str(org.pages.get_maintenance(UUID(page_id), UUID(maintenance_id)).data.attributes.status) == "completed"
        assert str(downtimes.get_downtime(downtime.id).data.attributes.status) == "ended"
        assert org.status(page_id) == "operational" and org.degradations(page_id) == []

        # After the window, a CRITICAL that stays past the delay opens a degradation...
        org.run(check, "db-1", 2)
        org.advance(4 * 60)
        assert org.degradations(page_id) == []
        org.advance(60)
        [opened] = org.degradations(page_id)
        assert str(opened.attributes.status) == "investigating" and opened.attributes.description.startswith(AUTOMATIC)
        assert "db up (host:db-1) is Alert" in opened.attributes.description
        assert opened.attributes.title == "Database: db up (host:db-1)"
        assert org.status(page_id) == "major_outage"
        # ... that survives a restart, and that the recovery resolves.
        before = org.now()
        clock_server.restart()
        org.advance(max(0.0, (before - datetime.now(UTC)).total_seconds()))
        assert len(org.degradations(page_id)) == 1
        org.run(check, "db-1", 0)
        org.advance(1)
        [resolved] = org.degradations(page_id)
        assert str(resolved.attributes.status) == "resolved" and resolved.attributes.description.startswith(AUTOMATIC)
        assert [str(u.status) for u in resolved.attributes.updates] == ["investigating", "resolved"]
        assert org.status(page_id) == "operational"
    finally:
        org.close()


def test_a_persons_update_stops_automation(clock_server: Server) -> None:
    org = Org(clock_server)
    try:
        page_id, _, primary_id = org.page()
        check = f"db.up.{uuid.uuid4().hex[:6]}"
        org.monitor(check)
        assert org.bind(page_id, primary_id, auto_degradation={"delay_minutes": 0}).status_code == 200
        org.run(check, "db-1", 2)
        org.advance(1)
        [opened] = org.degradations(page_id)
        org.pages.update_degradation(UUID(page_id), opened.id, body=model(degradation_patch, {"data": {
            "type": "degradations", "id": str(opened.id), "attributes": {"status": "identified", "description": "on it"}}},
            org.client))
        org.advance(1)
        bound = org.http.get(f"/api/v2/statuspages/{page_id}/components/{primary_id}/monitors").json()["data"]["attributes"]
        assert bound["automatic_degradation"] == {"degradation_id": str(opened.id), "automated": False}
        org.run(check, "db-1", 0)
        org.advance(1)
        [kept] = org.degradations(page_id)
        assert str(kept.attributes.status) == "identified"  # no automatic resolve
    finally:
        org.close()


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="several processes share PostgreSQL only")
def test_two_processes_open_one_degradation(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    first = launch("postgresql", tmp_path_factory.mktemp("recess-bind-a"), request)
    second = replace(first, url=f"http://127.0.0.1:{free_port()}", process=None,
                     log_path=tmp_path_factory.mktemp("recess-bind-b") / "server.log")
    second.start()
    try:
        a, b = Org(first), None
        try:
            page_id, _, primary_id = a.page()
            check = f"db.up.{uuid.uuid4().hex[:6]}"
            a.monitor(check)
            assert a.bind(page_id, primary_id, auto_degradation={"delay_minutes": 0}).status_code == 200
            b = httpx.Client(base_url=second.url, headers=second.headers(a.api_key, a.app_key), timeout=30)
            a.run(check, "db-1", 2)
            b.post("/api/v1/check_run", json={"check": check, "host_name": "db-2", "status": 2}).raise_for_status()
            for _ in range(3):
                first.settle(a.api_key)
                second.settle(a.api_key)
            [opened] = a.degradations(page_id)
            assert "host:db-1" in opened.attributes.description and "host:db-2" in opened.attributes.description
            a.run(check, "db-1", 0)
            b.post("/api/v1/check_run", json={"check": check, "host_name": "db-2", "status": 0}).raise_for_status()
            for _ in range(3):
                second.settle(a.api_key)
                first.settle(a.api_key)
            [resolved] = a.degradations(page_id)
            assert str(resolved.attributes.status) == "resolved"
            assert [str(u.status) for u in resolved.attributes.updates][-1] == "resolved"
            assert sum(str(u.status) == "resolved" for u in resolved.attributes.updates) == 1
        finally:
            a.close()
            if b is not None:
                b.close()
    finally:
        second.stop()
        first.stop()


def test_deleting_a_component_takes_its_binding(org: Org) -> None:
    page_id, _, primary_id = org.page()
    assert org.bind(page_id, primary_id).status_code == 200
    # Deleting the component takes its binding with it.
    org.pages.delete_component(UUID(page_id), UUID(primary_id))
    assert org.http.get(f"/api/v2/statuspages/{page_id}/components/{primary_id}/monitors").status_code == 404
