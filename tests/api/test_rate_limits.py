"""Rate limits: Datadog's X-RateLimit-* headers and 429s, per org and limit name, on both
backends; the official client's retry honours them; processes on one PostgreSQL share a limit."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v1.api.service_checks_api import ServiceChecksApi
from datadog_api_client.v1.model.service_check import ServiceCheck
from datadog_api_client.v1.model.service_check_status import ServiceCheckStatus
from datadog_api_client.v1.model.service_checks import ServiceChecks
from fastapi.testclient import TestClient

from recess.app import create_app
from recess.core.ratelimit import window_end
from recess.settings import Settings
from tests.api.conftest import configuration
from tests.conftest import BACKENDS, Server, free_port, pg_database_for

# Long windows where a test counts to the limit (the test makes sure it is not near a window's
# end); a 2 s window where the client must wait one out.
LIMITS = "reads=5/3600,writes=3/3600,public_status=2/3600,check_run=2/2"
HEADERS = ("x-ratelimit-limit", "x-ratelimit-period", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-name")


def launch_limited(backend: str, tmp: Path, request: pytest.FixtureRequest, limits: str) -> Server:
    database_url = f"sqlite:///{tmp / 'recess.db'}" if backend == "sqlite" else pg_database_for(tmp.name, request)
    api_key, app_key = secrets.token_hex(16), secrets.token_hex(20)
    env = {**os.environ, "RECESS_DATABASE_URL": database_url, "RECESS_API_KEY": api_key, "RECESS_APP_KEY": app_key,
           "RECESS_TEST_CLOCK": "1", "RECESS_RATE_LIMITS": limits}
    srv = Server(url=f"http://127.0.0.1:{free_port()}", database_url=database_url, api_key=api_key, app_key=app_key,
                 backend=backend, env=env, log_path=tmp / "server.log")
    srv.start()
    return srv


@pytest.fixture(scope="module", params=BACKENDS)
def limited(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = launch_limited(request.param, tmp_path_factory.mktemp(f"recess-limited-{request.param}"), request, LIMITS)
    yield srv
    srv.stop()


def new_org(srv: Server) -> dict[str, str]:
    """Keys of a fresh org: its counts start at zero."""
    api_key, app_key = srv.create_keys("--org", f"rl-{uuid.uuid4().hex[:8]}", "--admin")
    return {"DD-API-KEY": api_key, "DD-APPLICATION-KEY": app_key}


def away_from_a_window_end(period: int, margin: float = 3.0) -> None:
    """Wait, if need be, so that what follows happens in one window (windows are epoch-aligned)."""
    left = window_end(time.time(), period) - time.time()
    if left < margin:
        time.sleep(left + 0.05)


def rate_headers(answer: httpx.Response) -> dict[str, str]:
    return {name: answer.headers[name] for name in HEADERS}


def exhaust(http: httpx.Client, path: str, limit: int, name: str, period: int = 3600, **kwargs: object) -> httpx.Response:
    """`limit` answers that count down, then the refused one."""
    for remaining in range(limit - 1, -1, -1):
        answer = http.get(path, **kwargs)  # type: ignore[arg-type]
        assert answer.status_code != 429, answer.text
        assert rate_headers(answer) | {"x-ratelimit-reset": "-"} == {
            "x-ratelimit-limit": str(limit), "x-ratelimit-period": str(period), "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-reset": "-", "x-ratelimit-name": name}
    refused = http.get(path, **kwargs)  # type: ignore[arg-type]
    assert refused.status_code == 429, refused.text
    got = rate_headers(refused)
    assert got["x-ratelimit-remaining"] == "0" and got["x-ratelimit-name"] == name
    assert re.fullmatch(r"[1-9]\d*", got["x-ratelimit-reset"]) and int(got["x-ratelimit-reset"]) <= period
    return refused


def test_a_v1_path_is_refused_per_org_with_datadogs_string_errors(limited: Server) -> None:
    away_from_a_window_end(3600)
    first, second = new_org(limited), new_org(limited)
    with httpx.Client(base_url=limited.url, timeout=30) as http:
        refused = exhaust(http, "/api/v1/downtime", 5, "reads", headers=first)
        assert refused.headers["content-type"] == "application/json"
        assert refused.json() == {"errors": ["Too many requests"]}
        assert "x-recess-version" in refused.headers  # measured and marked like every answer
        # Another org, and requests without a key (limited by address), still have their own.
        assert http.get("/api/v1/downtime", headers=second).status_code == 200
        anonymous = http.get("/api/v1/downtime")
        assert anonymous.status_code == 403 and anonymous.headers["x-ratelimit-name"] == "reads"
        # Writes are another limit.
        made = http.post("/api/v1/downtime", headers=first, json={"scope": ["rl:test"]})
        assert made.status_code == 200 and made.headers["x-ratelimit-name"] == "writes", made.text
        assert made.headers["x-ratelimit-remaining"] == "2"
        # Probes and metrics are never limited.
        for path in ("/healthz", "/metrics"):
            free = http.get(path, headers=first)
            assert free.status_code == 200 and "x-ratelimit-name" not in free.headers
        refusals = [line for line in http.get("/metrics").text.splitlines() if line.startswith("recess_rate_limited_total")]
        assert 'recess_rate_limited_total{name="reads"} 1.0' in refusals, refusals


def test_status_page_paths_answer_json_api_errors_and_public_pages_count_per_address(limited: Server) -> None:
    away_from_a_window_end(3600)
    with httpx.Client(base_url=limited.url, timeout=30) as http:
        refused = exhaust(http, "/api/v2/statuspages", 5, "reads", headers=new_org(limited))
        assert refused.headers["content-type"] == "application/vnd.api+json"
        assert refused.json() == {"errors": [{"title": "Generic Error", "detail": "Too many requests"}]}
        # The public page is limited by client address, whatever keys come with the request.
        unknown = f"/status/rl-{uuid.uuid4().hex[:8]}"
        assert http.get(unknown, headers=new_org(limited)).status_code == 404
        assert http.get(unknown, headers=new_org(limited)).status_code == 404
        public = http.get(unknown, headers=new_org(limited))
        assert public.status_code == 429 and public.headers["x-ratelimit-name"] == "public_status"
        assert public.json() == {"errors": ["Too many requests"]}


def service_checks(n: int) -> ServiceChecks:
    return ServiceChecks([ServiceCheck(check="rl.check", host_name=f"h{n}", status=ServiceCheckStatus(0), tags=["env:rl"])])


def test_the_official_client_waits_for_the_reset_and_succeeds(limited: Server) -> None:
    keys = new_org(limited)
    config = configuration(limited, keys["DD-API-KEY"], keys["DD-APPLICATION-KEY"])
    away_from_a_window_end(2, margin=1.5)
    with ApiClient(config) as client:  # without retry, the 429 surfaces with its headers
        api = ServiceChecksApi(client)
        with pytest.raises(ApiException) as refused:
            for n in range(3):
                api.submit_service_check(body=service_checks(n))
        assert refused.value.status == 429
        # A plain dict of the answer's headers, named in lower case as Datadog sends them.
        assert refused.value.headers["x-ratelimit-name"] == "check_run"
        assert 1 <= int(refused.value.headers["x-ratelimit-reset"]) <= 2
    config.enable_retry = True
    with ApiClient(config) as client:
        api = ServiceChecksApi(client)
        started = time.monotonic()
        for n in range(6):  # three windows' worth: at least two waits
            assert api.submit_service_check(body=service_checks(n)).status == "ok"
        assert time.monotonic() - started >= 2
    with httpx.Client(base_url=limited.url, timeout=30) as http:
        counted = re.search(r'^recess_rate_limited_total\{name="check_run"\} (\d+)', http.get("/metrics").text, re.M)
        assert counted and int(counted[1]) >= 3, counted


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="several processes share PostgreSQL only")
def test_two_processes_on_postgresql_share_one_limit(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    first = launch_limited("postgresql", tmp_path_factory.mktemp("recess-rl-a"), request, "reads=6/3600")
    second = replace(first, url=f"http://127.0.0.1:{free_port()}", process=None,
                     log_path=tmp_path_factory.mktemp("recess-rl-b") / "server.log")
    try:
        second.start()
        away_from_a_window_end(3600)
        keys = new_org(first)
        with httpx.Client(base_url=first.url, headers=keys, timeout=30) as a, \
                httpx.Client(base_url=second.url, headers=keys, timeout=30) as b:
            remaining = [(a if n % 2 else b).get("/api/v1/validate").headers["x-ratelimit-remaining"] for n in range(6)]
            assert remaining == ["5", "4", "3", "2", "1", "0"]  # one count, whichever process answers
            assert a.get("/api/v1/validate").status_code == 429
            assert b.get("/api/v1/validate").status_code == 429
    finally:
        second.stop()
        first.stop()


def in_process(tmp_path: Path, limits: str) -> TestClient:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'inproc.db'}", api_key="rl-api-key-0000000000",
                        app_key="rl-app-key-00000000000", rate_limits=limits)
    return TestClient(create_app(settings), headers={"DD-API-KEY": "rl-api-key-0000000000"})


def test_defaults_are_generous_and_off_turns_them_off(tmp_path: Path) -> None:
    with in_process(tmp_path, "") as client:
        answer = client.get("/api/v1/validate")
        assert answer.status_code == 200
        assert answer.headers["x-ratelimit-limit"] == "600000" and answer.headers["x-ratelimit-period"] == "60"
    with in_process(tmp_path, "off") as client:
        answer = client.get("/api/v1/validate")
        assert answer.status_code == 200 and not any(h.startswith("x-ratelimit") for h in answer.headers)


def test_a_bad_setting_stops_the_start_in_one_line(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "RECESS_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "RECESS_RATE_LIMITS": "writes=lots"}
    done = subprocess.run([sys.executable, "-m", "recess", "serve", "--port", str(free_port())],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "RECESS_RATE_LIMITS" in lines[0] and "writes=lots" in lines[0], done.stderr


def test_laned_requests_count_once_and_are_refused_alike(limited: Server) -> None:
    """GET one downtime and a one-time create are answered by lanes (core.lanes) before the
    middleware: each still counts once, carries the headers, and is refused over the limit."""
    away_from_a_window_end(3600)
    org = new_org(limited)
    with httpx.Client(base_url=limited.url, timeout=30, headers=org) as http:
        body = {"data": {"type": "downtime", "attributes": {"scope": "env:rl-lane", "monitor_identifier": {"monitor_tags": ["*"]}}}}
        made = [http.post("/api/v2/downtime", json=body) for _ in range(4)]
        assert [m.status_code for m in made] == [200, 200, 200, 429], [m.text for m in made]
        assert [m.headers["x-ratelimit-remaining"] for m in made] == ["2", "1", "0", "0"]
        assert made[3].json() == {"errors": ["Too many requests"]}
        downtime_id = made[0].json()["data"]["id"]
        refused = exhaust(http, f"/api/v2/downtime/{downtime_id}", 5, "reads")
        assert refused.json() == {"errors": ["Too many requests"]}
        lanes = [line for line in http.get("/metrics").text.splitlines() if line.startswith("recess_lane_answers_total")]
        assert any('method="GET"' in line and not line.endswith(" 0.0") for line in lanes), lanes
