"""One of each kind of object recess stores, made over HTTP, and the ids a fuzzer's requests need."""

from __future__ import annotations

import secrets
import time
from typing import Any

import httpx


def seed(http: httpx.Client, answers: list[httpx.Response] | None = None) -> dict[str, str]:
    """Objects of every kind, and the path parameter values that name them; each answer is added
    to `answers` (to be checked against the document: these creates are the valid requests a
    fuzzer rarely makes)."""

    def _ok(answer: httpx.Response) -> dict[str, Any]:
        assert answer.status_code in (200, 201, 202), (answer.request.method, answer.request.url, answer.status_code, answer.text)
        if answers is not None:
            answers.append(answer)
        return answer.json()  # type: ignore[no-any-return]

    tag = secrets.token_hex(3)
    now = int(time.time())
    # A monitor evaluated outside recess: its state reports make transitions, and so events.
    monitor = _ok(http.post("/api/v1/monitor", json={
        "name": f"seed {tag}", "type": "metric alert", "query": "avg(last_5m):avg:system.cpu.user{env:seed} by {host} > 90",
        "message": "@webhook-seed", "tags": ["env:seed"], "options": {"thresholds": {"critical": 90}}}))
    _ok(http.post(f"/api/v1/monitor/{monitor['id']}/state",
                  json={"groups": [{"name": "host:h1", "status": "Alert", "tags": ["host:h1", "env:seed"]}]}))
    webhook = _ok(http.post("/api/v1/integration/webhooks/configuration/webhooks",
                            json={"name": f"seed-{tag}", "url": "https://example.com/hook"}))
    v1 = _ok(http.post("/api/v1/downtime", json={"scope": ["env:seed"], "monitor_id": monitor["id"], "end": now + 3600}))
    v2 = _ok(http.post("/api/v2/downtime", json={"data": {"type": "downtime", "attributes": {
        "scope": "env:seed", "monitor_identifier": {"monitor_tags": ["env:seed"]},
        "schedule": {"start": None, "end": None}}}}))
    _ok(http.patch(f"/api/v2/downtime/{v2['data']['id']}", json={"data": {"id": v2["data"]["id"], "type": "downtime",
                                                                          "attributes": {"message": "seeded"}}}))
    _ok(http.post("/api/v2/downtime/preview", json={"data": {"type": "downtime", "attributes": {
        "scope": "env:seed", "monitor_identifier": {"monitor_tags": ["*"]}}}}))
    _ok(http.post("/api/v1/downtime", json={"scope": [f"seed:{tag}"], "end": now + 3600}))
    _ok(http.post("/api/v1/downtime/cancel/by_scope", json={"scope": f"seed:{tag}"}))
    page = _ok(http.post("/api/v2/statuspages", json={"data": {"type": "status_pages", "attributes": {
        "name": "Seed", "domain_prefix": f"seed-{tag}", "type": "public", "visualization_type": "bars_only",
        "components": [{"name": "API", "type": "component"},
                       {"name": "Group", "type": "group", "components": [{"name": "Web", "type": "component"}]}]}}}))
    page_id = page["data"]["id"]
    component_id = page["data"]["attributes"]["components"][0]["id"]
    degradation = _ok(http.post(f"/api/v2/statuspages/{page_id}/degradations", json={"data": {"type": "degradations", "attributes": {
        "title": "Slow", "status": "investigating", "description": "d",
        "components_affected": [{"id": component_id, "status": "degraded"}]}}}))
    start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 86400))
    end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 90000))
    maintenance = _ok(http.post(f"/api/v2/statuspages/{page_id}/maintenances", json={"data": {"type": "maintenances", "attributes": {
        "title": "Upgrade", "scheduled_description": "s", "in_progress_description": "i", "completed_description": "c",
        "start_date": start, "completed_date": end, "components_affected": [{"id": component_id, "status": "maintenance"}]}}}))
    degradation_template = _ok(http.post(f"/api/v2/statuspages/{page_id}/degradation_templates", json={"data": {
        "type": "degradation_templates", "attributes": {"name": "t", "title": "Slow", "status": "investigating", "description": "d"}}}))
    maintenance_template = _ok(http.post(f"/api/v2/statuspages/{page_id}/maintenance_templates", json={"data": {
        "type": "maintenance_templates", "attributes": {"name": "t", "title": "Upgrade", "scheduled_description": "s",
                                                        "in_progress_description": "i", "completed_description": "c"}}}))
    window = _ok(http.post("/api/v2/maintenance_windows", json={"data": {"type": "maintenance_window", "attributes": {
        "name": "w", "query": "project:SEED", "start_at": start, "end_at": end}}}))
    project = _ok(http.post("/api/v2/cases/projects", json={"data": {"type": "project", "attributes": {
        "key": f"S{tag.upper()}", "name": "Seed"}}}))
    case = _ok(http.post("/api/v2/cases", json={"data": {"type": "case", "attributes": {"title": "c"}, "relationships": {
        "project": {"data": {"id": project["data"]["id"], "type": "project"}}}}}))
    events = _ok(http.get("/api/v1/events", params={"start": now - 3600, "end": now + 3600}))["events"]
    return {
        "monitor_id": str(monitor["id"]), "webhook_name": webhook["name"], "v1_downtime_id": str(v1["id"]),
        "v2_downtime_id": v2["data"]["id"], "page_id": page_id, "component_id": component_id,
        "degradation_id": degradation["data"]["id"], "maintenance_id": maintenance["data"]["id"],
        "degradation_update_id": degradation["data"]["attributes"]["updates"][0]["id"],
        "maintenance_update_id": maintenance["data"]["attributes"]["updates"][0]["id"],
        "degradation_template_id": degradation_template["data"]["id"],
        "maintenance_template_id": maintenance_template["data"]["id"],
        "maintenance_window_id": window["data"]["id"], "case_id": case["data"]["id"], "project_id": project["data"]["id"],
        "event_id": str(events[0]["id"]) if events else "1",
    }
