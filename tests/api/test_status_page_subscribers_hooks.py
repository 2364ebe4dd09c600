"""Slack and webhook subscribers of a public status page, against live servers on both backends, a
local HTTP receiver standing for Slack and for webhook consumers, and a real SMTP server: the
form, the Slack welcome message, Block Kit messages and Statuspage-shaped JSON for degradations
and maintenances with notify_subscribers (none without), component subscriptions, unsubscribe
links, the scheduler's maintenance start and completion (with the server's clock moved), refused
targets, and URLs never shown in answers or logs.

The receiver listens on 127.0.0.1, which test servers allow (RECESS_WEBHOOK_ALLOW=127.0.0.1/32).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests import mailbox, receiver
from tests.conftest import BACKENDS, Server
from tests.mailbox import Inbox
from tests.public_pages import Admin, iso
from tests.receiver import Receiver

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")  # Statuspage's times


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    yield from mailbox.running()


@pytest.fixture(scope="module")
def hooks() -> Iterator[Receiver]:
    yield from receiver.running()


@pytest.fixture(scope="module", params=BACKENDS)
def hook_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, inbox: Inbox) -> Iterator[Server]:
    """A server of this module's own: its clock is moved by the scheduler test."""
    yield from mailbox.mailing_server(request, tmp_path_factory, inbox, "hooks")


def subscribe(server: Server, prefix: str, channel: str, address: str, components: list[str] | None = None) -> httpx.Response:
    field = {"email": "email", "slack": "slack_url", "webhook": "webhook_url"}.get(channel, "email")
    data: dict[str, Any] = {"channel": channel, field: address, "scope": "all" if components is None else "components"}
    if components is not None:
        data["component"] = components
    return httpx.post(f"{server.url}/status/{prefix}/subscribe", data=data, timeout=30)


def path(kind: str) -> str:
    """A receiver path of its own, the secret part of a subscriber's URL."""
    return f"/{kind}/T0/{uuid.uuid4().hex}"


def subscribed(server: Server, hooks: Receiver, prefix: str, channel: str, components: list[str] | None = None) -> str:
    where = path(channel)
    answer = subscribe(server, prefix, channel, hooks.url + where, components)
    assert answer.status_code == 200 and "Subscribed" in answer.text, answer.text
    assert where not in answer.text
    return where


def degradation(admin: Admin, page: dict[str, Any], component: str, notify: bool = True) -> dict[str, Any]:
    response = admin.http.post(f"/api/v2/statuspages/{page['id']}/degradations",
                               params={"notify_subscribers": str(notify).lower()},
                               json={"data": {"type": "degradations", "attributes": {
                                   "title": "Login is slow", "status": "investigating", "description": "Looking <into> it",
                                   "components_affected": [{"id": page["ids"][component], "status": "degraded"}]}}})
    assert response.status_code == 201, response.text
    return response.json()["data"]


def maintenance(admin: Admin, page: dict[str, Any], start: datetime, notify: bool = True, title: str = "API upgrade") -> str:
    made = admin.http.post(f"/api/v2/statuspages/{page['id']}/maintenances", params={"notify_subscribers": str(notify).lower()},
                           json={"data": {"type": "maintenances", "attributes": {
                               "title": title, "start_date": iso(start), "completed_date": iso(start + timedelta(minutes=1)),
                               "components_affected": [{"id": page["ids"]["API"], "status": "maintenance"}],
                               "scheduled_description": "Upgrading the API", "in_progress_description": "upgrading",
                               "completed_description": "done"}}})
    assert made.status_code == 201, made.text
    return str(made.json()["data"]["id"])


def unsubscribe_link(server: Server, link: str) -> str:
    """A link the server wrote (RECESS_PUBLIC_URL), on the test server."""
    found = re.search(r"(/status/[^/]+/subscriptions/unsubscribe\?token=[\w-]+)$", link)
    assert found, link
    return server.url + found.group(1)


def slack_unsubscribe(message: dict[str, Any]) -> str:
    footer = message["blocks"][-1]
    assert footer["type"] == "context"
    found = re.search(r"<(http://[^|>]+/subscriptions/unsubscribe\?token=[\w-]+)\|Unsubscribe>", footer["elements"][0]["text"])
    assert found, footer
    return found.group(1)


def settler(server: Server, admin: Admin) -> Callable[[], None]:
    """Waits for what the admin's org has due (settle answers for the caller's org)."""
    key = admin.http.headers["DD-API-KEY"]
    return lambda: server.settle(key)


def leave(server: Server, link: str) -> None:
    local = unsubscribe_link(server, link)
    shown = httpx.get(local, timeout=30)
    assert shown.status_code == 200 and 'method="post"' in shown.text  # previews open links: a button
    assert httpx.post(local, timeout=30).status_code == 200


def test_slack_and_webhook_subscribers(hook_server: Server, hooks: Receiver) -> None:
    admin = Admin(hook_server)
    settle = settler(hook_server, admin)
    page = admin.page(subscriptions_enabled=True, slack_subscriptions_enabled=True)
    assert page["attributes"]["slack_subscriptions_enabled"] is True
    prefix = page["attributes"]["domain_prefix"]
    html = httpx.get(f"{hook_server.url}/status/{prefix}", timeout=30).text
    for field in ('name="email"', 'name="slack_url"', 'name="webhook_url"', 'value="slack"', 'value="webhook"'):
        assert field in html

    slack_all = subscribed(hook_server, hooks, prefix, "slack")
    slack_api = subscribed(hook_server, hooks, prefix, "slack", [page["ids"]["API"]])
    hook_all = subscribed(hook_server, hooks, prefix, "webhook")
    hook_login = subscribed(hook_server, hooks, prefix, "webhook", [page["ids"]["Login"]])
    # A Slack channel is told it is subscribed, with how to leave; webhooks get nothing yet.
    welcome = hooks.wait(slack_all)[0].json()
    assert welcome["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "Subscribed to Acme status", "emoji": True}}
    assert "all of it" in welcome["blocks"][1]["text"]["text"] and slack_unsubscribe(welcome)
    assert "API" in hooks.wait(slack_api)[0].json()["blocks"][1]["text"]["text"]
    # The same URL again: nothing changes and nothing more is sent.
    assert subscribe(hook_server, prefix, "slack", hooks.url + slack_all).status_code == 200
    hooks.quiet(slack_all, settle)
    hooks.quiet(hook_all, settle)
    assert len(hooks.at(slack_all)) == 1 and hooks.at(hook_all) == []

    # A degradation of Login with notify_subscribers: the whole page's and Login's subscribers.
    made = degradation(admin, page, "Login")
    message = hooks.wait(slack_all, 2)[-1]
    assert message.headers["content-type"] == "application/json" and message.headers["idempotency-key"]
    slack = message.json()
    assert slack["text"] == "[Acme] Login is slow: Investigating"
    assert [b["type"] for b in slack["blocks"]] == ["header", "section", "context", "actions", "context"]
    assert slack["blocks"][0]["text"]["text"] == "Login is slow"
    assert slack["blocks"][1]["text"] == {"type": "mrkdwn", "text": "*Investigating*\nLooking &lt;into&gt; it"}
    assert slack["blocks"][2]["elements"][0]["text"] == "*Components:* Login: Degraded performance"
    button = slack["blocks"][3]["elements"][0]
    assert button["type"] == "button" and button["url"].endswith(f"/status/{prefix}/incidents/{made['id']}")
    assert slack_unsubscribe(slack) == slack_unsubscribe(welcome)

    for where in (hook_all, hook_login):
        body = hooks.wait(where)[-1].json()
        assert body["meta"]["unsubscribe"].startswith("http") and "/subscriptions/unsubscribe?token=" in body["meta"]["unsubscribe"]
        assert body["meta"]["documentation"].startswith("https://")
        assert body["page"] == {"id": page["id"], "status_indicator": "minor", "status_description": "Partially Degraded Service"}
        incident = body["incident"]
        assert incident["id"] == made["id"] and incident["name"] == "Login is slow" and incident["status"] == "investigating"
        assert incident["impact"] == "minor" and incident["backfilled"] is False and incident["resolved_at"] is None
        assert incident["shortlink"].endswith(f"/status/{prefix}/incidents/{made['id']}")
        assert STAMP.match(incident["created_at"]) and STAMP.match(incident["updated_at"])
        [update] = incident["incident_updates"]
        assert update["status"] == "investigating" and update["body"] == "Looking <into> it" and update["incident_id"] == made["id"]
        assert update["affected_components"] == [{"code": page["ids"]["Login"], "name": "Login", "old_status": "operational",
                                                  "new_status": "degraded_performance"}]
        assert [(c["id"], c["name"], c["status"]) for c in incident["components"]] == [
            (page["ids"]["Login"], "Login", "degraded_performance")]
    # Each webhook subscriber has a link of its own.
    assert hooks.at(hook_all)[-1].json()["meta"]["unsubscribe"] != hooks.at(hook_login)[-1].json()["meta"]["unsubscribe"]
    hooks.quiet(slack_api, settle)
    assert len(hooks.at(slack_api)) == 1  # API's subscriber: only its welcome

    # Without notify_subscribers: nothing to anyone.
    degradation(admin, page, "Login", notify=False)
    for where in (slack_all, slack_api, hook_all, hook_login):
        hooks.quiet(where, settle)
    assert (len(hooks.at(slack_all)), len(hooks.at(hook_all)), len(hooks.at(hook_login))) == (2, 1, 1)

    # Unsubscribing through the links: the Slack footer's and the webhook's meta.unsubscribe.
    leave(hook_server, slack_unsubscribe(slack))
    leave(hook_server, hooks.at(hook_login)[-1].json()["meta"]["unsubscribe"])
    degradation(admin, page, "Login")
    hooks.wait(hook_all, 2)
    for where in (slack_all, hook_login):
        hooks.quiet(where, settle)
    assert len(hooks.at(slack_all)) == 2 and len(hooks.at(hook_login)) == 1

    # The URLs are in no answer and no log line.
    listed = admin.http.get(f"/api/v2/statuspages/{page['id']}").text
    assert hook_server.log_path is not None
    logged = hook_server.log_path.read_text()
    for where in (slack_all, slack_api, hook_all, hook_login):
        assert where not in logged and where not in listed and where.rsplit("/", 1)[1] not in logged


def test_internal_and_plain_targets_are_refused(hook_server: Server, hooks: Receiver) -> None:
    admin = Admin(hook_server)
    page = admin.page(subscriptions_enabled=True, slack_subscriptions_enabled=True)
    prefix = page["attributes"]["domain_prefix"]
    for url, why in (("https://10.0.0.5/hook", "internal"), ("https://169.254.169.254/latest", "internal"),
                     ("https://localhost/hook", "internal"), ("https://[::1]/hook", "internal"),
                     ("http://hooks.example.com/services/T0", "https"), ("ftp://hooks.example.com/x", "http"),
                     ("hooks.slack.com/services/T0", "URL"), ("", "URL")):
        for channel in ("slack", "webhook"):
            refused = subscribe(hook_server, prefix, channel, url)
            assert refused.status_code == 400 and why in refused.text, (url, refused.text)
    # Allowed ones: https to a public name (not sent to here), http to what the operator allows.
    assert subscribe(hook_server, prefix, "webhook", "https://hooks.example.com/in").status_code == 200
    assert subscribe(hook_server, prefix, "webhook", hooks.url + path("webhook")).status_code == 200

    # Each kind only where the page takes it: Slack with slack_subscriptions_enabled, email and
    # webhooks with subscriptions_enabled.
    slack_only = admin.page(slack_subscriptions_enabled=True)["attributes"]["domain_prefix"]
    html = httpx.get(f"{hook_server.url}/status/{slack_only}", timeout=30).text
    assert 'name="slack_url"' in html and 'name="email"' not in html and 'name="webhook_url"' not in html
    assert subscribe(hook_server, slack_only, "webhook", hooks.url + path("webhook")).status_code == 400
    assert subscribe(hook_server, slack_only, "email", "someone@example.org").status_code == 400
    assert subscribe(hook_server, slack_only, "slack", hooks.url + path("slack")).status_code == 200
    email_only = admin.page(subscriptions_enabled=True)["attributes"]["domain_prefix"]
    assert 'name="slack_url"' not in httpx.get(f"{hook_server.url}/status/{email_only}", timeout=30).text
    assert subscribe(hook_server, email_only, "slack", hooks.url + path("slack")).status_code == 400
    neither = admin.page()["attributes"]["domain_prefix"]
    assert 'class="subscribe"' not in httpx.get(f"{hook_server.url}/status/{neither}", timeout=30).text
    assert subscribe(hook_server, neither, "slack", hooks.url + path("slack")).status_code == 400
    assert subscribe(hook_server, email_only, "pigeon", "x").status_code == 400


def server_now(server: Server) -> datetime:
    with server.http() as http:
        answer = http.post("/api/v1/_recess/clock", json={"seconds": 0})
        answer.raise_for_status()
        return datetime.fromisoformat(answer.json()["now"].replace("Z", "+00:00"))


def test_the_schedulers_start_and_completion_are_announced(hook_server: Server, hooks: Receiver, inbox: Inbox) -> None:
    admin = Admin(hook_server)
    settle = settler(hook_server, admin)
    page = admin.page(subscriptions_enabled=True, slack_subscriptions_enabled=True)
    prefix = page["attributes"]["domain_prefix"]
    reader = f"reader-{uuid.uuid4().hex[:10]}@example.org"
    assert subscribe(hook_server, prefix, "email", reader).status_code == 200
    assert httpx.get(mailbox.link(inbox.wait_for(reader, 1, hook_server)[0], "confirm", hook_server), timeout=30).status_code == 200
    slack_api = subscribed(hook_server, hooks, prefix, "slack", [page["ids"]["API"]])
    slack_login = subscribed(hook_server, hooks, prefix, "slack", [page["ids"]["Login"]])
    hook_all = subscribed(hook_server, hooks, prefix, "webhook")
    hooks.wait(slack_api)

    now = server_now(hook_server)
    announced = maintenance(admin, page, now + timedelta(minutes=1))
    maintenance(admin, page, now + timedelta(minutes=1), notify=False, title="Quiet upgrade")
    admin.backfill_maintenance(page, "Old upgrade", "API", now - timedelta(days=2), 1)
    scheduled = hooks.wait(hook_all)[-1].json()["incident"]
    assert scheduled["id"] == announced and scheduled["status"] == "scheduled" and scheduled["impact"] == "maintenance"
    assert STAMP.match(scheduled["scheduled_for"]) and STAMP.match(scheduled["scheduled_until"])
    assert "Window: <!date^" in hooks.wait(slack_api, 2)[-1].json()["blocks"][1]["text"]["text"]
    assert "API upgrade: Scheduled" in inbox.wait_for(reader, 2, hook_server)[-1]["Subject"]

    # The scheduler starts both at their start_date: only the one created with notify_subscribers is announced.
    for status, label, seconds in (("in_progress", "In progress", 61), ("completed", "Completed", 60)):
        hook_server.advance(seconds)
        settle()
        states = [r.json()["incident"] for r in hooks.wait(hook_all, {"in_progress": 2, "completed": 3}[status])]
        assert [(s["id"], s["status"]) for s in states][-1] == (announced, status)
        update = states[-1]["incident_updates"][0]
        assert update["status"] == status and update["body"] == ("upgrading" if status == "in_progress" else "done")
        slack = hooks.wait(slack_api, {"in_progress": 3, "completed": 4}[status])[-1].json()
        assert slack["text"] == f"[Acme] API upgrade: {label}" and slack["blocks"][1]["text"]["text"].startswith(f"*{label}*")
        assert slack["blocks"][2]["elements"][0]["text"] == "*Components:* API"
        assert inbox.wait_for(reader, {"in_progress": 3, "completed": 4}[status], hook_server)[-1]["Subject"] == (
            f"[Acme] API upgrade: {label}")
    for where in (hook_all, slack_api, slack_login):
        hooks.quiet(where, settle)
    assert len(hooks.at(hook_all)) == 3 and len(hooks.at(slack_api)) == 4 and len(inbox.to(reader)) == 4
    assert len(hooks.at(slack_login)) == 1  # Login's subscriber: only its welcome
    assert all("Quiet" not in json.dumps(r.json()) and "Old upgrade" not in json.dumps(r.json()) for r in hooks.at(hook_all))
