"""Status Pages through the official client's StatusPagesApi: all 36 operations and the rules."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException, ForbiddenException, NotFoundException
from datadog_api_client.model_utils import validate_and_convert_types
from datadog_api_client.v2.api.status_pages_api import StatusPagesApi
from datadog_api_client.v2.model import (
    create_backfilled_degradation_request as backfill_degradation_req,
    create_backfilled_maintenance_request as backfill_maintenance_req,
    create_component_request as component_req,
    create_degradation_request as degradation_req,
    create_degradation_template_request as degradation_template_req,
    create_maintenance_request as maintenance_req,
    create_maintenance_template_request as maintenance_template_req,
    create_status_page_request as page_req,
    patch_component_request as component_patch,
    patch_degradation_request as degradation_patch,
    patch_degradation_template_request as degradation_template_patch,
    patch_degradation_update_request as degradation_update_patch,
    patch_maintenance_request as maintenance_patch,
    patch_maintenance_template_request as maintenance_template_patch,
    patch_maintenance_update_request as maintenance_update_patch,
    patch_status_page_request as page_patch,
)

from tests.api.conftest import configuration
from tests.conftest import Server


def model(module: Any, data: dict[str, Any], client: ApiClient) -> Any:
    """A request model of the official client, built from plain data by the client's own converter."""
    cls = next(v for k, v in vars(module).items() if isinstance(v, type) and v.__module__ == module.__name__)
    return validate_and_convert_types(data, (cls,), ["body"], True, True, client.configuration)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


@pytest.fixture
def client(server: Server) -> Iterator[ApiClient]:
    api_key, app_key = server.create_keys("--org", f"sp-{uuid.uuid4().hex[:8]}", "--email", "status@example.com", "--admin")
    with ApiClient(configuration(server, api_key, app_key)) as c:
        yield c


def new_page(api: StatusPagesApi, client: ApiClient, **extra: Any) -> Any:
    body = model(page_req, {"data": {"type": "status_pages", "attributes": {
        "name": "A Status Page", "domain_prefix": uuid.uuid4().hex[:16], "type": "internal",
        "visualization_type": "bars_and_uptime_percentage",
        "components": [{"name": "Application", "type": "group", "components": [
            {"name": "Login", "type": "component", "position": 0}, {"name": "Settings", "type": "component", "position": 1}]}],
        **extra}}}, client)
    return api.create_status_page(body=body)


def statuses(api: StatusPagesApi, page_id: Any) -> dict[str, str]:
    components = api.get_status_page(page_id).data.attributes.components
    return {c.name: str(c.status) for c in components[0].components}


def errors(exc: ApiException) -> list[dict[str, str]]:
    body = exc.body if isinstance(exc.body, dict) else __import__("json").loads(exc.body)
    return body["errors"]


def test_pages(client: ApiClient, server: Server) -> None:
    api = StatusPagesApi(client)
    page = new_page(api, client)
    a = page.data.attributes
    assert str(page.data.type) == "status_pages" and UUID(str(page.data.id)).version == 4
    assert a.enabled is False and a.custom_domain is None and a.custom_domain_enabled is False and a.subscriptions_enabled is False
    assert a.slack_subscriptions_enabled is False
    assert a.created_at == a.modified_at and a.page_url.endswith(f"/status-pages/{page.data.id}/view")
    group = a.components[0]
    assert group.name == "Application" and str(group.type) == "group" and group.position == 0
    assert [(c.name, c.position, str(c.status)) for c in group.components] == [("Login", 0, "operational"), ("Settings", 1, "operational")]
    assert page.data.relationships.created_by_user.data.id == page.data.relationships.last_modified_by_user.data.id
    other = new_page(api, client, type="public", visualization_type="bars_only", name="Public Page")
    listed = api.list_status_pages()
    assert [str(p.id) for p in listed.data] == [str(other.data.id), str(page.data.id)]  # newest first
    meta = listed.meta.page
    assert (meta.offset, meta.limit, meta.total, str(meta.type)) == (0, 50, 2, "offset_limit")
    assert [str(p.id) for p in api.list_status_pages(page_limit=1, page_offset=1).data] == [str(page.data.id)]
    assert [str(p.id) for p in api.list_status_pages(filter_domain_prefix=a.domain_prefix).data] == [str(page.data.id)]
    assert [str(p.id) for p in api.list_status_pages(filter_name="a status").data] == [str(page.data.id)]
    renamed = api.update_status_page(page.data.id, body=model(page_patch, {"data": {"type": "status_pages", "id": str(page.data.id), "attributes": {"name": "A Status Page in US1"}}}, client))
    assert renamed.data.attributes.name == "A Status Page in US1" and renamed.data.attributes.modified_at > a.modified_at
    assert renamed.data.attributes.created_at == a.created_at and renamed.data.attributes.enabled is False
    slack = api.update_status_page(page.data.id, body=model(page_patch, {"data": {"type": "status_pages", "id": str(page.data.id), "attributes": {"slack_subscriptions_enabled": True}}}, client))
    assert slack.data.attributes.slack_subscriptions_enabled is True and slack.data.attributes.subscriptions_enabled is False
    api.publish_status_page(page.data.id)
    assert api.get_status_page(page.data.id).data.attributes.enabled is True
    api.unpublish_status_page(page.data.id)
    assert api.get_status_page(page.data.id).data.attributes.enabled is False
    with_users = api.get_status_page(page.data.id, include="created_by_user")
    assert with_users.included[0].attributes.email == "status@example.com"
    with pytest.raises(ApiException) as taken:
        new_page(api, client, domain_prefix=a.domain_prefix)
    assert taken.value.status == 409 and "already taken" in errors(taken.value)[0]["detail"]
    api.delete_status_page(page.data.id)
    with pytest.raises(NotFoundException) as gone:
        api.delete_status_page(page.data.id)
    assert errors(gone.value) == [{"title": "Generic Error", "detail": "status page not found"}]
    with server.http() as http:
        response = http.get(f"/api/v2/statuspages/{other.data.id}", headers={"DD-API-KEY": client.configuration.api_key["apiKeyAuth"], "DD-APPLICATION-KEY": client.configuration.api_key["appKeyAuth"]})
        assert response.headers["content-type"] == "application/vnd.api+json"
        bad = http.post("/api/v2/statuspages", json={"data": {"type": "status_pages", "attributes": {"name": "x"}}},
                        headers={"DD-API-KEY": client.configuration.api_key["apiKeyAuth"], "DD-APPLICATION-KEY": client.configuration.api_key["appKeyAuth"]})
        assert bad.status_code == 400 and all(set(e) == {"title", "detail"} for e in bad.json()["errors"])
        assert any("domain_prefix" in e["detail"] for e in bad.json()["errors"])


def test_components(client: ApiClient) -> None:
    api = StatusPagesApi(client)
    page = new_page(api, client)
    page_id = page.data.id
    logs = api.create_component(page_id, body=model(component_req, {"data": {"type": "components", "attributes": {"name": "Logs", "position": 0, "type": "component"}}}, client))
    assert str(logs.data.attributes.status) == "operational" and logs.data.relationships.group.data is None
    assert str(logs.data.relationships.status_page.data.id) == str(page_id)
    top = api.list_components(page_id).data
    assert [(c.attributes.name, c.attributes.position) for c in top] == [("Logs", 0), ("Application", 1)]  # the group moved down
    group = api.get_component(page_id, top[1].id)
    assert [c.name for c in group.data.attributes.components] == ["Login", "Settings"]
    login = group.data.attributes.components[0]
    child = api.get_component(page_id, login.id, include="group")
    assert str(child.data.relationships.group.data.id) == str(top[1].id)
    moved = api.update_component(page_id, top[0].id, body=model(component_patch, {"data": {"type": "components", "id": str(top[0].id), "attributes": {"name": "Logs Indexing", "position": 1}}}, client))
    assert moved.data.attributes.name == "Logs Indexing" and moved.data.attributes.position == 1
    assert [c.attributes.name for c in api.list_components(page_id).data] == ["Application", "Logs Indexing"]
    api.delete_component(page_id, top[1].id)  # the group, and its components with it
    remaining = api.list_components(page_id).data
    assert [(c.attributes.name, c.attributes.position) for c in remaining] == [("Logs Indexing", 0)]
    with pytest.raises(NotFoundException):
        api.get_component(page_id, login.id)


def test_degradations_and_derived_status(client: ApiClient) -> None:
    api = StatusPagesApi(client)
    page = new_page(api, client)
    page_id = page.data.id
    login = page.data.attributes.components[0].components[0].id
    created = api.create_degradation(page_id, body=model(degradation_req, {"data": {"type": "degradations", "attributes": {
        "title": "Elevated API Latency", "status": "investigating", "description": "looking",
        "components_affected": [{"id": str(login), "status": "major_outage"}]}}}, client))
    a = created.data.attributes
    assert len(a.updates) == 1 and a.updates[0].created_at == a.created_at == a.modified_at == a.updates[0].started_at
    assert a.components_affected[0].name == "Login" and str(a.status) == "investigating"
    assert statuses(api, page_id) == {"Login": "major_outage", "Settings": "operational"}
    deg_id = created.data.id
    titled = api.update_degradation(page_id, deg_id, body=model(degradation_patch, {"data": {"type": "degradations", "id": str(deg_id), "attributes": {"title": "Latency in US1"}}}, client))
    assert titled.data.attributes.title == "Latency in US1" and len(titled.data.attributes.updates) == 1
    moved = api.update_degradation(page_id, deg_id, body=model(degradation_patch, {"data": {"type": "degradations", "id": str(deg_id), "attributes": {
        "status": "identified", "description": "found it", "components_affected": [{"id": str(login), "status": "degraded"}]}}}, client))
    assert [str(u.status) for u in moved.data.attributes.updates] == ["investigating", "identified"]
    assert statuses(api, page_id)["Login"] == "degraded"
    second = api.create_degradation(page_id, body=model(degradation_req, {"data": {"type": "degradations", "attributes": {
        "title": "Other", "status": "investigating", "components_affected": [{"id": str(login), "status": "partial_outage"}]}}}, client))
    assert statuses(api, page_id)["Login"] == "partial_outage"  # the worst open one wins
    # Editing and soft-deleting updates.
    first_update = moved.data.attributes.updates[0].id
    edited = api.edit_degradation_update(deg_id, page_id, first_update, body=model(degradation_update_patch, {"data": {"type": "degradation_updates", "id": str(first_update), "attributes": {"description": "looking harder"}}}, client))
    assert edited.data.attributes.description == "looking harder" and str(edited.data.type) == "degradation_updates"
    api.soft_delete_degradation_update(deg_id, page_id, first_update)
    deleted = api.get_degradation(page_id, deg_id).data.attributes.updates[0]
    assert deleted.deleted_at is not None and deleted.deleted_by_user_uuid
    # Lists across pages, with filters, sort and paging.
    other_page = new_page(api, client)
    api.create_degradation(other_page.data.id, body=model(degradation_req, {"data": {"type": "degradations", "attributes": {"title": "Elsewhere", "status": "monitoring", "components_affected": []}}}, client))
    everything = api.list_degradations()
    assert [d.attributes.title for d in everything.data] == ["Latency in US1", "Other", "Elsewhere"]
    assert everything.meta.page.total == 3 and everything.meta.page.next_offset is None
    assert [d.attributes.title for d in api.list_degradations(filter_page_id=str(page_id)).data] == ["Latency in US1", "Other"]
    assert [d.attributes.title for d in api.list_degradations(filter_status="monitoring").data] == ["Elsewhere"]
    assert [d.attributes.title for d in api.list_degradations(sort="-created_at", page_limit=1).data] == ["Elsewhere"]
    paged = api.list_degradations(page_limit=2, page_offset=0).meta.page
    assert (paged.next_offset, paged.last_offset) == (2, 2)
    with_page = api.list_degradations(include="status_page", filter_page_id=str(page_id))
    assert {str(i.id) for i in with_page.included} == {str(page_id)}
    # Resolving and deleting bring the component back.
    api.update_degradation(page_id, second.data.id, body=model(degradation_patch, {"data": {"type": "degradations", "id": str(second.data.id), "attributes": {"status": "monitoring"}}}, client))
    api.delete_degradation(page_id, deg_id)
    with pytest.raises(NotFoundException) as gone:
        api.delete_degradation(page_id, deg_id)
    assert errors(gone.value)[0]["detail"] == "degradation not found"
    assert statuses(api, page_id)["Login"] == "partial_outage"
    resolved = api.update_degradation(page_id, second.data.id, body=model(degradation_patch, {"data": {"type": "degradations", "id": str(second.data.id), "attributes": {"status": "resolved"}}}, client))
    assert str(resolved.data.attributes.status) == "resolved"
    assert statuses(api, page_id) == {"Login": "operational", "Settings": "operational"}
    api.delete_degradation(page_id, second.data.id)


@pytest.mark.parametrize("affected", ["unknown", "group"])
def test_degradation_component_errors(client: ApiClient, affected: str) -> None:
    api = StatusPagesApi(client)
    page = new_page(api, client)
    target = str(uuid.uuid4()) if affected == "unknown" else str(page.data.attributes.components[0].id)
    with pytest.raises(ApiException) as exc:
        api.create_degradation(page.data.id, body=model(degradation_req, {"data": {"type": "degradations", "attributes": {
            "title": "x", "status": "investigating", "components_affected": [{"id": target, "status": "degraded"}]}}}, client))
    assert exc.value.status == 400 and ("group" if affected == "group" else "not a component") in errors(exc.value)[0]["detail"]


def maintenance(api: StatusPagesApi, client: ApiClient, page: Any, start: datetime, end: datetime) -> Any:
    login = page.data.attributes.components[0].components[0].id
    return api.create_maintenance(page.data.id, body=model(maintenance_req, {"data": {"type": "maintenances", "attributes": {
        "title": "API Maintenance", "scheduled_description": "soon", "in_progress_description": "now", "completed_description": "done",
        "start_date": iso(start), "completed_date": iso(end), "components_affected": [{"id": str(login), "status": "operational"}]}}}, client))


def test_maintenances_manual(client: ApiClient) -> None:
    api = StatusPagesApi(client)
    page = new_page(api, client)
    start = datetime.now(UTC) + timedelta(hours=1)
    made = maintenance(api, client, page, start, start + timedelta(hours=1))
    a = made.data.attributes
    assert str(a.status) == "scheduled" and a.published_date == a.updates[0].created_at
    assert [(str(u.status), u.description, u.manual_transition) for u in a.updates] == [("scheduled", "soon", False)]
    assert a.start_date == start.replace(microsecond=start.microsecond) and a.components_affected[0].name == "Login"
    m_id = made.data.id
    edited = api.update_maintenance(page.data.id, m_id, body=model(maintenance_patch, {"data": {"type": "maintenances", "id": str(m_id), "attributes": {"scheduled_description": "later"}}}, client))
    assert edited.data.attributes.scheduled_description == "later" and len(edited.data.attributes.updates) == 1
    assert edited.data.attributes.updates[0].description == "soon"  # the existing update keeps its text
    started = api.update_maintenance(page.data.id, m_id, body=model(maintenance_patch, {"data": {"type": "maintenances", "id": str(m_id), "attributes": {"status": "in_progress"}}}, client))
    assert str(started.data.attributes.status) == "in_progress"
    assert (str(started.data.attributes.updates[-1].status), started.data.attributes.updates[-1].manual_transition) == ("in_progress", True)
    assert statuses(api, page.data.id)["Login"] == "maintenance"
    update_id = started.data.attributes.updates[-1].id
    patched = api.patch_maintenance_update(page.data.id, m_id, update_id, body=model(maintenance_update_patch, {"data": {"type": "maintenance_updates", "id": str(update_id), "attributes": {"description": "working on it"}}}, client))
    assert patched.data.attributes.description == "working on it"
    done = api.update_maintenance(page.data.id, m_id, body=model(maintenance_patch, {"data": {"type": "maintenances", "id": str(m_id), "attributes": {"status": "completed"}}}, client))
    assert str(done.data.attributes.status) == "completed" and statuses(api, page.data.id)["Login"] == "operational"
    with pytest.raises(ApiException) as back:
        api.update_maintenance(page.data.id, m_id, body=model(maintenance_patch, {"data": {"type": "maintenances", "id": str(m_id), "attributes": {"status": "scheduled"}}}, client))
    assert back.value.status == 400
    got = api.get_maintenance(page.data.id, m_id)
    assert [str(u.status) for u in got.data.attributes.updates] == ["scheduled", "in_progress", "completed"]
    listed = api.list_maintenances(filter_page_id=str(page.data.id))
    assert [str(u.status) for u in listed.data[0].attributes.updates] == ["completed", "in_progress", "scheduled"]  # newest first
    assert api.list_maintenances(filter_status="scheduled", filter_page_id=str(page.data.id)).data == []
    with pytest.raises(ApiException) as bad_dates:
        maintenance(api, client, page, start, start - timedelta(minutes=1))
    assert bad_dates.value.status == 400 and "completed_date" in errors(bad_dates.value)[0]["detail"]


def test_maintenance_moves_by_itself(clock_server: Server) -> None:
    api_key, app_key = clock_server.create_keys("--org", f"spm-{uuid.uuid4().hex[:8]}", "--admin")
    with ApiClient(configuration(clock_server, api_key, app_key)) as client, clock_server.http() as http:
        api = StatusPagesApi(client)
        page = new_page(api, client)
        server_now = datetime.fromisoformat(http.post("/api/v1/_recess/clock", json={"seconds": 0}).json()["now"])
        made = maintenance(api, client, page, server_now + timedelta(minutes=10), server_now + timedelta(minutes=70))

        def status_after(seconds: float) -> Any:
            http.post("/api/v1/_recess/clock", json={"seconds": seconds}).raise_for_status()
            deadline = time.monotonic() + 10  # returns as soon as the update appears
            while True:
                got = api.get_maintenance(page.data.id, made.data.id).data.attributes
                if len(got.updates) > len(made.data.attributes.updates):
                    return got
                if time.monotonic() > deadline:
                    import os
                    import signal

                    assert clock_server.process is not None and clock_server.log_path is not None
                    os.kill(clock_server.process.pid, signal.SIGUSR1)  # the server dumps its threads' stacks
                    time.sleep(1)
                    raise AssertionError(f"the maintenance did not move; server log:\n{clock_server.log_path.read_text()[-8000:]}")
                time.sleep(0.05)

        started = status_after(10 * 60 + 1)
        assert clock_server.log_path is not None
        assert str(started.status) == "in_progress" and started.updates[-1].manual_transition is False
        assert started.updates[-1].description == "now" and str(started.updates[-1].components_affected[0].status) == "maintenance"
        assert statuses(api, page.data.id)["Login"] == "maintenance"
        made = api.get_maintenance(page.data.id, made.data.id)
        completed = status_after(60 * 60)
        assert str(completed.status) == "completed" and completed.updates[-1].description == "done"
        assert statuses(api, page.data.id)["Login"] == "operational"


def backfill_maintenance(api: StatusPagesApi, client: ApiClient, page_id: Any, updates: list[dict[str, Any]]) -> Any:
    body = validate_and_convert_types({"data": {"type": "maintenances", "attributes": {"title": "Past", "updates": updates}}},
                                      (next(v for v in vars(backfill_maintenance_req).values() if isinstance(v, type) and v.__module__ == backfill_maintenance_req.__name__),),
                                      ["body"], True, True, client.configuration)
    return api.create_backfilled_maintenance(page_id, body=body)


def test_backfilled_maintenance(client: ApiClient, server: Server) -> None:
    api = StatusPagesApi(client)
    page = new_page(api, client)
    login = str(page.data.attributes.components[0].components[0].id)
    t0 = datetime.now(UTC) - timedelta(days=2)
    good = [{"started_at": iso(t0), "status": "in_progress", "description": "doing", "components_affected": [{"id": login, "status": "maintenance"}]},
            {"started_at": iso(t0 + timedelta(hours=1)), "status": "completed", "description": "done", "components_affected": [{"id": login, "status": "operational"}]}]
    made = backfill_maintenance(api, client, page.data.id, good).data.attributes
    assert str(made.status) == "completed" and made.start_date == t0 and made.published_date == t0
    assert made.completed_date == t0 + timedelta(hours=1) and made.scheduled_description == ""
    assert (made.in_progress_description, made.completed_description) == ("doing", "done") and made.is_backfilled is True
    assert statuses(api, page.data.id)["Login"] == "operational"
    headers = {"DD-API-KEY": client.configuration.api_key["apiKeyAuth"], "DD-APPLICATION-KEY": client.configuration.api_key["appKeyAuth"]}

    def rejected(updates: list[dict[str, Any]], page_id: Any = page.data.id) -> tuple[int, str]:
        with server.http() as http:  # the JS client sends any count, so the server checks it
            response = http.post(f"/api/v2/statuspages/{page_id}/maintenances/backfill", headers=headers,
                                 json={"data": {"type": "maintenances", "attributes": {"title": "Past", "updates": updates}}})
        return response.status_code, response.json()["errors"][0]["detail"]

    assert rejected(good[:1]) == (400, "a backfilled maintenance needs exactly 2 updates (in_progress, then completed), got 1")
    assert rejected([good[1], good[0]])[1] == "a backfilled maintenance's updates must be in_progress, then completed"
    swapped = [dict(good[0], started_at=iso(t0 + timedelta(hours=2))), good[1]]
    assert rejected(swapped)[1] == "the completed update must start after the in_progress update"
    future = [good[0], dict(good[1], started_at=iso(datetime.now(UTC) + timedelta(days=1)))]
    assert "future" in rejected(future)[1]
    assert rejected(good, page_id=uuid.uuid4())[0] == 404
    unknown = [dict(good[0], components_affected=[{"id": str(uuid.uuid4()), "status": "maintenance"}]), good[1]]
    assert rejected(unknown)[0] == 400
    group = [dict(good[0], components_affected=[{"id": str(page.data.attributes.components[0].id), "status": "maintenance"}]), good[1]]
    assert "group" in rejected(group)[1]


def test_backfilled_degradation(client: ApiClient, server: Server) -> None:
    api = StatusPagesApi(client)
    page = new_page(api, client)
    login = str(page.data.attributes.components[0].components[0].id)
    t0 = datetime.now(UTC) - timedelta(days=1)
    timeline = [{"started_at": iso(t0 + timedelta(minutes=i * 10)), "status": s, "description": s,
                 "components_affected": [{"id": login, "status": "operational" if s == "resolved" else "major_outage"}]}
                for i, s in enumerate(["investigating", "identified", "resolved"])]
    cls = next(v for v in vars(backfill_degradation_req).values() if isinstance(v, type) and v.__module__ == backfill_degradation_req.__name__)
    made = api.create_backfilled_degradation(page.data.id, body=validate_and_convert_types(
        {"data": {"type": "degradations", "attributes": {"title": "Past API Outage", "updates": timeline}}}, (cls,), ["body"], True, True, client.configuration))
    a = made.data.attributes
    assert a.created_at == t0 and str(a.status) == "resolved" and str(a.components_affected[0].status) == "operational"
    assert [str(u.status) for u in a.updates] == ["investigating", "identified", "resolved"] and a.is_backfilled is True
    assert statuses(api, page.data.id)["Login"] == "operational"
    headers = {"DD-API-KEY": client.configuration.api_key["apiKeyAuth"], "DD-APPLICATION-KEY": client.configuration.api_key["appKeyAuth"]}

    def rejected(updates: list[dict[str, Any]]) -> str:
        with server.http() as http:
            response = http.post(f"/api/v2/statuspages/{page.data.id}/degradations/backfill", headers=headers,
                                 json={"data": {"type": "degradations", "attributes": {"title": "x", "updates": updates}}})
        assert response.status_code == 400, response.text
        return response.json()["errors"][0]["detail"]

    assert "at least one update" in rejected([])
    assert "must be resolved" in rejected(timeline[:2])
    assert "time order" in rejected([timeline[1], timeline[0], timeline[2]])
    assert "future" in rejected([*timeline[:2], dict(timeline[2], started_at=iso(datetime.now(UTC) + timedelta(hours=1)))])


def test_templates(client: ApiClient) -> None:
    api = StatusPagesApi(client)
    page = new_page(api, client)
    page_id = page.data.id
    login = str(page.data.attributes.components[0].components[0].id)
    dt = api.create_degradation_template(page_id, body=model(degradation_template_req, {"data": {"type": "degradation_templates", "attributes": {
        "name": "Outage", "degradation_title": "Login down", "components_affected": [{"id": login, "status": "major_outage"}],
        "updates": [{"status": "investigating", "message": "We are looking"}]}}}, client))
    assert dt.data.attributes.name == "Outage" and dt.data.attributes.created_at is not None
    dt_id = UUID(str(dt.data.id))
    assert [str(t.id) for t in api.list_degradation_templates(page_id).data] == [str(dt.data.id)]
    renamed = api.update_degradation_template(dt_id, page_id, body=model(degradation_template_patch, {"data": {"type": "degradation_templates", "id": str(dt.data.id), "attributes": {"name": "Big outage"}}}, client))
    assert renamed.data.attributes.name == "Big outage" and renamed.data.attributes.degradation_title == "Login down"
    assert api.get_degradation_template(page_id, dt_id).data.attributes.name == "Big outage"
    api.delete_degradation_template(page_id, dt_id)
    with pytest.raises(NotFoundException):
        api.get_degradation_template(page_id, dt_id)
    mt = api.create_maintenance_template(page_id, body=model(maintenance_template_req, {"data": {"type": "maintenance_templates", "attributes": {
        "name": "Upgrade", "maintenance_title": "DB upgrade", "component_ids": [login], "scheduled_description": "s",
        "in_progress_description": "i", "completed_description": "c"}}}, client))
    assert mt.data.attributes.component_ids == [login]
    mt_id = UUID(str(mt.data.id))
    changed = api.update_maintenance_template(page_id, mt_id, body=model(maintenance_template_patch, {"data": {"type": "maintenance_templates", "id": str(mt.data.id), "attributes": {"completed_description": "all done"}}}, client))
    assert changed.data.attributes.completed_description == "all done" and changed.data.attributes.name == "Upgrade"
    assert api.get_maintenance_template(page_id, mt_id, include="status_page").included[0].id == page_id
    assert len(api.list_maintenance_templates(page_id).data) == 1
    api.delete_maintenance_template(page_id, mt_id)
    assert api.list_maintenance_templates(page_id).data == []


def test_permissions(server: Server, client: ApiClient) -> None:
    page = new_page(StatusPagesApi(client), client)
    reader = server.create_keys("--org", f"sp-{uuid.uuid4().hex[:8]}", "--email", "reader@example.com", "--permission", "status_pages_settings_read")
    settings = server.create_keys("--org", f"sp-{uuid.uuid4().hex[:8]}", "--email", "settings@example.com",
                                  "-p", "status_pages_settings_read", "-p", "status_pages_settings_write")
    with ApiClient(configuration(server, *reader)) as c:
        api = StatusPagesApi(c)
        assert api.list_status_pages().data == []  # another org's page is not visible
        with pytest.raises(ForbiddenException):
            new_page(api, c)
    with ApiClient(configuration(server, *settings)) as c:
        api = StatusPagesApi(c)
        mine = new_page(api, c)
        with pytest.raises(ForbiddenException) as denied:
            api.create_degradation(mine.data.id, body=model(degradation_req, {"data": {"type": "degradations", "attributes": {"title": "x", "status": "investigating", "components_affected": []}}}, c))
        assert "status_pages_incident_write" in errors(denied.value)[0]["detail"]
        with pytest.raises(NotFoundException):
            api.get_status_page(page.data.id)


def test_public_page_people_read(client: ApiClient, server: Server) -> None:
    api = StatusPagesApi(client)
    page = new_page(api, client, type="public", name="Acme <Status>")
    prefix = page.data.attributes.domain_prefix
    login = page.data.attributes.components[0].components[0].id
    assert page.data.attributes.page_url.endswith(f"/status/{prefix}")
    with server.http() as http:
        assert http.get(f"/status/{prefix}").status_code == 404  # not published yet
        api.publish_status_page(page.data.id)
        calm = http.get(f"/status/{prefix}", headers={"DD-API-KEY": ""})
        assert calm.status_code == 200 and "All systems operational" in calm.text
        assert "Acme &lt;Status&gt;" in calm.text  # escaped
        api.create_degradation(page.data.id, body=model(degradation_req, {"data": {"type": "degradations", "attributes": {
            "title": "Login is slow", "status": "identified", "description": "a bad deploy",
            "components_affected": [{"id": str(login), "status": "partial_outage"}]}}}, client))
        troubled = http.get(f"/status/{prefix}").text
        assert "Some systems are affected" in troubled and "Login is slow" in troubled and "partial outage" in troubled
        api.unpublish_status_page(page.data.id)
        assert http.get(f"/status/{prefix}").status_code == 404
