"""Shared test fixtures: live recess servers on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

PG_ADMIN_URL = os.environ.get("RECESS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = [b for b in os.environ.get("RECESS_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running `recess serve` and the admin key pair it was started with."""

    url: str
    database_url: str
    api_key: str
    app_key: str
    backend: str
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()  # more `recess serve` arguments

    def headers(self, api_key: str | None = None, app_key: str | None = None) -> dict[str, str]:
        return {"DD-API-KEY": api_key or self.api_key, "DD-APPLICATION-KEY": app_key or self.app_key}

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=self.headers(), timeout=30)

    def cli(self, *args: str) -> str:
        """Run a `recess` command against this server's database, in this process (the same Typer
        app as the installed command, without a second of interpreter start-up per call;
        tests/api/test_keys.py also runs the real command as a subprocess)."""
        from typer.testing import CliRunner

        from recess.cli import app
        from recess.settings import get_settings

        get_settings.cache_clear()
        try:
            done = CliRunner().invoke(app, list(args), env={k: v for k, v in self.env.items() if k.startswith("RECESS_")})
        finally:
            get_settings.cache_clear()
        if done.exit_code != 0:
            raise AssertionError(f"recess {' '.join(args)} failed ({done.exit_code}): {done.output}") from done.exception
        return done.stdout

    def create_keys(self, *args: str) -> tuple[str, str]:
        out = dict(line.split("=", 1) for line in self.cli("keys", "create", *args).split())
        return out["DD_API_KEY"], out["DD_APP_KEY"]

    def advance(self, seconds: float) -> None:
        """Move the server's clock forward (the test servers run with RECESS_TEST_CLOCK=1)."""
        with self.http() as http:
            http.post("/api/v1/_recess/clock", json={"seconds": seconds}).raise_for_status()

    def settle(self, api_key: str | None = None) -> None:
        """Wait until this server has done what is due and sent what it will send (test servers)."""
        with httpx.Client(base_url=self.url, headers={"DD-API-KEY": api_key or self.api_key}, timeout=30) as http:
            answer = http.post("/api/v1/_recess/settle")
            assert answer.status_code == 200, answer.text

    def start(self) -> None:
        assert self.log_path is not None
        log = self.log_path.open("ab")
        port = int(self.url.rsplit(":", 1)[1])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "recess", "serve", "--port", str(port), "--log-level", "warning", *self.args],
            env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"recess exited early:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.url}/api/v1/validate", headers=self.headers(), timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"recess did not start:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()


def _database_url(backend: str, tmp: Path, request: pytest.FixtureRequest) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'recess.db'}"
    return pg_database_for(tmp.name, request)


def pg_database_for(name: str, request: pytest.FixtureRequest) -> str:
    """A fresh PostgreSQL database for one server, dropped at the end of the session."""
    import psycopg

    db_name = f"recess_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{db_name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}")

    def drop() -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')

    request.session.config.add_cleanup(drop)  # type: ignore[attr-defined]
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{db_name}"


def launch(backend: str, tmp: Path, request: pytest.FixtureRequest, extra_env: Mapping[str, str] | None = None) -> Server:
    """A server on `backend`; `extra_env` adds to (or replaces) the variables it starts with."""
    database_url = _database_url(backend, tmp, request)
    api_key, app_key = secrets.token_hex(16), secrets.token_hex(20)
    # Webhook receivers in tests listen on 127.0.0.1, an internal target recess refuses unless allowed.
    env = {**os.environ, "RECESS_DATABASE_URL": database_url, "RECESS_API_KEY": api_key, "RECESS_APP_KEY": app_key,
           "RECESS_TEST_CLOCK": "1", "RECESS_DELIVERY_TIMEOUT": "2", "RECESS_WEBHOOK_ALLOW": "127.0.0.1/32", **(extra_env or {})}
    srv = Server(
        url=f"http://127.0.0.1:{free_port()}", database_url=database_url, api_key=api_key, app_key=app_key,
        backend=backend, env=env, log_path=tmp / "server.log",
    )
    srv.start()
    return srv


@pytest.fixture(scope="session", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server per backend for the whole session. Its clock is never moved."""
    srv = launch(request.param, tmp_path_factory.mktemp(f"recess-{request.param}"), request)
    yield srv
    srv.stop()


@pytest.fixture(scope="module", params=BACKENDS)
def clock_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of the test module's own, whose clock its tests may move forward."""
    srv = launch(request.param, tmp_path_factory.mktemp(f"recess-clock-{request.param}"), request)
    yield srv
    srv.stop()


@pytest.fixture(params=BACKENDS)
def own_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server for one test alone (for tests that kill and restart it)."""
    srv = launch(request.param, tmp_path_factory.mktemp(f"recess-own-{request.param}"), request)
    yield srv
    srv.stop()
