"""What operators rely on, against live servers: /healthz and /readyz, Prometheus /metrics after real
traffic, structured logs without secrets, one-line start-up errors, --version, and links that resolve."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from recess import __version__
from tests import receiver as receivers
from tests.conftest import BACKENDS, PG_ADMIN_URL, Server, free_port, pg_database_for
from tests.receiver import Receiver

needs_postgresql = pytest.mark.skipif("postgresql" not in BACKENDS, reason="PostgreSQL backend not selected")


# --- servers and helpers ---------------------------------------------------------------------------


def clean_env() -> dict[str, str]:
    """The test process's environment without any RECESS_* setting, so each server gets only its own."""
    return {k: v for k, v in os.environ.items() if not k.startswith("RECESS_")}


def database_url(backend: str, tmp: Path, request: pytest.FixtureRequest) -> str:
    return f"sqlite:///{tmp / 'recess.db'}" if backend == "sqlite" else pg_database_for(tmp.name, request)


def make_server(backend: str, tmp: Path, request: pytest.FixtureRequest, db_url: str | None = None, **env: str) -> Server:
    """A Server (not started) whose RECESS_PUBLIC_URL is its own address, so links point at it."""
    db_url = db_url or database_url(backend, tmp, request)
    url = f"http://127.0.0.1:{free_port()}"
    api_key, app_key = secrets.token_hex(16), secrets.token_hex(20)
    full = {**clean_env(), "RECESS_DATABASE_URL": db_url, "RECESS_API_KEY": api_key, "RECESS_APP_KEY": app_key,
            "RECESS_DELIVERY_TIMEOUT": "2", "RECESS_PUBLIC_URL": url,
            "RECESS_WEBHOOK_ALLOW": "127.0.0.1/32", **env}  # the tests' receivers listen on loopback
    return Server(url=url, database_url=db_url, api_key=api_key, app_key=app_key, backend=backend, env=full,
                  log_path=tmp / "server.log")


@pytest.fixture(scope="module", params=BACKENDS)
def ops_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """This module's own server (its counters move only with this module's traffic)."""
    srv = make_server(request.param, tmp_path_factory.mktemp(f"recess-ops-{request.param}"), request)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    yield from receivers.running()


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll `predicate` until it returns something truthy (returned), or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout} s")
        time.sleep(0.05)


@dataclass
class Api:
    """Plain-HTTP helpers for one server, with its admin keys."""

    server: Server

    def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        with self.server.http() as http:
            response = http.request(method, path, **kwargs)
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def webhook(self, receiver: Receiver, payload: str | None = None) -> str:
        name = f"hook-{uuid.uuid4().hex[:8]}"
        body: dict[str, Any] = {"name": name, "url": f"{receiver.url}/{name}", "encode_as": "json"}
        if payload is not None:
            body["payload"] = payload
        self.call("POST", "/api/v1/integration/webhooks/configuration/webhooks", json=body)
        return name

    def monitor(self, hook: str) -> dict[str, Any]:
        check = f"app.up.{uuid.uuid4().hex[:6]}"
        return self.call("POST", "/api/v1/monitor", json={
            "name": f"{check} monitor", "type": "service check", "tags": ["team:sre"],
            "query": f'"{check}".over("*").by("host").last(3).count_by_status()',
            "message": f"{{{{host.name}}}} changed @webhook-{hook}",
            "options": {"thresholds": {"critical": 1, "warning": 1, "ok": 1}},
        })

    def run(self, monitor: dict[str, Any], host: str, status: int) -> None:
        check = monitor["query"].split('"')[1]
        self.call("POST", "/api/v1/check_run", expect=202,
                  json=[{"check": check, "host_name": host, "status": status, "tags": ["env:prod"]}])

    def downtime_for(self, monitor: dict[str, Any], scope: str) -> str:
        return self.call("POST", "/api/v2/downtime", json={"data": {"type": "downtime", "attributes": {
            "scope": scope, "monitor_identifier": {"monitor_id": monitor["id"]}}}})["data"]["id"]

    def notifications(self, monitor: dict[str, Any]) -> list[dict[str, Any]]:
        return self.call("GET", f"/api/v1/monitor/{monitor['id']}/notifications")["data"]


# --- 1. health and readiness ---------------------------------------------------------------------


CHECKS = {"database", "migrations", "scheduler", "delivery"}


def test_healthz_readyz_and_version_header(ops_server: Server) -> None:
    url = ops_server.url
    health = httpx.get(f"{url}/healthz", timeout=10)  # no keys
    assert health.status_code == 200 and health.json() == {"status": "ok", "version": __version__}
    # The workers must have made a first pass; they do within about a second of start.
    ready = wait_for(lambda: (r := httpx.get(f"{url}/readyz", timeout=10)).status_code == 200 and r, what="/readyz 200")
    body = ready.json()
    assert body["status"] == "ready" and set(body["checks"]) == CHECKS
    assert all(check["ok"] is True for check in body["checks"].values()), body
    # Every answer carries the version: success, refusal, not found, health, metrics.
    answers = [
        httpx.get(f"{url}/api/v1/validate", headers=ops_server.headers(), timeout=10),
        httpx.get(f"{url}/api/v1/validate", headers={"DD-API-KEY": "nope"}, timeout=10),
        httpx.get(f"{url}/no/such/thing", timeout=10),
        health, ready,
        httpx.get(f"{url}/metrics", timeout=10),
    ]
    assert [a.status_code for a in answers] == [200, 403, 404, 200, 200, 200]
    assert all(a.headers.get("x-recess-version") == __version__ for a in answers), [a.headers for a in answers]


# --- 2. readiness when the database goes away (PostgreSQL) ---------------------------------------


@needs_postgresql
def test_readyz_answers_503_when_the_database_is_dropped(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    import psycopg

    db_url = pg_database_for(tmp_path.name, request)  # the session cleanup drops it IF EXISTS
    db_name = make_url(db_url).database
    srv = make_server("postgresql", tmp_path, request, db_url=db_url)
    srv.start()
    try:
        assert wait_for(lambda: httpx.get(f"{srv.url}/readyz", timeout=10).status_code == 200, what="/readyz 200")
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE "{db_name}" WITH (FORCE)')
        dropped = time.monotonic()
        gone = wait_for(lambda: (r := httpx.get(f"{srv.url}/readyz", timeout=15)).status_code == 503 and r,
                        timeout=10, what="/readyz 503")
        assert time.monotonic() - dropped < 10
        body = gone.json()
        assert body["status"] == "unavailable" and set(body["checks"]) == CHECKS
        assert body["reason"].startswith("database: ") and db_name in body["reason"], body
        assert body["checks"]["database"]["ok"] is False and db_name in body["checks"]["database"]["detail"]
        health = httpx.get(f"{srv.url}/healthz", timeout=10)
        assert health.status_code == 200 and health.json()["status"] == "ok"
    finally:
        srv.stop()


# --- 3. metrics -------------------------------------------------------------------------------


@dataclass
class Scrape:
    families: dict[str, Any]
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float]

    def value(self, name: str, **labels: str) -> float | None:
        return self.samples.get((name, tuple(sorted(labels.items()))))

    def labelled(self, name: str) -> list[tuple[dict[str, str], float]]:
        return [(dict(labels), v) for (n, labels), v in self.samples.items() if n == name]


def scrape(server: Server) -> Scrape:
    response = httpx.get(f"{server.url}/metrics", timeout=30)  # no keys: Prometheus scrapes without them
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families.values() for s in f.samples}
    return Scrape(families, samples)


def test_metrics_after_real_traffic(ops_server: Server, receiver: Receiver) -> None:
    api = Api(ops_server)
    before = scrape(ops_server)
    assert before.value("recess_build_info", version=__version__) == 1
    # Known outcomes are exported at 0 before anything happens (rate() needs the series).
    for outcome in ("delivered", "retried", "failed"):
        assert before.value("recess_deliveries_total", outcome=outcome) is not None

    def grew(after: Scrape, name: str, **labels: str) -> float:
        return (after.value(name, **labels) or 0.0) - (before.value(name, **labels) or 0.0)

    assert httpx.get(f"{ops_server.url}/no/such/path/{uuid.uuid4().hex}", timeout=10).status_code == 404
    hook, failing = api.webhook(receiver), api.webhook(receiver)
    receiver.script[f"/{failing}"] = [500, 500, 500]
    monitor = api.monitor(hook)
    # As `curl -d` sends it (a form content type): still labelled by its route.
    api.call("POST", "/api/v2/downtime", headers={"Content-Type": "application/x-www-form-urlencoded"},
             content=json.dumps({"data": {"type": "downtime", "attributes": {
                 "scope": "host:muted-1", "monitor_identifier": {"monitor_id": monitor["id"]}}}}))
    api.run(monitor, "muted-1", 2)  # covered by the downtime: muted
    api.run(monitor, "loud-1", 2)  # not covered: delivered
    [delivered] = receiver.wait(f"/{hook}")
    assert delivered.json()["title"].startswith("[Triggered on {host:loud-1}]")
    api.call("GET", f"/api/v1/monitor/{monitor['id']}")
    other = api.monitor(failing)
    api.run(other, "web-1", 2)  # its receiver answers 500: retried
    receiver.wait(f"/{failing}")
    notes = {n["group"]: n for n in api.notifications(monitor)}
    assert notes["host:muted-1"]["muted"] is True and notes["host:loud-1"]["muted"] is False

    # The delivery counters move when the outcome is recorded, just after the receiver answered.
    after = wait_for(lambda: (s := scrape(ops_server)) and grew(s, "recess_deliveries_total", outcome="delivered") >= 1
                     and grew(s, "recess_deliveries_total", outcome="retried") >= 1 and s,
                     what="deliveries counted")
    assert grew(after, "recess_deliveries_total", outcome="failed") == 0
    assert grew(after, "recess_http_requests_total", route="unmatched", method="GET", status="404") == 1
    requests_ = after.labelled("recess_http_requests_total")
    assert ({"route": "/api/v1/monitor/{monitor_id}", "method": "GET", "status": "200"}, 1.0) in requests_
    assert any(lab["route"] == "/api/v1/check_run" and lab["method"] == "POST" and lab["status"] == "202" for lab, _ in requests_)
    assert grew(after, "recess_http_requests_total", route="/api/v2/downtime", method="POST", status="200") == 1
    concrete = [lab["route"] for lab, _ in requests_ if str(monitor["id"]) in lab["route"].split("/") or "no/such" in lab["route"]]
    assert concrete == [], "routes are labelled by template, never by concrete path"
    assert grew(after, "recess_notifications_muted_total") == 1
    assert grew(after, "recess_notifications_created_total", kind="transition") == 3
    # The latency histogram holds this traffic, consistently.
    latency = after.families["recess_http_request_duration_seconds"]
    assert latency.type == "histogram"
    count = after.value("recess_http_request_duration_seconds_count", route="/api/v1/monitor/{monitor_id}", method="GET")
    inf = after.value("recess_http_request_duration_seconds_bucket", route="/api/v1/monitor/{monitor_id}", method="GET", le="+Inf")
    assert count is not None and count >= 1 and inf == count
    assert (after.value("recess_http_request_duration_seconds_sum", route="/api/v1/monitor/{monitor_id}", method="GET") or 0) > 0
    # Gauges read from the store and the index at scrape time.
    assert (after.value("recess_downtimes", status="active") or 0) >= 1
    assert {lab["status"] for lab, _ in after.labelled("recess_downtimes")} == {"active", "scheduled", "ended", "canceled"}
    groups = {lab["state"]: v for lab, v in after.labelled("recess_monitor_groups")}
    assert groups.get("Alert", 0) >= 3, groups
    assert after.value("recess_delivery_queue_depth") is not None and after.value("recess_delivery_queue_depth") >= 0
    assert after.value("recess_delivery_oldest_pending_age_seconds") is not None
    assert (after.value("recess_downtime_index_size") or 0) >= 1
    lateness = after.families["recess_scheduler_tick_lateness_seconds"]
    assert lateness.type == "histogram" and after.value("recess_scheduler_tick_lateness_seconds_count") is not None
    assert after.value("recess_scheduler_failures_total") == 0


# --- 4. logs ------------------------------------------------------------------------------------


@dataclass
class Process:
    proc: subprocess.Popen[bytes]
    url: str
    port: int
    log: Path

    def lines(self) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if line.strip()]

    def records(self) -> list[dict[str, Any]]:
        out = []
        for line in self.lines():
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def serve_at_info(srv: Server, *args: str) -> Process:
    """`recess serve --log-level info` for `srv`'s settings, stdout and stderr into one file."""
    assert srv.log_path is not None
    port = int(srv.url.rsplit(":", 1)[1])
    with srv.log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "recess", "serve", "--port", str(port), "--log-level", "info", *args],
                                env=srv.env, stdout=log, stderr=subprocess.STDOUT, cwd=srv.log_path.parent)
    running = Process(proc, srv.url, port, srv.log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"recess exited early:\n{srv.log_path.read_text()}")
        try:
            if httpx.get(f"{srv.url}/api/v1/validate", headers=srv.headers(), timeout=2).status_code == 200:
                return running
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    running.stop()
    raise RuntimeError(f"recess did not start:\n{srv.log_path.read_text()}")


ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def check_json_log(process: Process, forbidden: list[str]) -> list[dict[str, Any]]:
    text = process.log.read_text()
    records = []
    for line in process.lines():
        record = json.loads(line)  # every line is one JSON object
        assert isinstance(record, dict) and {"time", "level", "logger", "message"} <= set(record), line
        assert ISO_Z.match(record["time"]) and record["level"] in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"), line
        records.append(record)
    for secret in forbidden:
        assert secret not in text, f"a secret ({secret[:3]}…) is in the log"
    return records


def test_json_logs_with_access_lines_and_no_secrets(request: pytest.FixtureRequest, tmp_path: Path, receiver: Receiver) -> None:
    srv = make_server("sqlite", tmp_path, request, RECESS_LOG_FORMAT="json", RECESS_ACCESS_LOG="1")
    process = serve_at_info(srv)
    try:
        api = Api(srv)
        with srv.http() as http:
            assert http.get("/api/v1/validate").status_code == 200
            assert http.get("/api/v1/monitor", params={"api_key": srv.api_key, "application_key": srv.app_key}).status_code == 200
            assert http.get("/api/v1/validate", headers={"DD-API-KEY": "wrong-key-1234"}).status_code == 403
        hook = api.webhook(receiver)
        receiver.script[f"/{hook}"] = [500] * 5
        monitor = api.monitor(hook)
        api.run(monitor, "web-1", 2)
        receiver.wait(f"/{hook}")

        def retry_warning() -> dict[str, Any] | None:
            return next((r for r in process.records() if r.get("level") == "WARNING" and r.get("logger") == "recess.delivery"), None)

        warning = wait_for(retry_warning, what="the delivery's WARNING line")
    finally:
        process.stop()
    records = check_json_log(process, [srv.api_key, srv.app_key])
    started = [r for r in records if r["logger"] == "recess" and "starting" in r["message"]]
    assert len(started) == 1, [r["message"] for r in records]
    assert __version__ in started[0]["message"] and "sqlite" in started[0]["message"]
    assert f"127.0.0.1:{process.port}" in started[0]["message"]
    assert any(r["logger"] == "recess" and "ready" in r["message"] for r in records)
    access = [r for r in records if r["logger"] == "recess.access"]
    assert any(r["path"] == "/api/v1/validate" and r["status"] == 200 and r["method"] == "GET" for r in access), access
    assert any(r["path"] == "/api/v1/validate" and r["status"] == 403 for r in access)
    keyed = [r for r in access if r["path"] == "/api/v1/monitor" and r["method"] == "GET"]
    assert len(keyed) == 1 and '"GET /api/v1/monitor?api_key=***&application_key=***" 200 ' in keyed[0]["message"], keyed
    assert all(isinstance(r["duration_ms"], (int, float)) and r["route"] for r in access)
    message = warning["message"]
    assert hook in message and f"monitor {monitor['id']}" in message, message
    assert "attempt 1 of 12" in message and "status 500" in message and "next attempt at" in message, message


@needs_postgresql
def test_json_logs_never_show_the_database_password(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    password = "S3cretPassw0rd"
    plain = pg_database_for(tmp_path.name, request)
    db_url = make_url(plain).set(password=password).render_as_string(hide_password=False)
    assert password in db_url  # trust auth accepts any password
    srv = make_server("postgresql", tmp_path, request, db_url=db_url, RECESS_LOG_FORMAT="json", RECESS_ACCESS_LOG="1")
    process = serve_at_info(srv)
    try:
        with srv.http() as http:
            assert http.get("/api/v1/validate").status_code == 200
            assert http.get("/readyz").status_code in (200, 503)
            assert http.get("/metrics").status_code == 200
    finally:
        process.stop()
    records = check_json_log(process, [password, srv.api_key, srv.app_key])
    started = [r["message"] for r in records if r["logger"] == "recess" and "starting" in r["message"]]
    assert len(started) == 1 and f"postgresql 127.0.0.1:5432/{make_url(plain).database}" in started[0], started


def test_text_logs_start_with_a_timestamp_and_a_level(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    srv = make_server("sqlite", tmp_path, request)
    process = serve_at_info(srv, "--access-log")  # the flag, not the variable
    try:
        with srv.http() as http:
            assert http.get("/api/v1/validate", params={"api_key": srv.api_key}).status_code == 200
    finally:
        process.stop()
    lines = process.lines()
    line_format = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (DEBUG|INFO|WARNING|ERROR|CRITICAL) +\S+: ")
    assert lines and all(line_format.match(line) for line in lines), lines
    assert any(" INFO    recess: " in line and "starting" in line and __version__ in line for line in lines), lines
    access = [line for line in lines if "recess.access:" in line and "/api/v1/validate?" in line]
    # The key is blanked and the quoted request stays whole.
    assert len(access) == 1, access
    assert re.search(r'recess\.access: 127\.0\.0\.1 "GET /api/v1/validate\?api_key=\*\*\*" 200 [\d.]+ms$', access[0]), access
    assert srv.api_key not in process.log.read_text() and srv.app_key not in process.log.read_text()


# --- 5. start-up errors ---------------------------------------------------------------------------


def start_failing(tmp_path: Path, database_url: str, *args: str, port: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {**clean_env(), "RECESS_DATABASE_URL": database_url}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "recess", "serve", "--port", str(port or free_port()), *args],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert time.monotonic() - started < 20, "start-up failures are reported promptly"
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    return done


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("recess: "), done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    return lines[0]


@pytest.mark.parametrize(("case", "url", "secret", "named"), [
    ("unsupported scheme", "mysql://u:MySqlSecret99@h/d", "MySqlSecret99", ["'mysql'", "RECESS_DATABASE_URL"]),
    ("missing folder", "sqlite:////nonexistent-dir/x.db", None, ["/nonexistent-dir", "does not exist"]),
    ("unreachable", "postgresql://postgres:PgSecret77@127.0.0.1:1/test", "PgSecret77", ["127.0.0.1:1", "cannot reach"]),
])
def test_start_up_errors_are_one_line(tmp_path: Path, case: str, url: str, secret: str | None, named: list[str]) -> None:
    line = one_line(start_failing(tmp_path, url))
    assert all(part in line for part in named), line
    if secret:
        assert secret not in line
    assert not (tmp_path / "recess.db").exists()


def test_start_up_error_when_the_port_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_line(start_failing(tmp_path, f"sqlite:///{tmp_path / 'recess.db'}", port=port))
    assert f"127.0.0.1:{port}" in line and "already in use" in line, line


def test_start_up_error_with_debug_shows_the_traceback_but_no_password(tmp_path: Path) -> None:
    done = start_failing(tmp_path, "postgresql://postgres:PgSecret77@127.0.0.1:1/test", "--log-level", "debug")
    assert "Traceback" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("recess: cannot start: ")
    assert "PgSecret77" not in done.stderr + done.stdout


# --- 6. version ------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--version"], ["version"]])
def test_version(args: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "recess", *args], env=clean_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == f"recess {__version__}\n", (done.stdout, done.stderr)


# --- 7. links resolve ------------------------------------------------------------------------------


def test_notification_link_and_event_url_resolve(ops_server: Server, receiver: Receiver) -> None:
    api = Api(ops_server)
    hook = api.webhook(receiver, payload='{"link": "$LINK", "id": "$ID"}')
    monitor = api.monitor(hook)
    api.run(monitor, "web-1", 2)
    [received] = receiver.wait(f"/{hook}")
    body = received.json()
    link = body["link"]
    assert link == f"{ops_server.url}/monitors/{monitor['id']}"
    first = httpx.get(link, timeout=10)
    assert first.status_code == 302 and first.headers["location"] == f"/api/v1/monitor/{monitor['id']}"
    followed = httpx.get(link, headers=ops_server.headers(), follow_redirects=True, timeout=10)
    assert followed.status_code == 200 and followed.json()["id"] == monitor["id"]

    [note] = api.notifications(monitor)
    assert body["id"] == str(note["id"])
    event = api.call("GET", f"/api/v1/events/{note['id']}")["event"]
    assert event["url"] == f"{ops_server.url}/event/event?id={note['id']}"
    first = httpx.get(event["url"], timeout=10)
    assert first.status_code == 302 and first.headers["location"] == f"/api/v1/events/{note['id']}"
    followed = httpx.get(event["url"], headers=ops_server.headers(), follow_redirects=True, timeout=10)
    assert followed.status_code == 200 and followed.json()["event"]["id"] == note["id"]
    # The event link of a muted notification resolves too, and the listing shows the same url.
    api.downtime_for(monitor, "host:web-2")
    api.run(monitor, "web-2", 2)
    muted = next(n for n in api.notifications(monitor) if n["group"] == "host:web-2")
    assert muted["muted"] is True
    url = api.call("GET", f"/api/v1/events/{muted['id']}")["event"]["url"]
    assert httpx.get(url, headers=ops_server.headers(), follow_redirects=True, timeout=10).json()["event"]["muted"] is True


def new_page(api: Api, page_type: str) -> dict[str, Any]:
    name = f"Ops {page_type} {uuid.uuid4().hex[:6]}"
    return api.call("POST", "/api/v2/statuspages", expect=201, json={"data": {"type": "status_pages", "attributes": {
        "name": name, "domain_prefix": uuid.uuid4().hex[:16], "type": page_type,
        "visualization_type": "bars_and_uptime_percentage",
        "components": [{"name": "Login", "type": "component", "position": 0}]}}})["data"]


def test_status_page_urls_resolve(ops_server: Server) -> None:
    api = Api(ops_server)
    internal = new_page(api, "internal")
    page_url = internal["attributes"]["page_url"]
    assert page_url == f"{ops_server.url}/status-pages/{internal['id']}/view"
    shown = httpx.get(page_url, headers=ops_server.headers(), timeout=10)
    assert shown.status_code == 200 and shown.headers["content-type"].startswith("text/html")
    assert internal["attributes"]["name"] in shown.text and "Login" in shown.text
    for headers in ({}, {"DD-API-KEY": ops_server.api_key}, ops_server.headers(app_key="not-a-key-at-all")):
        refused = httpx.get(page_url, headers=headers, timeout=10)
        assert refused.status_code == 401 and "Sign in required" in refused.text, headers
        assert internal["attributes"]["name"] not in refused.text
    # Another org's users are refused, with the same answer as for an id that does not exist.
    other_api, other_app = ops_server.create_keys("--org", f"ops-{uuid.uuid4().hex[:8]}", "--admin")
    stranger = httpx.get(page_url, headers=ops_server.headers(other_api, other_app), timeout=10)
    missing = httpx.get(f"{ops_server.url}/status-pages/{uuid.uuid4()}/view", headers=ops_server.headers(), timeout=10)
    assert stranger.status_code == missing.status_code == 401 and stranger.text == missing.text

    public = new_page(api, "public")
    prefix = public["attributes"]["domain_prefix"]
    assert public["attributes"]["page_url"] == f"{ops_server.url}/status/{prefix}"
    assert httpx.get(public["attributes"]["page_url"], timeout=10).status_code == 404  # not published yet
    api.call("POST", f"/api/v2/statuspages/{public['id']}/publish", expect=204)
    read = httpx.get(public["attributes"]["page_url"], timeout=10)  # people read it without keys
    assert read.status_code == 200 and public["attributes"]["name"] in read.text
    by_id = httpx.get(f"{ops_server.url}/status-pages/{public['id']}/view", timeout=10)
    assert by_id.status_code == 307 and by_id.headers["location"] == f"/status/{prefix}"
    assert httpx.get(f"{ops_server.url}/status-pages/{public['id']}/view", follow_redirects=True, timeout=10).status_code == 200
