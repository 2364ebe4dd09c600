"""A real SMTP server in the test process (aiosmtpd), and reading what subscribers were mailed."""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

import pytest

from tests.conftest import Server, free_port, launch


class Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.port = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]

    def wait_for(self, address: str, count: int, server: Server) -> list[EmailMessage]:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            server.settle()
            if len(self.to(address)) >= count:
                return self.to(address)
            time.sleep(0.1)
        raise AssertionError(f"{len(self.to(address))} mails, not {count}")


def running() -> Iterator[Inbox]:
    """An SMTP server on a free port of 127.0.0.1 for as long as the generator is open."""
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


def mailing_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, inbox: Inbox,
                   name: str) -> Iterator[Server]:
    """A server of a module's own (`request.param` the backend) whose mail goes to `inbox`."""
    srv = launch(request.param, tmp_path_factory.mktemp(f"recess-{name}-{request.param}"), request, extra_env={
        "RECESS_SMTP_URL": f"smtp://127.0.0.1:{inbox.port}", "RECESS_SMTP_FROM": "status@example.com"})
    yield srv
    srv.stop()


def link(message: EmailMessage, kind: str, server: Server) -> str:
    """The confirm or unsubscribe link of a mail, on the test server (mails use RECESS_PUBLIC_URL)."""
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"http://[^/\s]+(/\S+/subscriptions/" + kind + r"\?token=\S+)", text)
    assert found, text
    return server.url + found.group(1)
