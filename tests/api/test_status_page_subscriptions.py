"""Email subscriptions to a public status page, against live servers on both backends and a real
SMTP server in this process (aiosmtpd): the form, double opt-in, mails for degradations and
maintenances with notify_subscribers (none without), multipart text + HTML with the header image,
List-Unsubscribe, unsubscribing, and addresses never shown to others or logged."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests import mailbox
from tests.conftest import BACKENDS, Server
from tests.mailbox import Inbox, link
from tests.public_pages import PNG, Admin, iso


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    yield from mailbox.running()


@pytest.fixture(scope="module", params=BACKENDS)
def mail_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, inbox: Inbox) -> Iterator[Server]:
    yield from mailbox.mailing_server(request, tmp_path_factory, inbox, "mail")


def address() -> str:
    return f"reader-{uuid.uuid4().hex[:10]}@example.org"


def subscribe(server: Server, prefix: str, to: str, components: list[str] | None = None) -> httpx.Response:
    data: dict[str, Any] = {"email": to, "scope": "all" if components is None else "components"}
    if components is not None:
        data["component"] = components
    return httpx.post(f"{server.url}/status/{prefix}/subscribe", data=data, timeout=30)


def degradation(admin: Admin, page: dict[str, Any], component: str, notify: bool = True) -> dict[str, Any]:
    response = admin.http.post(f"/api/v2/statuspages/{page['id']}/degradations",
                               params={"notify_subscribers": str(notify).lower()},
                               json={"data": {"type": "degradations", "attributes": {
                                   "title": "Login is slow", "status": "investigating", "description": "Looking into it",
                                   "components_affected": [{"id": page["ids"][component], "status": "degraded"}]}}})
    assert response.status_code == 201, response.text
    return response.json()["data"]


def test_subscribe_confirm_notify_unsubscribe(mail_server: Server, inbox: Inbox) -> None:
    admin = Admin(mail_server)
    page = admin.page(subscriptions_enabled=True, email_header_image=PNG)
    prefix = page["attributes"]["domain_prefix"]
    html = httpx.get(f"{mail_server.url}/status/{prefix}", timeout=30).text
    assert f'action="/status/{prefix}/subscribe"' in html and 'name="email"' in html
    assert f'value="{page["ids"]["Login"]}"' in html

    whole, login_only, api_only, never_confirmed = address(), address(), address(), address()
    for to, components in ((whole, None), (login_only, [page["ids"]["Login"]]), (api_only, [page["ids"]["API"]]),
                           (never_confirmed, None)):
        answer = subscribe(mail_server, prefix, to, components)
        assert answer.status_code == 200 and "Check your inbox" in answer.text and to not in answer.text
    confirmations = {to: inbox.wait_for(to, 1, mail_server)[0] for to in (whole, login_only, api_only, never_confirmed)}
    # Asking again soon sends no second confirmation (the form cannot flood an inbox).
    assert subscribe(mail_server, prefix, never_confirmed).status_code == 200
    first = confirmations[whole]
    assert first["To"] == whole and "status@example.com" in first["From"] and "Confirm" in first["Subject"]
    assert re.match(rf"<http://[^/]+/status/{prefix}/subscriptions/unsubscribe\?token=[\w-]+>$", first["List-Unsubscribe"])
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for to in (whole, login_only, api_only):
        confirmed = httpx.get(link(confirmations[to], "confirm", mail_server), timeout=30)
        assert confirmed.status_code == 200 and "Subscribed" in confirmed.text
    assert httpx.get(f"{mail_server.url}/status/{prefix}/subscriptions/confirm?token=nope", timeout=30).status_code == 404

    # A degradation of Login with notify_subscribers: the whole page and Login's subscribers.
    made = degradation(admin, page, "Login")
    mails = inbox.wait_for(login_only, 2, mail_server)
    inbox.wait_for(whole, 2, mail_server)
    mail = mails[-1]
    assert mail["Subject"] == "[Acme] Login is slow: Investigating"
    assert mail.is_multipart() and mail["List-Unsubscribe"] and mail["List-Unsubscribe-Post"]
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Login is slow" in text and "Looking into it" in text and "Login: Degraded performance" in text
    assert f"/status/{prefix}/incidents/{made['id']}" in text and "Unsubscribe: http" in text
    html_part = mail.get_body(("html",))
    assert html_part is not None
    body = html_part.get_content()
    assert body.index('src="cid:header-image"') < body.index("Login is slow")  # the header image on top
    assert any(part.get("Content-ID") == "<header-image>" for part in mail.walk())
    for to in (whole, login_only, api_only, never_confirmed):
        assert to not in body or to == login_only  # no other subscriber's address in a mail

    # Without notify_subscribers: nothing. The API component's subscriber got nothing either.
    degradation(admin, page, "Login", notify=False)
    mail_server.settle()
    time.sleep(0.5)
    assert len(inbox.to(login_only)) == 2 and len(inbox.to(api_only)) == 1 and len(inbox.to(never_confirmed)) == 1

    # An update with notify_subscribers mails again; a maintenance of API reaches its subscriber.
    patched = admin.http.patch(f"/api/v2/statuspages/{page['id']}/degradations/{made['id']}", json={"data": {
        "type": "degradations", "id": made["id"], "attributes": {"status": "resolved", "description": "Fixed",
                                                                "components_affected": [{"id": page["ids"]["Login"], "status": "operational"}]}}})
    assert patched.status_code == 200, patched.text
    assert "Resolved" in inbox.wait_for(login_only, 3, mail_server)[-1]["Subject"]
    start = datetime.now(UTC) + timedelta(days=1)
    planned = admin.http.post(f"/api/v2/statuspages/{page['id']}/maintenances", json={"data": {"type": "maintenances", "attributes": {
        "title": "API upgrade", "start_date": iso(start), "completed_date": iso(start + timedelta(hours=1)),
        "components_affected": [{"id": page["ids"]["API"], "status": "maintenance"}], "in_progress_description": "upgrading",
        "scheduled_description": "Upgrading the API", "completed_description": "done"}}})
    assert planned.status_code == 201, planned.text
    api_mail = inbox.wait_for(api_only, 2, mail_server)[-1]
    assert "API upgrade" in api_mail["Subject"] and "Window:" in api_mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert len(inbox.wait_for(whole, 4, mail_server)) == 4

    # Unsubscribing: the link shows a button (scanners open links); posting it (one-click too) ends mails.
    leave = link(mails[-1], "unsubscribe", mail_server)
    shown = httpx.get(leave, timeout=30)
    assert shown.status_code == 200 and 'method="post"' in shown.text
    assert httpx.post(leave, content=b"List-Unsubscribe=One-Click", timeout=30).status_code == 200
    degradation(admin, page, "Login")
    inbox.wait_for(whole, 5, mail_server)
    assert len(inbox.to(login_only)) == 3

    # No address in the server's log.
    assert mail_server.log_path is not None
    logged = mail_server.log_path.read_text()
    assert all(to not in logged for to in (whole, login_only, api_only, never_confirmed))


def test_subscriptions_only_when_enabled(mail_server: Server, inbox: Inbox) -> None:
    admin = Admin(mail_server)
    page = admin.page()  # subscriptions_enabled false
    prefix = page["attributes"]["domain_prefix"]
    assert 'name="email"' not in httpx.get(f"{mail_server.url}/status/{prefix}", timeout=30).text
    to = address()
    assert subscribe(mail_server, prefix, to).status_code == 400
    enabled = admin.page(subscriptions_enabled=True)
    assert subscribe(mail_server, enabled["attributes"]["domain_prefix"], "not an address").status_code == 400
    assert subscribe(mail_server, enabled["attributes"]["domain_prefix"], to, components=[str(uuid.uuid4())]).status_code == 400
    degradation(admin, page, "Login")
    mail_server.settle()
    time.sleep(0.3)
    assert inbox.to(to) == []
