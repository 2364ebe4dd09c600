"""A status page's owner speaking the management API with plain HTTP, for the public page's
tests (API and browser): pages with a group and components, backfilled history."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.conftest import Server

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32).decode()


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class Admin:
    """An org of its own on the server, speaking the management API with plain HTTP."""

    def __init__(self, server: Server) -> None:
        api_key, app_key = server.create_keys("--org", f"pub-{uuid.uuid4().hex[:8]}", "--email", "pub@example.com", "--admin")
        self.http = httpx.Client(base_url=server.url, headers=server.headers(api_key, app_key), timeout=30)

    def call(self, method: str, path: str, attributes: dict[str, Any] | None = None, kind: str = "", id: str | None = None) -> Any:
        body = None if attributes is None else {"data": {"type": kind, "attributes": attributes, **({"id": id} if id else {})}}
        response = self.http.request(method, f"/api/v2/statuspages{path}", json=body)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def page(self, visualization: str = "bars_and_uptime_percentage", publish: bool = True, **extra: Any) -> dict[str, Any]:
        made = self.call("POST", "", {
            "name": "Acme", "domain_prefix": f"acme-{uuid.uuid4().hex[:10]}", "type": "public", "visualization_type": visualization,
            "components": [{"name": "Application", "type": "group", "components": [
                {"name": "Login", "type": "component"}, {"name": "Settings", "type": "component"}]},
                {"name": "API", "type": "component"}], **extra}, "status_pages")["data"]
        if publish:
            self.call("POST", f"/{made['id']}/publish")
        group, api = made["attributes"]["components"]
        made["ids"] = {"Application": group["id"], "Login": group["components"][0]["id"],
                       "Settings": group["components"][1]["id"], "API": api["id"]}
        return made

    def backfill_outage(self, page: dict[str, Any], title: str, component: str, status: str, start: datetime, hours: float) -> str:
        updates = [
            {"started_at": iso(start), "status": "investigating", "description": f"{title}: looking",
             "components_affected": [{"id": page["ids"][component], "status": status}]},
            {"started_at": iso(start + timedelta(hours=hours)), "status": "resolved", "description": f"{title}: fixed",
             "components_affected": [{"id": page["ids"][component], "status": "operational"}]}]
        return str(self.call("POST", f"/{page['id']}/degradations/backfill", {"title": title, "updates": updates}, "degradations")["data"]["id"])

    def backfill_maintenance(self, page: dict[str, Any], title: str, component: str, start: datetime, hours: float) -> str:
        updates = [
            {"started_at": iso(start), "status": "in_progress", "description": "working",
             "components_affected": [{"id": page["ids"][component], "status": "maintenance"}]},
            {"started_at": iso(start + timedelta(hours=hours)), "status": "completed", "description": "done",
             "components_affected": [{"id": page["ids"][component], "status": "operational"}]}]
        return str(self.call("POST", f"/{page['id']}/maintenances/backfill", {"title": title, "updates": updates}, "maintenances")["data"]["id"])
