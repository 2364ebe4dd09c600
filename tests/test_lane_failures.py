"""A lane that fails answers as the routes' error handlers do (core.lanes sits in front of
them): a database that is unavailable is a 503 with Retry-After, anything else a 500 in the
path's error shape, never the server's plain-text page. A lane that may take long does not
hold up the event loop."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from recess.app import create_app
from recess.settings import Settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'lanes.db'}", api_key="lanes-api-key-000000",
                        app_key="lanes-app-key-0000000")
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        test_client.headers.update({"DD-API-KEY": settings.api_key or "", "DD-APPLICATION-KEY": settings.app_key or ""})
        yield test_client


def _fail_lanes(client: TestClient, error: Exception) -> None:
    services = client.app.state.services  # type: ignore[attr-defined]

    async def fail(*_args: Any) -> bytes | None:
        raise error

    services.lanes[:] = [replace(lane, answer=fail) for lane in services.lanes]
    client.app.lanes._bound = None  # type: ignore[attr-defined]  # bind the failing lanes


def test_an_unavailable_database_is_a_503(client: TestClient) -> None:
    made = client.post("/api/v2/downtime", json={"data": {"type": "downtime", "attributes": {
        "scope": "env:x", "monitor_identifier": {"monitor_tags": ["*"]}}}})
    assert made.status_code == 200, made.text
    _fail_lanes(client, OperationalError("SELECT 1", {}, Exception("database is locked")))
    answer = client.get(f"/api/v2/downtime/{made.json()['data']['id']}")
    assert answer.status_code == 503 and answer.headers["retry-after"]
    assert answer.json()["errors"] and "x-ratelimit-name" in answer.headers and "x-recess-version" in answer.headers


def test_any_other_failure_is_a_500_in_the_paths_shape(client: TestClient) -> None:
    client.post("/api/v2/downtime", json={"data": {"type": "downtime", "attributes": {
        "scope": "env:x", "monitor_identifier": {"monitor_tags": ["*"]}}}}).raise_for_status()
    _fail_lanes(client, RuntimeError("a bug"))
    answer = client.post("/api/v2/downtime", json={"data": {"type": "downtime", "attributes": {
        "scope": "env:y", "monitor_identifier": {"monitor_tags": ["*"]}}}})
    assert answer.status_code == 500
    assert answer.json() == {"errors": ["Internal Server Error"]}
    metrics = client.get("/metrics").text
    assert 'recess_http_requests_total{method="POST",route="/api/v2/downtime",status="500"} 1.0' in metrics, metrics


def test_a_slow_matches_read_does_not_hold_up_other_requests(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The matches lane matches in a worker thread: while one read waits there, the event loop
    answers others."""
    import threading

    from recess.downtimes.matches import MonitorMatches

    made = client.post("/api/v1/monitor", json={
        "name": "m", "type": "service check", "query": '"c".over("*").by("host").last(1).count_by_status()',
        "options": {"thresholds": {"ok": 1, "warning": 1, "critical": 1}}})
    assert made.status_code == 200, made.text
    path = f"/api/v2/monitor/{made.json()['id']}/downtime_matches"
    assert client.get(path).status_code == 200  # the key pair is cached: the lane answers from here on
    release, entered = threading.Event(), threading.Event()
    of = MonitorMatches.of

    def slow_of(self: MonitorMatches, *args: Any) -> Any:
        entered.set()
        release.wait(10)
        return of(self, *args)

    monkeypatch.setattr(MonitorMatches, "of", slow_of)
    slow: dict[str, Any] = {}
    reader = threading.Thread(target=lambda: slow.update(answer=client.get(path, params={"page[limit]": "5"})))
    reader.start()
    assert entered.wait(10)
    timer = threading.Timer(3, release.set)  # the slow read ends in 3 s whatever happens
    timer.start()
    other = client.get("/healthz")  # behind a read on the event loop, it would wait for the timer
    answered_while_waiting = not release.is_set()
    reader.join(15)
    timer.cancel()
    assert other.status_code == 200 and answered_while_waiting
    assert slow["answer"].status_code == 200 and slow["answer"].json()["data"] == []
