"""Sending only to vetted targets (notifications/delivery.py): the deliverer's client against
real local receivers, with the name resolution given by the test."""

from __future__ import annotations

import logging
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from recess.notifications import delivery, posts, targets
from recess.notifications.delivery import Deliverer, GuardedTransport, Outcome
from recess.notifications.model import Delivery
from tests import receiver as receivers
from tests.receiver import Receiver

LOOPBACK_ALLOWED = targets.parse_allow("127.0.0.1/32")


class Resolver:
    """getaddrinfo for the names it knows; counts the look-ups."""

    def __init__(self, names: dict[str, list[str]]) -> None:
        self.names = names
        self.calls: list[str] = []

    def __call__(self, host: str, port: Any, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        self.calls.append(host)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, int(port)))
                for a in self.names[host]]


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    yield from receivers.running()


@pytest.fixture
def no_other_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system resolver may look up address literals only: a name looked up anywhere but in
    the deliverer's own resolver would be a second, unchecked look-up."""
    real = socket.getaddrinfo

    def literal_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in str(host) else socket.AF_INET, str(host).split("%")[0])
        except OSError:
            raise AssertionError(f"{host} was looked up outside the deliverer's resolver") from None
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", literal_only)


def row(url: str, headers: dict[str, str] | None = None) -> Delivery:
    return Delivery(id=1, webhook="hook", url=url, headers={"Content-Type": "application/json", **(headers or {})},
                    body='{"a": 1}', idempotency_key="key-1", attempts=1, state="pending")


def send(url: str, resolver: Resolver, allow: targets.Allow = targets.NOTHING_ALLOWED,
         headers: dict[str, str] | None = None) -> Outcome:
    deliverer = Deliverer(None, timeout=2, allow=allow, resolve=resolver)  # type: ignore[arg-type]  # no database needed
    with deliverer.client() as client:
        return deliverer.send(client, row(url, headers))


def port_of(receiver: Receiver) -> int:
    return int(receiver.server.server_address[1])


def test_connects_to_the_vetted_address_keeping_the_host(receiver: Receiver, no_other_lookups: None) -> None:
    resolver = Resolver({"hook.test": ["127.0.0.1"]})
    outcome = send(f"http://hook.test:{port_of(receiver)}/pinned", resolver, LOOPBACK_ALLOWED)
    assert outcome.state == "delivered", outcome
    [request] = receiver.at("/pinned")
    assert request.headers["host"] == f"hook.test:{port_of(receiver)}"
    assert resolver.calls == ["hook.test"]  # resolved once, by the check, and connected to what it checked


def test_a_name_resolving_to_an_internal_address_is_refused(receiver: Receiver, no_other_lookups: None) -> None:
    resolver = Resolver({"rebind.test": ["127.0.0.1"]})
    outcome = send(f"http://rebind.test:{port_of(receiver)}/refused", resolver)
    assert (outcome.state, outcome.status, outcome.refused) == ("failed", None, True)
    assert outcome.error is not None and outcome.error.startswith("refused: rebind.test resolves to 127.0.0.1, a loopback address")
    assert receiver.at("/refused") == []


def test_any_internal_address_among_several_refuses(receiver: Receiver, no_other_lookups: None) -> None:
    """DNS rebinding: a public address first and an internal one after must not get through."""
    resolver = Resolver({"mixed.test": ["93.184.216.34", "127.0.0.1"], "metadata.test": ["127.0.0.1", "169.254.169.254"]})
    outcome = send(f"http://mixed.test:{port_of(receiver)}/mixed", resolver)
    assert outcome.refused and "127.0.0.1" in (outcome.error or "")
    # Allowing 127.0.0.1 does not allow the metadata address resolved beside it.
    outcome = send(f"http://metadata.test:{port_of(receiver)}/mixed", resolver, LOOPBACK_ALLOWED)
    assert outcome.refused and "169.254.169.254" in (outcome.error or "")
    assert receiver.at("/mixed") == []


def test_ipv4_mapped_answers_are_refused(receiver: Receiver) -> None:
    resolver = Resolver({"mapped.test": ["::ffff:169.254.169.254"]})
    outcome = send("http://mapped.test/", resolver)
    assert outcome.refused and "IPv4-mapped" in (outcome.error or "")


def test_a_host_entry_allows_the_name_whatever_it_resolves_to(receiver: Receiver, no_other_lookups: None) -> None:
    resolver = Resolver({"hooks.internal": ["127.0.0.1"]})
    url = f"http://hooks.internal:{port_of(receiver)}/named"
    assert send(url, resolver, targets.parse_allow(f"hooks.internal:{port_of(receiver)}")).state == "delivered"
    assert send(url, resolver, targets.parse_allow("hooks.internal:1")).refused
    assert len(receiver.at("/named")) == 1


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://2130706433:{port}/literal",
                                 "http://[::ffff:127.0.0.1]:{port}/literal", "http://localhost:{port}/literal"])
def test_stored_internal_urls_are_refused_without_a_connection(receiver: Receiver, monkeypatch: pytest.MonkeyPatch,
                                                               url: str) -> None:
    """Rows written before the checks existed are refused before anything is looked up or connected."""
    resolver = Resolver({})
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("connected"))
    outcome = send(url.format(port=port_of(receiver)), resolver)
    assert outcome.refused and resolver.calls == []
    assert receiver.at("/literal") == []


def test_a_stored_malformed_url_fails_once(receiver: Receiver) -> None:
    outcome = send("http://[::1", Resolver({}))
    assert outcome.state == "failed" and not outcome.refused and "cannot be sent" in (outcome.error or "")


def test_a_name_that_does_not_resolve_is_retried(receiver: Receiver) -> None:
    outcome = send("http://nowhere.test/", Resolver({}))
    assert outcome.state == "retry" and "cannot resolve nowhere.test" in (outcome.error or "")


def test_custom_headers_never_override_host_framing_or_the_idempotency_key(receiver: Receiver) -> None:
    resolver = Resolver({"hook.test": ["127.0.0.1"]})
    outcome = send(f"http://hook.test:{port_of(receiver)}/headers", resolver, LOOPBACK_ALLOWED, headers={
        "Host": "169.254.169.254", "Content-Length": "1", "Transfer-Encoding": "chunked", "connection": "upgrade",
        "idempotency-key": "mine", "X-Team": "sre",
    })
    assert outcome.state == "delivered", outcome
    [request] = receiver.at("/headers")
    assert request.headers["host"] == f"hook.test:{port_of(receiver)}"
    assert request.headers["content-length"] == "8" and "transfer-encoding" not in request.headers
    assert request.headers["idempotency-key"] == "key-1" and request.headers["x-team"] == "sre"
    assert request.body == b'{"a": 1}'


def test_a_stored_header_that_cannot_be_sent_fails_once(receiver: Receiver) -> None:
    resolver = Resolver({"hook.test": ["127.0.0.1"]})
    outcome = send(f"http://hook.test:{port_of(receiver)}/bad-header", resolver, LOOPBACK_ALLOWED,
                   headers={"X-Split": "a\r\nX-Injected: 1"})
    assert outcome.state == "failed" and "printable ASCII" in (outcome.error or "")
    assert receiver.at("/bad-header") == []


def test_refusals_are_logged_at_warning(caplog: pytest.LogCaptureFixture) -> None:
    outcome = delivery.refused("rebind.test resolves to 127.0.0.1, a loopback address")
    with caplog.at_level(logging.WARNING, logger="recess.delivery"):
        delivery._log_failure(row("http://rebind.test/"), 7, outcome, "failed")
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "delivery 1 to webhook hook for monitor 7 was not sent: refused: rebind.test resolves to 127.0.0.1" in record.getMessage()


# --- TLS: the certificate is checked against the URL's host, which is also the SNI name ---------


def _certificate(tmp: Path, name: str) -> tuple[Path, Path]:
    cert, key = tmp / f"{name}.pem", tmp / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
                    "-addext", f"subjectAltName=DNS:{name}", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture(scope="module")
def tls_receiver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path, list[str]]]:
    """An HTTPS receiver on 127.0.0.1 with a certificate for hook.test; the SNI names it saw."""
    tmp = tmp_path_factory.mktemp("tls")
    cert, key = _certificate(tmp, "hook.test")
    seen: list[str] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: seen.append(name or "")  # type: ignore[assignment,func-returns-value]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1]), cert, seen
    server.shutdown()


def _tls_send(url: str, resolver: Resolver, trusted: Path) -> Outcome:
    deliverer = Deliverer(None, timeout=5, allow=LOOPBACK_ALLOWED, resolve=resolver)  # type: ignore[arg-type]
    context = ssl.create_default_context(cafile=str(trusted))
    import httpx

    with httpx.Client(timeout=5, transport=GuardedTransport(LOOPBACK_ALLOWED, resolver, ssl_context=context)) as client:
        return deliverer.send(client, row(url))


def test_tls_uses_the_url_host_for_sni_and_the_certificate(tls_receiver: tuple[int, Path, list[str]],
                                                            no_other_lookups: None) -> None:
    port, cert, seen = tls_receiver
    outcome = _tls_send(f"https://hook.test:{port}/", Resolver({"hook.test": ["127.0.0.1"]}), cert)
    assert outcome.state == "delivered", outcome
    assert seen[-1] == "hook.test"
    # Another name pinned to the same address does not pass with hook.test's certificate.
    outcome = _tls_send(f"https://other.test:{port}/", Resolver({"other.test": ["127.0.0.1"]}), cert)
    assert outcome.state == "retry" and "certificate" in (outcome.error or "").lower()


# --- subscribers' posts: their URL is a secret -----------------------------------------------------

SECRET = "https://hooks.example/services/T0/B0/s3cr3t"


def subscriber_row(url: str, channel: str) -> Delivery:
    made = row(url)
    made.channel, made.webhook = channel, "status page acme"
    return made


def test_a_subscriber_url_quoted_in_an_error_is_hidden() -> None:
    """An error or an answer quoting a Slack or webhook subscriber's URL is kept without it; a
    monitor webhook's (an org's own configuration, not a secret) is kept as it was."""
    def echo(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("down"):
            raise httpx.ConnectError(f"cannot reach {request.url}")
        return httpx.Response(400, text=f"no such hook: {request.url} (path {request.url.path})")

    deliverer = Deliverer(None, timeout=2)  # type: ignore[arg-type]  # no database needed
    with httpx.Client(transport=httpx.MockTransport(echo)) as client:
        for channel in posts.CHANNELS:
            for url in (SECRET, SECRET + "/down"):
                outcome = deliverer.send(client, subscriber_row(url, channel))
                assert outcome.error and "s3cr3t" not in outcome.error and posts.HIDDEN in outcome.error, outcome
        assert "s3cr3t" in (deliverer.send(client, row(SECRET)).error or "")


def test_subscriber_posts_are_logged_by_label(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="recess.delivery"):
        delivery._log_failure(subscriber_row(SECRET, posts.SLACK), None, Outcome("retry", 503, None), "retried")
    [record] = caplog.records
    assert record.getMessage().startswith("delivery 1 (slack) for status page acme failed (attempt 1 of 12: status 503)")
    assert "s3cr3t" not in record.getMessage()
