"""Webhooks never reach internal targets unless the operator allows them (RECESS_WEBHOOK_ALLOW).

The shared test servers allow 127.0.0.1/32, where the test receivers listen. The guarded
servers here allow only the name allowed.test, and answer rebind.test and allowed.test with
127.0.0.1 (tests/fake_dns, standing in for a DNS server the test controls), so one name that
resolves to the receiver is refused at send time and the other is delivered to it.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v1.api.webhooks_integration_api import WebhooksIntegrationApi
from datadog_api_client.v1.model.webhooks_integration import WebhooksIntegration

from tests import receiver as receivers
from tests.api.conftest import configuration, errors_of
from tests.conftest import BACKENDS, Server, launch
from tests.receiver import Receiver

HOOKS = "/api/v1/integration/webhooks/configuration/webhooks"
FAKE_DNS = Path(__file__).resolve().parents[1] / "fake_dns"


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    yield from receivers.running()


@pytest.fixture(scope="module", params=BACKENDS)
def guarded_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose allow list does not cover 127.0.0.1, with two names that resolve there."""
    srv = launch(request.param, tmp_path_factory.mktemp(f"recess-guarded-{request.param}"), request, extra_env={
        "RECESS_WEBHOOK_ALLOW": "allowed.test",
        "TESTS_FAKE_HOSTS": "rebind.test=127.0.0.1,allowed.test=127.0.0.1",
        "PYTHONPATH": os.pathsep.join(p for p in (str(FAKE_DNS), os.environ.get("PYTHONPATH", "")) if p),
    })
    yield srv
    srv.stop()


def create(http: httpx.Client, **body: Any) -> httpx.Response:
    body.setdefault("name", f"h{uuid.uuid4().hex[:8]}")
    return http.post(HOOKS, json=body)


def refused_with(answer: httpx.Response, *words: str) -> str:
    assert answer.status_code == 400, answer.text
    [message] = answer.json()["errors"]
    assert all(w in message for w in words), message
    return str(message)


# --- when a webhook is written ---------------------------------------------------------------------


def test_cloud_metadata_address_is_refused_at_creation(server: Server) -> None:
    with server.http() as http:
        message = refused_with(create(http, url="http://169.254.169.254/latest/meta-data/"), "link-local", "metadata")
        assert message.startswith("Invalid webhook url: 169.254.169.254 is a link-local address")
        assert "RECESS_WEBHOOK_ALLOW" in message


def test_the_official_client_gets_a_400_too(server: Server) -> None:
    with ApiClient(configuration(server)) as client, pytest.raises(ApiException) as exc:
        WebhooksIntegrationApi(client).create_webhooks_integration(body=WebhooksIntegration(
            name=f"h{uuid.uuid4().hex[:8]}", url="http://169.254.169.254/latest/meta-data/iam/"))
    assert exc.value.status == 400 and "link-local" in str(errors_of(exc.value)[0])


@pytest.mark.parametrize(("url", "why"), [
    ("http://localhost:5432/", "localhost"),
    ("http://app.localhost/", "localhost"),
    ("http://[::1]:22/", "loopback"),
    ("http://127.0.0.2/", "loopback"),  # the test servers allow 127.0.0.1/32 only
    ("http://0x7f.0.0.2/", "loopback"),
    ("http://2130706434/", "loopback"),
    ("http://[::ffff:169.254.169.254]/", "IPv4-mapped"),
    ("http://0.0.0.0:8080/", "unspecified"),
    ("http://10.1.2.3/", "private"),
    ("http://100.64.0.1/", "shared"),
    ("http://[fd00:ec2::254]/", "unique local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://224.0.0.251/", "multicast"),
])
def test_internal_targets_are_refused_at_creation(server: Server, url: str, why: str) -> None:
    with server.http() as http:
        refused_with(create(http, url=url), "Invalid webhook url", why)


@pytest.mark.parametrize("url", ["http://[::1", "http://[::1]x/", "http://example.com:99999/", "http://1.2.3.4.5/",
                                 "http://exa%6dple.com/", "http:///nohost", "http://example.com/\n"])
def test_malformed_urls_are_refused(server: Server, url: str) -> None:
    with server.http() as http:
        refused_with(create(http, url=url), "Invalid webhook url")


@pytest.mark.parametrize(("headers", "why"), [
    ({"X-Team": "équipe"}, "printable ASCII"),
    ({"X-Note": "a\r\nX-Injected: 1"}, "printable ASCII"),
    ({"X-Nul": "a\u0000b"}, "printable ASCII"),
    ({"X-Tab\u00e9": "v"}, "header name"),
    ({"Bad Name": "v"}, "header name"),
    ({"Host": "169.254.169.254"}, "Host cannot be set"),
    ({"content-length": "0"}, "cannot be set"),
    ({"Transfer-Encoding": "chunked"}, "cannot be set"),
    ({"Connection": "close"}, "cannot be set"),
])
def test_custom_headers_that_cannot_be_sent_are_refused(server: Server, headers: dict[str, str], why: str) -> None:
    with server.http() as http:
        refused_with(create(http, url="https://example.com/", custom_headers=json.dumps(headers)), "Invalid custom_headers", why)


def test_update_to_an_internal_target_is_refused(server: Server) -> None:
    with server.http() as http:
        created = create(http, url="https://example.com/a", custom_headers='{"X-Team": "sre"}')
        assert created.status_code == 200, created.text
        name = created.json()["name"]
        refused_with(http.put(f"{HOOKS}/{name}", json={"url": "http://169.254.169.254/"}), "link-local")
        refused_with(http.put(f"{HOOKS}/{name}", json={"custom_headers": '{"Host": "internal"}'}), "Host")
        assert http.get(f"{HOOKS}/{name}").json()["url"] == "https://example.com/a"
        assert http.put(f"{HOOKS}/{name}", json={"url": "https://example.com/b"}).json()["url"] == "https://example.com/b"


def test_the_allow_list_applies_at_creation(server: Server, guarded_server: Server) -> None:
    with server.http() as http:  # allows 127.0.0.1/32
        assert create(http, url="http://127.0.0.1:9/x").status_code == 200
        assert create(http, url="http://2130706433:9/x").status_code == 200  # the same address, spelled as a number
    with guarded_server.http() as http:  # allows the name allowed.test only
        refused_with(create(http, url="http://127.0.0.1:9/x"), "loopback")
        assert create(http, url="http://allowed.test:9/x").status_code == 200
        # A name is not resolved when it is written: rebind.test is judged when it is sent.
        assert create(http, url="http://rebind.test:9/x").status_code == 200


# --- when a notification is sent -------------------------------------------------------------------


class Org:
    """An org of its own on a server, with a monitor that mentions one webhook."""

    def __init__(self, server: Server, url: str) -> None:
        self.server = server
        api_key, app_key = server.create_keys("--org", f"targets-{uuid.uuid4().hex[:8]}", "--email", "oncall@example.com", "--admin")
        self.http = httpx.Client(base_url=server.url, headers=server.headers(api_key, app_key), timeout=30)
        self.api_key = api_key
        self.hook = f"hook-{uuid.uuid4().hex[:8]}"
        answer = create(self.http, name=self.hook, url=url.replace("{hook}", self.hook))
        assert answer.status_code == 200, answer.text
        self.check = f"app.up.{uuid.uuid4().hex[:6]}"
        monitor = self.http.post("/api/v1/monitor", json={
            "type": "service check", "name": f"{self.check} monitor", "message": f"down @webhook-{self.hook}",
            "query": f'"{self.check}".over("*").by("host").last(1).count_by_status()'})
        assert monitor.status_code == 200, monitor.text
        self.monitor_id = monitor.json()["id"]

    def alert(self) -> dict[str, Any]:
        """A check run that alerts; once the server has sent what it will, the delivery."""
        answer = self.http.post("/api/v1/check_run", json={"check": self.check, "host_name": "web-1", "status": 2})
        assert answer.status_code == 202, answer.text
        self.server.settle(self.api_key)
        [note] = self.http.get(f"/api/v1/monitor/{self.monitor_id}/notifications").json()["data"]
        [delivery] = note["deliveries"]
        return dict(delivery)


def test_a_name_resolving_to_loopback_is_not_sent_to(guarded_server: Server, receiver: Receiver) -> None:
    port = receiver.server.server_address[1]
    org = Org(guarded_server, f"http://rebind.test:{port}/{{hook}}")
    delivery = org.alert()
    assert delivery["state"] == "failed" and delivery["attempts"] == 1 and delivery["last_status"] is None
    assert delivery["last_error"].startswith("refused: rebind.test resolves to 127.0.0.1, a loopback address")
    receiver.quiet(f"/{org.hook}", lambda: guarded_server.settle(org.api_key))  # nothing arrives, and no retry
    assert org.http.get(f"/api/v1/monitor/{org.monitor_id}/notifications").json()["data"][0]["deliveries"][0]["attempts"] == 1
    assert guarded_server.log_path is not None
    [line] = [line for line in guarded_server.log_path.read_text().splitlines() if f"webhook {org.hook} " in line]
    assert " WARNING recess.delivery: delivery " in line, line
    assert f"for monitor {org.monitor_id} was not sent: refused: rebind.test resolves to 127.0.0.1" in line


def test_with_the_allow_entry_delivery_works(guarded_server: Server, receiver: Receiver) -> None:
    port = receiver.server.server_address[1]
    org = Org(guarded_server, f"http://allowed.test:{port}/{{hook}}")
    delivery = org.alert()
    assert delivery["state"] == "delivered" and delivery["last_status"] == 200, delivery
    [request] = receiver.wait(f"/{org.hook}")
    assert request.headers["host"] == f"allowed.test:{port}"  # connected to 127.0.0.1, still addressed to the name
    assert request.json()["title"].startswith("[Triggered on {host:web-1}]")
