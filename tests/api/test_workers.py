"""`recess serve --workers 2` on SQLite: every core serves requests, one process runs the loops.

Both processes answer; exactly one runs the scheduler and the deliverer (the other stands by);
200 concurrent writers all succeed (they wait for SQLite's lock instead of failing); a downtime
written through either process ends with its notice sent once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests import receiver as receivers
from tests.conftest import Server, launch
from tests.receiver import Receiver


@pytest.fixture(scope="module")
def workers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = launch("sqlite", tmp_path_factory.mktemp("recess-workers"), request)
    srv.stop()
    srv = replace(srv, process=None, args=("--workers", "2"))
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    yield from receivers.running()


def test_two_processes_answer_and_one_runs_the_loops(workers: Server) -> None:
    seen: dict[int, str] = {}
    for _ in range(200):  # new connections: the kernel spreads them over both processes
        with httpx.Client(base_url=workers.url, timeout=10) as http:
            body = http.get("/readyz").json()
        assert body["status"] == "ready", body
        seen[body["process"]] = body["checks"]["scheduler"]["detail"]
        if len(seen) == 2:
            break
    assert len(seen) == 2, seen
    assert sorted("standing by" in detail for detail in seen.values()) == [False, True], seen


def test_two_hundred_concurrent_writers_all_succeed(workers: Server) -> None:
    def create(i: int) -> int:
        with httpx.Client(base_url=workers.url, headers=workers.headers(), timeout=60) as http:
            return http.post("/api/v2/downtime", json={"data": {"type": "downtime", "attributes": {
                "scope": f"host:w{i}", "monitor_identifier": {"monitor_tags": ["*"]}}}}).status_code

    with ThreadPoolExecutor(max_workers=200) as pool:
        statuses = list(pool.map(create, range(200)))
    assert statuses == [200] * 200


def test_a_downtime_end_is_notified_once(workers: Server, receiver: Receiver) -> None:
    hook, check = f"w-{uuid.uuid4().hex[:6]}", f"w.check.{uuid.uuid4().hex[:6]}"
    with workers.http() as http:
        http.post("/api/v1/integration/webhooks/configuration/webhooks",
                  json={"name": hook, "url": f"{receiver.url}/{hook}"}).raise_for_status()
        http.post("/api/v1/monitor", json={"name": "w", "type": "service check", "message": f"@webhook-{hook}",
                                           "query": f'"{check}".over("*").by("host").last(1).count_by_status()'}).raise_for_status()
        end = datetime.now(UTC) + timedelta(seconds=2)
        http.post("/api/v2/downtime", json={"data": {"type": "downtime", "attributes": {
            "scope": "host:h1", "monitor_identifier": {"monitor_tags": ["*"]}, "schedule": {"end": end.isoformat()},
            "notify_end_types": ["expired"]}}}).raise_for_status()
        http.post("/api/v1/check_run", json={"check": check, "host_name": "h1", "status": 2}).raise_for_status()  # muted
        ends = receiver.wait(f"/{hook}", 1, timeout=15)
        # A later, unmuted alert is delivered after the end notice: had a second scheduler sent
        # the notice again, it would be here by now too.
        http.post("/api/v1/check_run", json={"check": check, "host_name": "h2", "status": 2}).raise_for_status()
        got = receiver.wait(f"/{hook}", 2, timeout=15)
    assert len(ends) >= 1
    keys = [r.headers["idempotency-key"] for r in got]
    assert len(keys) == len(set(keys)) == 2, [r.body for r in got]
