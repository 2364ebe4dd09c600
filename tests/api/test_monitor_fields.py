"""Monitor list filters, assets, draft status and `query alert`, through the official client."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v1.api.monitors_api import MonitorsApi
from datadog_api_client.v1.model.monitor import Monitor
from datadog_api_client.v1.model.monitor_asset import MonitorAsset
from datadog_api_client.v1.model.monitor_asset_category import MonitorAssetCategory
from datadog_api_client.v1.model.monitor_asset_resource_type import MonitorAssetResourceType
from datadog_api_client.v1.model.monitor_draft_status import MonitorDraftStatus
from datadog_api_client.v1.model.monitor_options import MonitorOptions
from datadog_api_client.v1.model.monitor_thresholds import MonitorThresholds
from datadog_api_client.v1.model.monitor_type import MonitorType
from datadog_api_client.v1.model.monitor_update_request import MonitorUpdateRequest

from tests.api.conftest import configuration, errors_of
from tests.api.test_monitors import check_name, post_runs, service_check_monitor
from tests.conftest import Server

QUERY = "avg(current_1mo):avg:system.load.5{host:web-1,env:prod} > 0.5"


@pytest.fixture
def org(server: Server) -> Iterator[ApiClient]:
    api_key, app_key = server.create_keys("--org", f"monf-{uuid.uuid4().hex[:8]}", "--email", "sre@example.com", "--admin")
    with ApiClient(configuration(server, api_key, app_key)) as client:
        yield client


def raw(server: Server, client: ApiClient) -> httpx.Client:
    keys = client.configuration.api_key
    return httpx.Client(base_url=server.url, timeout=30, headers={"DD-API-KEY": keys["apiKeyAuth"], "DD-APPLICATION-KEY": keys["appKeyAuth"]})


def metric_monitor(api: MonitorsApi, kind: MonitorType = MonitorType.METRIC_ALERT, **fields: Any) -> Monitor:
    return api.create_monitor(body=Monitor(name="load", type=kind, query=QUERY, options=MonitorOptions(
        thresholds=MonitorThresholds(critical=0.5)), **fields))


def test_list_filters_are_checked(org: ApiClient, server: Server) -> None:
    api = MonitorsApi(org)
    metric_monitor(api, tags=["team:sre"])
    with pytest.raises(ApiException) as states:
        api.list_monitors(group_states="notagroupstate")
    assert states.value.status == 400 and errors_of(states.value) == ["Invalid group_state filters."]
    assert len(api.list_monitors(group_states="alert,no data")) == 1
    with pytest.raises(ApiException) as one:
        api.get_monitor(api.list_monitors()[0].id, group_states="sideways")
    assert errors_of(one.value) == ["Invalid group_state filters."]
    with pytest.raises(ApiException) as tags:
        api.list_monitors(monitor_tags="team:sre,,x")
    assert tags.value.status == 400 and errors_of(tags.value) == ["Invalid monitor_tags filters."]
    with pytest.raises(ApiException) as scope:
        api.list_monitors(tags="host:web 1")
    assert errors_of(scope.value) == ["Invalid tags filters."]
    with pytest.raises(ApiException) as page:
        api.list_monitors(page=-1)
    assert errors_of(page.value) == ["Invalid page: it must be an integer of at least 0."]
    with raw(server, org) as http:  # the client itself refuses a page_size over 1000
        size = http.get("/api/v1/monitor", params={"page": 0, "page_size": 1001})
        assert size.status_code == 400 and size.json() == {"errors": ["Invalid page_size: it must be an integer from 1 to 1000."]}
        offset = http.get("/api/v1/monitor", params={"id_offset": "x"})
        assert offset.json() == {"errors": ["Invalid id_offset: it must be an integer."]}
    # `tags` is the query's scope; `page_size` alone pages nothing (Datadog: all monitors).
    assert len(api.list_monitors(tags="host:web-1,env:prod")) == 1 and api.list_monitors(tags="host:web-2") == []
    metric_monitor(api)
    assert len(api.list_monitors(page_size=1)) == 2 and len(api.list_monitors(page=0, page_size=1)) == 1


def test_assets_and_draft_status_are_stored(org: ApiClient, server: Server) -> None:
    api = MonitorsApi(org)
    runbook = MonitorAsset(category=MonitorAssetCategory.RUNBOOK, name="Monitor Runbook", url="/notebooks/12345",
                           resource_key="12345", resource_type=MonitorAssetResourceType.NOTEBOOK)
    made = metric_monitor(api, assets=[runbook])
    assert not made._unparsed
    assert made.draft_status == MonitorDraftStatus.PUBLISHED
    [asset] = made.assets
    assert (asset.category, asset.name, asset.url, asset.resource_key, asset.resource_type) == (
        MonitorAssetCategory.RUNBOOK, "Monitor Runbook", "/notebooks/12345", "12345", MonitorAssetResourceType.NOTEBOOK)
    assert made.to_dict()["assets"][0]["monitor_id"] == made.id  # as Datadog answers it
    drafted = api.update_monitor(made.id, body=MonitorUpdateRequest(draft_status=MonitorDraftStatus.DRAFT))
    assert drafted.draft_status == MonitorDraftStatus.DRAFT and drafted.assets[0].url == "/notebooks/12345"
    got = api.get_monitor(made.id)
    assert got.draft_status == MonitorDraftStatus.DRAFT and [a.name for a in got.assets] == ["Monitor Runbook"]
    cleared = api.update_monitor(made.id, body=MonitorUpdateRequest(assets=[]))
    assert cleared.assets == [] and cleared.draft_status == MonitorDraftStatus.DRAFT
    with raw(server, org) as http:
        for body, message in [
            ({"assets": [{"category": "docs", "name": "x", "url": "/x"}]}, "Invalid value for assets[0].category: 'docs' is not one of ['runbook']"),
            ({"assets": [{"category": "runbook", "url": "/x"}]}, "'name' is a required property of assets[0]"),
            ({"assets": [{"category": "runbook", "name": "x", "url": "javascript:alert(1)"}]},
             "Invalid value for assets[0].url: 'javascript:alert(1)' is not a URL: give a full http(s) URL or a path starting with /"),
            ({"draft_status": "sketch"}, "Invalid value for draft_status: 'sketch' is not one of ['draft', 'published']"),
        ]:
            refused = http.put(f"/api/v1/monitor/{made.id}", json=body)
            assert refused.status_code == 400 and refused.json() == {"errors": [message]}, body


def test_a_draft_monitor_notifies_no_one(org: ApiClient, server: Server) -> None:
    api = MonitorsApi(org)
    check = check_name()
    published = service_check_monitor(api, check)
    draft = api.create_monitor(body=Monitor(
        name="draft", type=MonitorType.SERVICE_CHECK, query=f'"{check}".over("env:prod").by("host").last(2).count_by_status()',
        draft_status=MonitorDraftStatus.DRAFT, options=MonitorOptions(thresholds=MonitorThresholds(critical=1, ok=1, warning=1))))
    post_runs(org, check, 2, ["web-1"])
    with raw(server, org) as http:
        def notes(monitor: Monitor) -> list[Any]:
            return http.get(f"/api/v1/monitor/{monitor.id}/notifications").json()["data"]

        assert len(notes(published)) == 1
        assert notes(draft) == []  # it evaluates (its group alerts) but sends nothing
    assert str(api.get_monitor(draft.id).overall_state) == "Alert"


def test_query_alert_is_a_metric_monitor(org: ApiClient, server: Server) -> None:
    api = MonitorsApi(org)
    by_metric_alert = metric_monitor(api)
    by_query_alert = metric_monitor(api, kind=MonitorType.QUERY_ALERT)
    assert by_metric_alert.type == MonitorType.QUERY_ALERT and by_query_alert.type == MonitorType.QUERY_ALERT
    assert api.get_monitor(by_metric_alert.id).type == MonitorType.QUERY_ALERT
    # Either name is the same type: editing with the other one is no change of type.
    renamed = api.update_monitor(by_query_alert.id, body=MonitorUpdateRequest(type=MonitorType.METRIC_ALERT, name="renamed"))
    assert renamed.name == "renamed" and renamed.type == MonitorType.QUERY_ALERT
    with pytest.raises(ApiException) as changed:
        api.update_monitor(by_query_alert.id, body=MonitorUpdateRequest(type=MonitorType.SERVICE_CHECK))
    assert errors_of(changed.value) == ["A monitor's type cannot be changed"]
    with raw(server, org) as http:
        reported = http.post(f"/api/v1/monitor/{by_query_alert.id}/state", json={"groups": [{"name": "host:web-1", "status": "Alert"}]})
        assert reported.status_code == 200 and reported.json()["overall_state"] == "Alert"
        bad = http.post("/api/v1/monitor", json={"type": "query alert", "query": "avg(last_5m):avg:system.load.5{*}"})
        assert bad.status_code == 400 and "comparison" in bad.json()["errors"][0]
