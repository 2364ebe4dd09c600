"""Several `recess serve` processes sharing one PostgreSQL database share the work safely."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tests import receiver as receivers
from tests.conftest import BACKENDS, Server, free_port, launch
from tests.receiver import Receiver

pytestmark = pytest.mark.skipif("postgresql" not in BACKENDS, reason="several processes share PostgreSQL only")


@pytest.fixture(scope="module")
def pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    first = launch("postgresql", tmp_path_factory.mktemp("recess-pair-a"), request)
    second = replace(first, url=f"http://127.0.0.1:{free_port()}", process=None, log_path=tmp_path_factory.mktemp("recess-pair-b") / "server.log")
    second.start()
    yield first, second
    second.stop()
    first.stop()


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    yield from receivers.running()


def test_two_processes_share_downtimes_schedules_and_deliveries(pair: tuple[Server, Server], receiver: Receiver) -> None:
    a, b = pair
    hook = f"pair-{uuid.uuid4().hex[:6]}"
    check = f"pair.check.{uuid.uuid4().hex[:6]}"
    with a.http() as http_a, b.http() as http_b:
        http_a.post("/api/v1/integration/webhooks/configuration/webhooks", json={"name": hook, "url": f"{receiver.url}/{hook}"}).raise_for_status()
        monitor = http_a.post("/api/v1/monitor", json={
            "name": "pair", "type": "service check", "message": f"@webhook-{hook}",
            "query": f'"{check}".over("*").by("host").last(1).count_by_status()'}).json()
        # A downtime written through B mutes a check run posted to A.
        end = datetime.now(UTC) + timedelta(seconds=3)
        made = http_b.post("/api/v2/downtime", json={"data": {"type": "downtime", "attributes": {
            "scope": "host:h1", "monitor_identifier": {"monitor_tags": ["*"]}, "schedule": {"end": end.isoformat()}}}})
        assert made.status_code == 200, made.text
        # No wait: another process's committed downtime is seen by its very next mute decision.
        http_a.post("/api/v1/check_run", json={"check": check, "host_name": "h1", "status": 2}).raise_for_status()
        http_b.post("/api/v1/check_run", json={"check": check, "host_name": "h2", "status": 2}).raise_for_status()
        for host in range(3, 9):  # more deliveries, posted to both processes
            (http_a if host % 2 else http_b).post("/api/v1/check_run", json={"check": check, "host_name": f"h{host}", "status": 2}).raise_for_status()
        notes = http_a.get(f"/api/v1/monitor/{monitor['id']}/notifications").json()["data"]
        assert [n["muted"] for n in notes if n["group"] == "host:h1"] == [True]
        # The downtime expires: both schedulers run, one handles it, and the group is notified once.
        receiver.wait(f"/{hook}", 8, timeout=10)  # 7 alerts + the end-of-downtime notice
        receiver.quiet(f"/{hook}", a.settle, b.settle)  # and nothing more, from either process
    bodies = [r.json() for r in receiver.at(f"/{hook}")]
    keys = [r.headers["idempotency-key"] for r in receiver.at(f"/{hook}")]
    assert len(keys) == len(set(keys)) == 8  # 7 alerts + 1 end-of-downtime notice, each once
    assert sum("h1" in b["title"] for b in bodies) == 1  # only its end-of-downtime notice: the alert was muted
