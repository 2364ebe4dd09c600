"""Maintenance windows for case notifications, through the official client's CaseManagementApi."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException, ForbiddenException, NotFoundException
from datadog_api_client.model_utils import validate_and_convert_types
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.case_create_request import CaseCreateRequest
from datadog_api_client.v2.model.maintenance_window_create_request import MaintenanceWindowCreateRequest
from datadog_api_client.v2.model.maintenance_window_update_request import MaintenanceWindowUpdateRequest
from datadog_api_client.v2.model.project_create_request import ProjectCreateRequest

from tests.api.conftest import configuration, errors_of
from tests.conftest import Server


@pytest.fixture
def client(server: Server) -> Iterator[ApiClient]:
    api_key, app_key = server.create_keys("--org", f"mw-{uuid.uuid4().hex[:8]}", "--email", "cases@example.com", "--admin")
    with ApiClient(configuration(server, api_key, app_key)) as c:
        yield c


def build(cls: type, data: dict[str, Any], client: ApiClient) -> Any:
    return validate_and_convert_types(data, (cls,), ["body"], True, True, client.configuration)


def window(api: CaseManagementApi, client: ApiClient, query: str, start: datetime, end: datetime, name: str = "Weekly maintenance") -> Any:
    return api.create_maintenance_window(body=build(MaintenanceWindowCreateRequest, {"data": {"type": "maintenance_window", "attributes": {
        "name": name, "query": query, "start_at": start.isoformat(), "end_at": end.isoformat()}}}, client))


def project(api: CaseManagementApi, client: ApiClient, key: str) -> str:
    """A project's id: cases belong to projects that exist."""
    made = api.create_project(body=build(ProjectCreateRequest, {"data": {"type": "project", "attributes": {
        "key": key, "name": f"{key} project"}}}, client))
    return str(made.data.id)


def case(api: CaseManagementApi, client: ApiClient, project: str, priority: str, tags: dict[str, list[str]] | None = None) -> Any:
    return api.create_case(body=build(CaseCreateRequest, {"data": {"type": "case", "attributes": {
        "title": "Suspicious login", "priority": priority, "type_id": str(uuid.uuid4())},
        "relationships": {"project": {"data": {"id": project, "type": "project"}}}}}, client))


NOW = datetime.now(UTC)


def test_four_operations_and_partial_update(client: ApiClient) -> None:
    api = CaseManagementApi(client)
    made = window(api, client, "project:SEC", datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 1, 6, tzinfo=UTC))
    data = made.data
    assert str(data.type) == "maintenance_window" and uuid.UUID(data.id)
    assert (data.attributes.name, data.attributes.query) == ("Weekly maintenance", "project:SEC")
    assert data.attributes.start_at == datetime(2026, 6, 1, tzinfo=UTC) and data.attributes.end_at == datetime(2026, 6, 1, 6, tzinfo=UTC)
    assert data.attributes.created_by == data.attributes.updated_by and uuid.UUID(data.attributes.created_by)
    listed = api.list_maintenance_windows()
    assert [w.id for w in listed.data] == [data.id]
    renamed = api.update_maintenance_window(data.id, body=build(MaintenanceWindowUpdateRequest, {"data": {"type": "maintenance_window", "attributes": {"name": "Monthly"}}}, client))
    assert renamed.data.attributes.name == "Monthly" and renamed.data.attributes.query == "project:SEC"
    assert renamed.data.attributes.end_at == data.attributes.end_at
    untouched = api.update_maintenance_window(data.id, body=build(MaintenanceWindowUpdateRequest, {"data": {"type": "maintenance_window", "attributes": {}}}, client))
    assert untouched.data.attributes.name == "Monthly"
    api.delete_maintenance_window(data.id)
    assert api.list_maintenance_windows().data == []
    with pytest.raises(NotFoundException) as missing:
        api.delete_maintenance_window(data.id)
    assert errors_of(missing.value) == ["Maintenance window not found"]


def test_bad_input(client: ApiClient, server: Server) -> None:
    api = CaseManagementApi(client)
    with pytest.raises(ApiException) as backwards:
        window(api, client, "project:SEC", NOW, NOW - timedelta(hours=1))
    assert backwards.value.status == 400 and errors_of(backwards.value) == ["end_at must be after start_at"]
    with pytest.raises(ApiException) as same:
        window(api, client, "project:SEC", NOW, NOW)
    assert same.value.status == 400
    with pytest.raises(ApiException) as unparsable:
        window(api, client, "project:(SEC", NOW, NOW + timedelta(hours=1))
    assert unparsable.value.status == 400 and "Invalid query" in errors_of(unparsable.value)[0]
    made = window(api, client, "project:SEC", NOW, NOW + timedelta(hours=1))
    with pytest.raises(ApiException) as moved:
        api.update_maintenance_window(made.data.id, body=build(MaintenanceWindowUpdateRequest, {"data": {"type": "maintenance_window", "attributes": {"end_at": (NOW - timedelta(days=1)).isoformat()}}}, client))
    assert moved.value.status == 400
    with pytest.raises(NotFoundException):
        api.update_maintenance_window(str(uuid.uuid4()), body=build(MaintenanceWindowUpdateRequest, {"data": {"type": "maintenance_window", "attributes": {"name": "x"}}}, client))
    headers = {"DD-API-KEY": client.configuration.api_key["apiKeyAuth"], "DD-APPLICATION-KEY": client.configuration.api_key["appKeyAuth"]}
    with server.http() as http:
        missing = http.post("/api/v2/maintenance_windows", headers=headers, json={"data": {"type": "maintenance_window", "attributes": {"name": "x"}}})
        assert missing.status_code == 400 and any("'query' is a required property" in e for e in missing.json()["errors"])
        wrong_type = http.post("/api/v2/maintenance_windows", headers=headers, json={"data": {"type": "maintenance_windows", "attributes": {
            "name": "x", "query": "a:b", "start_at": "2026-06-01T00:00:00Z", "end_at": "2026-06-01T06:00:00Z"}}})
        assert wrong_type.status_code == 400 and "data.type" in wrong_type.json()["errors"][0]
        assert http.delete("/api/v2/maintenance_windows/not-a-uuid", headers=headers).status_code == 400


def test_cases_inside_and_outside_windows(client: ApiClient) -> None:
    api = CaseManagementApi(client)
    sec, ops = project(api, client, "SEC"), project(api, client, "OPS")
    in_sec = case(api, client, sec, "P1")
    other_project = case(api, client, ops, "P1")
    low = case(api, client, sec, "P3")
    assert in_sec.data.attributes.key == "SEC-1" and low.data.attributes.key == "SEC-2"
    assert in_sec.data.attributes.to_dict()["notifications_suppressed"] is False  # no window yet
    now = datetime.now(UTC)
    active = window(api, client, "project:SEC priority:P1 status:open", now - timedelta(minutes=5), now + timedelta(hours=1))
    window(api, client, "project:OPS", now + timedelta(hours=2), now + timedelta(hours=3), name="later")  # not started
    window(api, client, "project:SEC", now - timedelta(hours=3), now - timedelta(hours=2), name="over")  # already over

    def quiet(c: Any) -> tuple[bool, str | None]:
        got = api.get_case(c.data.id).data.attributes.to_dict()
        return got["notifications_suppressed"], got["maintenance_window_id"]

    assert quiet(in_sec) == (True, active.data.id)  # inside the query and the time range
    assert quiet(low) == (False, None)  # outside the query (priority)
    assert quiet(other_project) == (False, None)  # its window has not started
    with pytest.raises(NotFoundException):
        api.get_case(str(uuid.uuid4()))


def test_permissions(server: Server) -> None:
    reader = server.create_keys("--org", f"mw-{uuid.uuid4().hex[:8]}", "--email", "r@example.com", "-p", "event_correlation_config_read")
    with ApiClient(configuration(server, *reader)) as c:
        api = CaseManagementApi(c)
        assert api.list_maintenance_windows().data == []
        with pytest.raises(ForbiddenException):
            window(api, c, "project:SEC", NOW, NOW + timedelta(hours=1))
    nobody = server.create_keys("--org", f"mw-{uuid.uuid4().hex[:8]}", "--email", "n@example.com", "-p", "monitors_read")
    with ApiClient(configuration(server, *nobody)) as c, pytest.raises(ForbiddenException):
        CaseManagementApi(c).list_maintenance_windows()
