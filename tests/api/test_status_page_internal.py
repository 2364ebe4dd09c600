"""Internal status pages against live servers (SQLite and PostgreSQL): only signed-in users of the
page's org see them, under /status-pages/{id}/view and its sub-paths; everyone else gets the
sign-in page, never the content. Signing in takes an application key and gives an HttpOnly,
SameSite=Lax session cookie that holds no key; signing out, revoking the key or losing the
permission ends it."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import Server
from tests.public_pages import Admin


@pytest.fixture
def org(server: Server) -> tuple[Admin, str, str]:
    """An org with an admin, a page reader's keys (only status_pages_settings_read) and an internal page."""
    name = f"int-{uuid.uuid4().hex[:8]}"
    admin_api, admin_app = server.create_keys("--org", name, "--email", "admin@example.com", "--admin")
    admin = Admin.__new__(Admin)
    admin.http = httpx.Client(base_url=server.url, headers=server.headers(admin_api, admin_app), timeout=30)
    _, reader_app = server.create_keys("--org", name, "--email", "reader@example.com", "-p", "status_pages_settings_read")
    return admin, name, reader_app


def internal_page(admin: Admin) -> dict[str, Any]:
    page = admin.page(publish=False, type="internal")
    return page


def browser(server: Server) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=30)


def sign_in(client: httpx.Client, path: str, key: str, **headers: str) -> httpx.Response:
    return client.post(path, data={"application_key": key}, headers=headers)


def test_strangers_get_the_sign_in_page_never_the_content(server: Server, org: tuple[Admin, str, str]) -> None:
    admin, _, _ = org
    page = internal_page(admin)
    outage = admin.backfill_outage(page, "Secret outage", "Login", "major_outage", datetime.now(UTC) - timedelta(days=1), 2)
    base = f"/status-pages/{page['id']}/view"
    paths = ["", "/history", f"/incidents/{outage}", "/history.atom", "/history.rss", "/maintenances.ics",
             "/api/v2/summary.json", "/badge.svg", "/logo", "/favicon"]
    answers = []
    with browser(server) as client:
        for path in paths:
            shown = client.get(base + path)
            assert shown.status_code == 401, path
            assert "Sign in required" in shown.text and "Secret outage" not in shown.text and "Login" not in shown.text
            assert shown.headers["cache-control"] == "no-store" and "content-security-policy" in shown.headers
            answers.append(shown.text)
        # The same page for every path and for ids that do not exist: ids are not confirmed.
        missing = client.get(f"/status-pages/{uuid.uuid4()}/view")
        assert missing.status_code == 401 and set(answers) == {missing.text}
        assert 'name="application_key"' in missing.text and 'type="password"' in missing.text
        # The public address of an internal page stays 404.
        assert client.get(f"/status/{page['attributes']['domain_prefix']}").status_code == 404


def test_sign_in_session_cookie_and_links_under_the_internal_path(server: Server, org: tuple[Admin, str, str]) -> None:
    admin, _, reader_app = org
    page = internal_page(admin)
    outage = admin.backfill_outage(page, "Login down", "Login", "major_outage", datetime.now(UTC) - timedelta(days=1), 2)
    base = f"/status-pages/{page['id']}/view"
    with browser(server) as client:
        signed = sign_in(client, f"{base}/history?page=1", reader_app)
        assert signed.status_code == 303 and signed.headers["location"] == f"{base}/history?page=1"
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/status-pages/" in cookie
        assert reader_app not in cookie  # the key is never in the cookie
        assert "Max-Age=43200" in cookie

        shown = client.get(base)
        assert shown.status_code == 200 and "Login" in shown.text and "Login down" in shown.text
        assert shown.headers["cache-control"] == "private, no-cache" and "Cookie" in shown.headers["vary"]
        assert f'action="{base}/sign-out"' in shown.text
        # Every link on the page stays under the internal path, and each one opens.
        links = set(re.findall(r'(?:href|src|action)="(/[^"]*)"', shown.text))
        assert links and all(link.startswith(base) for link in links), links
        assert f"{base}/incidents/{outage}" in links and f"{base}/history" in links
        for link in sorted(links - {f"{base}/sign-out"}):
            opened = client.get(link)
            assert opened.status_code in (200, 404), (link, opened.status_code)  # 404: no logo on this page
            assert "Sign in required" not in opened.text, link
        incident = client.get(f"{base}/incidents/{outage}")
        assert incident.status_code == 200 and "Login down" in incident.text
        assert f'href="{base}"' in incident.text
        summary = client.get(f"{base}/api/v2/summary.json")
        assert summary.status_code == 200 and summary.json()["page"]["url"].endswith(base)
        assert "access-control-allow-origin" not in summary.headers
        etag = shown.headers["etag"]
        assert client.get(base, headers={"If-None-Match": etag}).status_code == 304

        out = client.post(f"{base}/sign-out")
        assert out.status_code == 303 and out.headers["location"] == base
        assert 'recess_status_session=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]
        again = client.get(base)
        assert again.status_code == 401 and "Login down" not in again.text


def test_who_may_sign_in(server: Server, org: tuple[Admin, str, str]) -> None:
    admin, name, reader_app = org
    page = internal_page(admin)
    base = f"/status-pages/{page['id']}/view"
    _, no_permission = server.create_keys("--org", name, "--email", "nobody@example.com", "-p", "monitors_read")
    _, other_org = server.create_keys("--org", f"other-{uuid.uuid4().hex[:8]}", "--admin")
    with browser(server) as client:
        for key in ("", "not-a-key", no_permission, other_org):
            refused = sign_in(client, base, key)
            assert refused.status_code == 401 and "cannot open this page" in refused.text, key
            assert "set-cookie" not in refused.headers and "Acme" not in refused.text
        # Another site's form cannot sign a reader in (or out).
        assert sign_in(client, base, reader_app, origin="https://evil.example").status_code == 403
        assert client.post(f"{base}/sign-out", headers={"origin": "https://evil.example"}).status_code == 403
        # An unknown page id: the same refusal as a wrong key.
        assert sign_in(client, f"/status-pages/{uuid.uuid4()}/view", reader_app).status_code == 401
        assert sign_in(client, base, reader_app).status_code == 303
        assert client.get(base).status_code == 200


def test_forged_expired_and_revoked_sessions_are_refused(server: Server, org: tuple[Admin, str, str]) -> None:
    admin, name, _ = org
    page = internal_page(admin)
    base = f"/status-pages/{page['id']}/view"
    _, reader_app = server.create_keys("--org", name, "--email", f"r-{uuid.uuid4().hex[:6]}@example.com",
                                       "-p", "status_pages_settings_read")
    with browser(server) as client:
        assert sign_in(client, base, reader_app).status_code == 303
        value = client.cookies["recess_status_session"]
        key_id, expires, mac = value.split(".")
        assert client.get(base).status_code == 200
        for forged in (f"{key_id}.{int(expires) + 3600}.{mac}", f"{int(key_id) + 1}.{expires}.{mac}",
                       f"{key_id}.{expires}.{'0' * 64}", "garbage", f"{key_id}.{int(datetime.now(UTC).timestamp()) - 1}.{mac}"):
            with browser(server) as other:
                other.cookies.set("recess_status_session", forged, path="/status-pages/")
                assert other.get(base).status_code == 401, forged
        # A session of one org's user opens none of another org's internal pages.
        stranger_admin = Admin(server)
        foreign = stranger_admin.page(publish=False, type="internal")
        assert client.get(f"/status-pages/{foreign['id']}/view").status_code == 401
        # Revoking the key ends the session.
        server.cli("keys", "revoke", reader_app)
        assert client.get(base).status_code == 401


def test_keys_as_headers_and_public_pages_by_id(server: Server, org: tuple[Admin, str, str]) -> None:
    admin, _, _ = org
    page = internal_page(admin)
    base = f"/status-pages/{page['id']}/view"
    assert admin.http.get(base).status_code == 200
    assert admin.http.get(f"{base}/history").status_code == 200
    public = admin.page()
    prefix = public["attributes"]["domain_prefix"]
    with browser(server) as client:
        moved = client.get(f"/status-pages/{public['id']}/view/history")
        assert moved.status_code == 307 and moved.headers["location"] == f"/status/{prefix}/history"
        # A public page shows no sign-out button and keeps its links under /status/.
        html = client.get(f"/status/{prefix}").text
        assert "sign-out" not in html and f'href="/status/{prefix}/history"' in html
