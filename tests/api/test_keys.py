"""Key management for operators: `recess keys create/list/revoke`, last use, and rotation at start."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime

import httpx

from tests.conftest import Server

# Routes and the permission each needs: GET /api/v1/downtime monitors_read, GET /api/v2/downtime
# monitors_downtime; GET /api/v1/validate the API key alone.
V1_LIST, V2_LIST, VALIDATE = "/api/v1/downtime", "/api/v2/downtime", "/api/v1/validate"
CACHE_SLACK = 6.5  # the auth cache keeps a resolved key for 5 s


def run(srv: Server, *args: str) -> subprocess.CompletedProcess[str]:
    """`recess ...` against the server's database, whatever its exit status."""
    return subprocess.run([sys.executable, "-m", "recess", *args], env=srv.env, capture_output=True, text=True, timeout=120)


def status(srv: Server, path: str, api_key: str, app_key: str | None = None) -> int:
    headers = {"DD-API-KEY": api_key} | ({"DD-APPLICATION-KEY": app_key} if app_key else {})
    return httpx.get(f"{srv.url}{path}", headers=headers, timeout=10).status_code


def eventually(srv: Server, path: str, expected: int, api_key: str, app_key: str | None = None) -> float:
    """Poll until `path` answers `expected`; fails after CACHE_SLACK seconds. Returns the seconds it took."""
    began = time.monotonic()
    while True:
        got = status(srv, path, api_key, app_key)
        waited = time.monotonic() - began
        if got == expected:
            return waited
        assert waited < CACHE_SLACK, f"{path} still answers {got}, not {expected}, after {waited:.1f} s"
        time.sleep(0.2)


def listing(srv: Server) -> tuple[str, list[dict[str, str]]]:
    """`recess keys list`: its raw output and its rows by column name."""
    out = srv.cli("keys", "list")
    lines = out.splitlines()
    header = re.split(r"\s{2,}", lines[0].strip())
    assert header == ["KIND", "ORG", "USER", "NAME", "LAST4", "CREATED", "LAST USED", "STATUS"], lines[0]
    rows = [dict(zip(header, re.split(r"\s{2,}", line.strip()), strict=True)) for line in lines[1:]]
    return out, rows


def row_of(rows: list[dict[str, str]], kind: str, org: str, last4: str) -> dict[str, str]:
    found = [r for r in rows if r["KIND"] == kind and r["ORG"] == org and r["LAST4"] == last4]
    assert len(found) == 1, (kind, org, last4, rows)
    return found[0]


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def key_ending(last4: str, length: int = 32) -> str:
    """A key value ending in `last4`; non-hex last characters never collide with random keys."""
    return secrets.token_hex(length // 2)[: length - 4] + last4


def test_list_shows_only_the_last_four_characters_and_when_keys_were_last_used(server: Server) -> None:
    org = unique("list")
    api, app = server.create_keys("--org", org, "--email", "reader@example.com", "--permission", "monitors_read")
    out, rows = listing(server)
    for secret in (api, app, server.api_key, server.app_key):
        assert secret not in out
        assert secret[:-4] not in out
    api_row, app_row = row_of(rows, "api", org, api[-4:]), row_of(rows, "app", org, app[-4:])
    assert api_row["USER"] == "-" and app_row["USER"] == "reader@example.com"
    assert api_row["NAME"] == app_row["NAME"] == "cli"
    assert api_row["STATUS"] == app_row["STATUS"] == "active"
    assert api_row["LAST USED"] == app_row["LAST USED"] == "never"
    datetime.strptime(api_row["CREATED"], "%Y-%m-%dT%H:%M:%SZ")

    assert status(server, V1_LIST, api, app) == 200
    out, rows = listing(server)
    assert api not in out and app not in out
    now = datetime.now(UTC)
    for row in (row_of(rows, "api", org, api[-4:]), row_of(rows, "app", org, app[-4:])):
        used = datetime.strptime(row["LAST USED"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        assert abs((now - used).total_seconds()) < 60, row


def test_revoke_by_last_four_and_by_whole_key(server: Server) -> None:
    org = unique("revoke")
    # Non-hex endings, so that no other test's random key shares these last 4 characters.
    api1, app1 = key_ending(f"r{secrets.token_hex(1)}s"), key_ending(f"t{secrets.token_hex(1)}u", 40)
    server.create_keys("--org", org, "--email", "ops@example.com", "--permission", "monitors_read",
                       "--api-key", api1, "--app-key", app1)
    api2, app2 = server.create_keys("--org", org, "--email", "ops@example.com", "--permission", "monitors_read")
    for api, app in ((api1, app1), (api2, app2)):
        assert status(server, V1_LIST, api, app) == 200  # resolved, and now in the server's cache

    done = run(server, "keys", "revoke", api1[-4:], app2)
    assert done.returncode == 0, done.stderr
    assert "revoked" in done.stdout
    assert api1[:-4] not in done.stdout + done.stderr and app2[:-4] not in done.stdout + done.stderr
    assert eventually(server, VALIDATE, 403, api1) < CACHE_SLACK
    eventually(server, V1_LIST, 403, api2, app2)
    assert status(server, VALIDATE, api2) == 200  # only what was named is revoked
    assert status(server, V1_LIST, api2, app1) == 200

    _, rows = listing(server)
    assert row_of(rows, "api", org, api1[-4:])["STATUS"] == "revoked"
    assert row_of(rows, "app", org, app2[-4:])["STATUS"] == "revoked"
    assert row_of(rows, "api", org, api2[-4:])["STATUS"] == "active"
    assert row_of(rows, "app", org, app1[-4:])["STATUS"] == "active"

    again = run(server, "keys", "revoke", api1)
    assert again.returncode == 0 and "already revoked" in again.stdout
    unknown = run(server, "keys", "revoke", "q!q!")
    assert unknown.returncode != 0 and "no key" in unknown.stderr
    unknown_whole = run(server, "keys", "revoke", key_ending("v!w!"))
    assert unknown_whole.returncode != 0 and "no key" in unknown_whole.stderr


def test_ambiguous_last_four_is_refused_and_revokes_nothing(server: Server) -> None:
    orgs = unique("amb-a"), unique("amb-b")
    last4 = f"m{secrets.token_hex(1)}n"
    first, second, third = key_ending(last4), key_ending(last4), key_ending(f"o{secrets.token_hex(1)}p")
    server.create_keys("--org", orgs[0], "--admin", "--api-key", first)
    server.create_keys("--org", orgs[1], "--admin", "--api-key", second)
    server.create_keys("--org", orgs[1], "--admin", "--api-key", third)

    done = run(server, "keys", "revoke", last4, third[-4:])
    assert done.returncode != 0
    assert last4 in done.stderr and orgs[0] in done.stderr and orgs[1] in done.stderr  # the candidates
    assert first[:-4] not in done.stderr and second[:-4] not in done.stderr
    _, rows = listing(server)
    assert row_of(rows, "api", orgs[0], last4)["STATUS"] == "active"
    assert row_of(rows, "api", orgs[1], last4)["STATUS"] == "active"
    assert row_of(rows, "api", orgs[1], third[-4:])["STATUS"] == "revoked"  # the unambiguous argument still counts
    assert status(server, VALIDATE, first) == 200 and status(server, VALIDATE, second) == 200

    # Once one of them is revoked, the last 4 characters name the other one alone.
    assert run(server, "keys", "revoke", first).returncode == 0
    done = run(server, "keys", "revoke", last4)
    assert done.returncode == 0, done.stderr
    _, rows = listing(server)
    assert row_of(rows, "api", orgs[1], last4)["STATUS"] == "revoked"


def test_keys_create_on_an_existing_user_sets_its_permissions(server: Server) -> None:
    org, email = unique("perm"), "changing@example.com"
    api, app = server.create_keys("--org", org, "--email", email, "--permission", "monitors_read")
    assert status(server, V1_LIST, api, app) == 200
    assert status(server, V2_LIST, api, app) == 403

    done = run(server, "keys", "create", "--org", org, "--email", email, "--permission", "monitors_downtime")
    assert done.returncode == 0, done.stderr
    assert "changed from monitors_read to monitors_downtime" in done.stderr
    # The user's earlier application key carries the new permissions: exactly the ones given.
    eventually(server, V2_LIST, 200, api, app)
    assert status(server, V1_LIST, api, app) == 403

    done = run(server, "keys", "create", "--org", org, "--email", email, "--admin")
    assert done.returncode == 0 and "changed from monitors_downtime to *" in done.stderr
    eventually(server, V1_LIST, 200, api, app)
    assert status(server, V2_LIST, api, app) == 200


def test_keys_create_refuses_keys_that_belong_to_another_org_or_user(server: Server) -> None:
    org, other = unique("own"), unique("other")
    api, app = key_ending(f"k{secrets.token_hex(1)}l"), key_ending(f"x{secrets.token_hex(1)}y", 40)
    server.create_keys("--org", org, "--email", "a@example.com", "--permission", "monitors_read", "--api-key", api, "--app-key", app)

    taken_api = run(server, "keys", "create", "--org", other, "--admin", "--api-key", api)
    assert taken_api.returncode != 0 and "already" in taken_api.stderr and org in taken_api.stderr
    assert api[:-4] not in taken_api.stderr + taken_api.stdout
    taken_app = run(server, "keys", "create", "--org", org, "--email", "b@example.com", "--admin", "--app-key", app)
    assert taken_app.returncode != 0 and "already" in taken_app.stderr and "a@example.com" in taken_app.stderr
    _, rows = listing(server)
    assert not [r for r in rows if r["ORG"] == other]  # nothing was created for the refused command
    assert not [r for r in rows if r["USER"] == "b@example.com" and r["ORG"] == org]
    assert status(server, V1_LIST, api, app) == 200  # and the user's permissions were left alone
    assert status(server, V2_LIST, api, app) == 403

    # The same keys for their own org and user are fine (nothing new is created).
    assert server.create_keys(
        "--org", org, "--email", "a@example.com", "--permission", "monitors_read", "--api-key", api, "--app-key", app
    ) == (api, app)


def test_rotating_the_bootstrap_keys_through_the_environment(own_server: Server) -> None:
    srv = own_server
    old_api, old_app = srv.api_key, srv.app_key
    new_api, new_app = secrets.token_hex(16), secrets.token_hex(20)

    def restart_with(api: str | None, app: str | None) -> None:
        for name, value in (("RECESS_API_KEY", api), ("RECESS_APP_KEY", app)):
            if value is None:
                srv.env.pop(name, None)
            else:
                srv.env[name] = value
        srv.api_key, srv.app_key = api or srv.api_key, app or srv.app_key
        srv.restart()

    restart_with(new_api, new_app)
    assert status(srv, VALIDATE, old_api) == 403
    assert status(srv, V2_LIST, new_api, old_app) == 403
    assert status(srv, V2_LIST, new_api, new_app) == 200
    _, rows = listing(srv)
    assert row_of(rows, "api", "default", old_api[-4:])["STATUS"] == "revoked"
    assert row_of(rows, "app", "default", old_app[-4:])["STATUS"] == "revoked"
    assert row_of(rows, "api", "default", new_api[-4:])["STATUS"] == "active"

    restart_with(new_api, new_app)  # the same values again: nothing changes
    assert status(srv, V2_LIST, new_api, new_app) == 200
    _, again = listing(srv)
    assert [(r["KIND"], r["LAST4"], r["STATUS"]) for r in again] == [(r["KIND"], r["LAST4"], r["STATUS"]) for r in rows]

    restart_with(old_api, old_app)  # rolling the rotation back reactivates the earlier keys
    assert status(srv, V2_LIST, old_api, old_app) == 200
    assert status(srv, VALIDATE, new_api) == 403
    assert status(srv, V2_LIST, old_api, new_app) == 403

    restart_with(None, None)  # unset: the keys the variables created are left alone
    assert status(srv, V2_LIST, old_api, old_app) == 200
    assert status(srv, VALIDATE, new_api) == 403


def test_keys_create_refuses_keys_shorter_than_16_characters(server: Server) -> None:
    org = unique("short")
    for option, value in (("--api-key", "dev-api-key"), ("--app-key", "x" * 15), ("--api-key", "abcd")):
        done = run(server, "keys", "create", "--org", org, "--admin", option, value)
        assert done.returncode == 1, (option, value, done.stdout, done.stderr)
        assert "at least 16 characters" in done.stderr and option in done.stderr, done.stderr
        assert value not in done.stdout + done.stderr  # a refused key is not echoed either
    _, rows = listing(server)
    assert not [r for r in rows if r["ORG"] == org]  # nothing was created
    # 16 characters will do, and `keys list` shows 4 of them, never the whole key.
    api, app = key_ending(f"s{secrets.token_hex(1)}t", 16), key_ending(f"u{secrets.token_hex(1)}v", 16)
    assert server.create_keys("--org", org, "--admin", "--api-key", api, "--app-key", app) == (api, app)
    out, rows = listing(server)
    assert api not in out and app not in out
    assert row_of(rows, "api", org, api[-4:])["STATUS"] == "active"


def test_a_short_bootstrap_key_stops_the_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    env = {**os.environ, "RECESS_DATABASE_URL": f"sqlite:///{tmp_path / 'short.db'}",
           "RECESS_API_KEY": "dev-api-key", "RECESS_APP_KEY": secrets.token_hex(20)}
    done = subprocess.run([sys.executable, "-m", "recess", "serve", "--port", "1"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "RECESS_API_KEY" in done.stderr and "at least 16 characters" in done.stderr, done.stderr
    assert "dev-api-key" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "short.db").exists()  # refused before the database is touched
