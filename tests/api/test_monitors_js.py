"""The official TypeScript/JavaScript client (`@datadog/datadog-api-client`) against recess:
monitor create, get, search, group search, validate and can_delete (tests/js/monitors.js).

The JS client is stricter than the Python one where it matters: a response missing a required
field makes the whole call throw. Needs Node.js and the client from the npm registry: the
package is installed into tests/js/node_modules on first use; without node or npm (or without
the registry) these tests are skipped, saying why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.v1.api.monitors_api import MonitorsApi
from datadog_api_client.v1.model.monitor import Monitor
from datadog_api_client.v1.model.monitor_options import MonitorOptions
from datadog_api_client.v1.model.monitor_thresholds import MonitorThresholds
from datadog_api_client.v1.model.monitor_type import MonitorType
from datadog_api_client.v2.api.downtimes_api import DowntimesApi
from datadog_api_client.v2.model.downtime_monitor_identifier_id import DowntimeMonitorIdentifierId

from tests.api.conftest import configuration
from tests.api.test_downtimes_v2 import create_body
from tests.conftest import Server

JS = Path(__file__).resolve().parents[1] / "js"
PACKAGE = JS / "node_modules" / "@datadog" / "datadog-api-client" / "package.json"


@pytest.fixture(scope="session")
def node() -> str:
    """The node binary, once the JS client is installed (from tests/js/package.json)."""
    found = shutil.which("node")
    if found is None:
        pytest.skip("Node.js is not installed: the TypeScript client's tests need `node` (18 or later)")
    if not PACKAGE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: cannot install @datadog/datadog-api-client for the TypeScript client's tests")
        try:
            done = subprocess.run([npm, "install", "--no-audit", "--no-fund"], cwd=JS, capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            pytest.skip("npm install of @datadog/datadog-api-client took over 10 minutes")
        if done.returncode != 0 or not PACKAGE.exists():
            pytest.skip(f"could not install @datadog/datadog-api-client from the npm registry: {done.stderr.strip()[-500:]}")
    return found


def run_js(node: str, server: Server, api_key: str, app_key: str, **values: object) -> dict[str, Any]:
    env = {**os.environ, "RECESS_URL": server.url, "DD_API_KEY": api_key, "DD_APP_KEY": app_key,
           **{k: str(v) for k, v in values.items()}}
    done = subprocess.run([node, str(JS / "monitors.js")], cwd=JS, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_monitor_calls_through_the_js_client(node: str, server: Server) -> None:
    api_key, app_key = server.create_keys("--org", f"monjs-{uuid.uuid4().hex[:8]}", "--email", "sre@example.com", "--admin")
    with ApiClient(configuration(server, api_key, app_key)) as client:
        monitors = MonitorsApi(client)
        cpu = monitors.create_monitor(body=Monitor(
            name="CPU high", type=MonitorType.METRIC_ALERT, query="avg(last_5m):avg:system.cpu.user{env:prod} by {host} > 90",
            tags=["team:sre"], options=MonitorOptions(thresholds=MonitorThresholds(critical=90.0))))
        other = monitors.create_monitor(body=Monitor(
            name="API up", type=MonitorType.SERVICE_CHECK, query='"http.ok".over("*").last(1).count_by_status()', tags=["team:web"]))
        with server.http() as http:
            reported = http.post(f"/api/v1/monitor/{cpu.id}/state", headers=server.headers(api_key, app_key),
                                 json={"groups": [{"name": "host:web-1", "status": "Alert", "tags": ["host:web-1"]}]})
            assert reported.status_code == 200
        DowntimesApi(client).create_downtime(body=create_body("*", monitor_identifier=DowntimeMonitorIdentifierId(monitor_id=cpu.id)))

    out = run_js(node, server, api_key, app_key, MONITOR_ID=cpu.id, OTHER_ID=other.id)

    created = out["create"]["ok"]
    assert created["type"] == "query alert" and created["draftStatus"] == "published" and not created["unparsed"]
    assert created["assets"] == [{"category": "runbook", "name": "Runbook", "url": "/notebooks/7", "resourceType": "notebook"}]
    got = out["get"]["ok"]
    assert (got["id"], got["type"], got["overallState"], got["unparsed"]) == (cpu.id, "query alert", "Alert", False)

    alert = out["searchAlert"]["ok"]
    assert alert["ids"] == [cpu.id] and alert["statuses"] == ["Alert"] and not alert["unparsed"]
    assert alert["metadata"]["page"] == 0 and alert["metadata"]["totalCount"] == 1 and alert["metadata"]["perPage"] == 30
    assert out["searchMuted"]["ok"]["ids"] == [cpu.id]
    everything = out["searchAll"]["ok"]
    assert sorted(everything["ids"]) == sorted([cpu.id, other.id, created["id"]])
    assert dict(map(tuple, everything["counts"]["muted"])) == {False: 2, True: 1}
    assert dict(map(tuple, everything["counts"]["type"])) == {"metric": 2, "custom": 1}
    for bad in ("searchBad", "groupsBad"):
        assert out[bad]["code"] == 400 and out[bad]["body"] == {"errors": ["Query parsing error: 'notastatus' is not a valid monitor status"]}

    groups = out["groups"]["ok"]
    assert not groups["unparsed"] and groups["total"] == 1
    [group] = groups["groups"]
    assert (group["monitorId"], group["group"], group["status"], group["muted"]) == (cpu.id, "host:web-1", "Alert", True)
    assert group["lastTriggeredTs"] > 0

    assert out["validate"] == {"ok": {}} and out["validateExisting"] == {"ok": {}}
    assert out["validateBad"]["code"] == 400
    assert out["validateBad"]["body"]["errors"][0].startswith("The value provided for parameter 'query' is invalid")
    assert out["canDeleteOther"]["ok"]["data"]["ok"] == [other.id]
    # The JS client reads can_delete's 409 as an answer (its spec lists 409 with the same body).
    named = out["canDeleteNamed"]["ok"]
    assert named["data"]["ok"] == [other.id] and list(named["errors"]) == [str(cpu.id)]
    assert named["errors"][str(cpu.id)][0].startswith("downtime ")
