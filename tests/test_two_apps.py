"""Two apps in one process share nothing: each has its own settings, database, keys, index,
scheduler and error shapes, so nothing is read from a module global at call time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from recess.app import create_app
from recess.settings import Settings


def _client(tmp_path: Path, name: str, public_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / name}.db", api_key=f"{name}-api-key-000000",
                        app_key=f"{name}-app-key-0000000", public_url=public_url, test_clock=True)
    with TestClient(create_app(settings)) as client:
        client.headers.update({"DD-API-KEY": settings.api_key or "", "DD-APPLICATION-KEY": settings.app_key or ""})
        yield client


@pytest.fixture
def first(tmp_path: Path) -> Iterator[TestClient]:
    yield from _client(tmp_path, "first", "https://first.example")


@pytest.fixture
def second(tmp_path: Path) -> Iterator[TestClient]:
    yield from _client(tmp_path, "second", "https://second.example")


def test_settings_keys_and_data_stay_with_their_app(first: TestClient, second: TestClient) -> None:
    # Each app knows only its own keys.
    assert first.get("/api/v1/validate").status_code == 200
    assert first.get("/api/v1/validate", headers={"DD-API-KEY": "second-api-key-000000"}).status_code == 403
    # A monitor and a check run in the first app: its event links use the first app's public URL.
    monitor = first.post("/api/v1/monitor", json={
        "type": "service check", "query": '"app.up".over("*").by("host").last(1).count_by_status()',
        "name": "up", "message": "down"}).json()
    assert first.post("/api/v1/check_run", json={"check": "app.up", "host_name": "h1", "status": 2}).status_code == 202
    events = first.get("/api/v1/events", params={"start": 0, "end": 4_000_000_000}).json()["events"]
    assert events and all(e["url"].startswith("https://first.example/event/event?id=") for e in events)
    # The second app has none of it.
    assert second.get(f"/api/v1/monitor/{monitor['id']}").status_code == 404
    assert second.get("/api/v1/events", params={"start": 0, "end": 4_000_000_000}).json()["events"] == []


def test_error_shapes_and_schedulers_are_per_app(first: TestClient, second: TestClient) -> None:
    # Both apps answer status-page errors as JSON:API objects and v1 errors as strings.
    for client in (first, second):
        page = client.get("/api/v2/statuspages/not-a-uuid")
        assert page.status_code == 400 and isinstance(page.json()["errors"][0], dict)
        downtime = client.get("/api/v1/downtime/not-a-number")
        assert downtime.status_code == 400 and isinstance(downtime.json()["errors"][0], str)
    first_services, second_services = first.app.state.services, second.app.state.services  # type: ignore[attr-defined]
    assert first_services.scheduler is not second_services.scheduler
    assert first_services.db is not second_services.db
    # Each settles on its own scheduler's ticks.
    assert first.post("/api/v1/_recess/settle").json() == {"settled": True}
    assert second.post("/api/v1/_recess/settle").json() == {"settled": True}
