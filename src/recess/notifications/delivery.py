"""Sending the outbox: lease due deliveries, POST them, record what the receiver answered.

A delivery is leased before it is sent (FOR UPDATE SKIP LOCKED on PostgreSQL, so processes
never take the same row), and the lease expires, so one held by a process that died is sent
again by another: receivers get an `Idempotency-Key` header that stays the same across attempts.
2xx is delivered; 4xx is failed with the answer kept; 5xx, timeouts and connection errors are
retried with exponential backoff up to MAX_ATTEMPTS.

Only targets `recess.notifications.targets` lets through are connected to: the HTTP client's
network backend resolves each host once, refuses it if ANY address it resolves to is internal
(and not allowed by RECESS_WEBHOOK_ALLOW), and connects to those vetted addresses itself, so a
name cannot answer a public address to the check and an internal one to the connection (DNS
rebinding). The Host header, TLS SNI and certificate check still use the URL's host. A refused
delivery fails at once, with the reason kept, and is logged at WARNING.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import socket
import time
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpcore
import httpx
from sqlalchemy import func, or_, select

from recess.core import clock
from recess.core.db import Database
from recess.core.metrics import Metrics
from recess.core.worker import Worker
from recess.notifications import email, posts, targets, templates
from recess.notifications.model import Delivery, Notification

log = logging.getLogger("recess.delivery")
MAX_ATTEMPTS = 12
MAX_BACKOFF = 300.0
BATCH = 20
# socket.getaddrinfo's signature, for resolvers given in tests.
Resolve = Callable[..., list[tuple[typing.Any, typing.Any, typing.Any, str, tuple[typing.Any, ...]]]]


def backoff(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s … up to five minutes."""
    return timedelta(seconds=min(MAX_BACKOFF, 2.0 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class Outcome:
    state: str  # delivered | failed | retry
    status: int | None
    error: str | None
    refused: bool = False  # not attempted: the target is internal


def refused(reason: str) -> Outcome:
    return Outcome("failed", None, f"refused: {reason}", refused=True)


def classify(status: int | None, error: str | None) -> Outcome:
    if status is not None and 200 <= status < 300:
        return Outcome("delivered", status, None)
    if status is not None and 400 <= status < 500:
        return Outcome("failed", status, error)
    return Outcome("retry", status, error)


def _about(row: Delivery, monitor_id: int | None) -> str:
    """What a log line calls a delivery: a webhook's name and its monitor, or (emails and
    subscribers' posts, whose address is a secret) the channel and its label."""
    if row.channel != email.CHANNEL and row.channel not in posts.CHANNELS:
        return f"to webhook {row.webhook} for monitor {monitor_id}"
    return f"({row.channel}) for {row.webhook}"


def _log_failure(row: Delivery, monitor_id: int | None, outcome: Outcome, result: str) -> None:
    """WARNING for an attempt that will be retried, ERROR for a delivery given up on."""
    answer = f"status {outcome.status}" if outcome.status is not None else (outcome.error or "no answer")
    about = _about(row, monitor_id)
    if outcome.refused:
        log.warning("delivery %s %s was not sent: %s", row.id, about, answer)
    elif result == "retried":
        log.warning(
            "delivery %s %s failed (attempt %d of %d: %s); next attempt at %s",
            row.id, about, row.attempts, MAX_ATTEMPTS, answer,
            row.next_attempt_at.isoformat() if row.next_attempt_at else "?")
    else:
        log.error("delivery %s %s is dead after attempt %d: %s", row.id, about, row.attempts, answer)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend, connecting only to vetted addresses: each host is resolved
    once, here, and the socket goes to one of the addresses that were checked."""

    def __init__(self, allow: targets.Allow, resolve: Resolve | None = None) -> None:
        self.allow = allow
        self.resolve = resolve

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for host:port, all vetted. Raises targets.Refused, or
        httpcore.ConnectError when the name does not resolve (retried, as before)."""
        try:
            name, literal = targets.read_host(host)
        except targets.Malformed as exc:
            raise targets.Refused(str(exc)) from None
        why = targets.host_refusal(name, port, literal, self.allow, host)
        if why is not None:
            raise targets.Refused(why)
        if literal is not None:
            return [str(literal)]
        resolve = self.resolve or socket.getaddrinfo
        try:
            found = resolve(name, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {name}: {exc}") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
        why = targets.resolved_refusal(name, port, [ipaddress.ip_address(a.split("%")[0]) for a in addresses], self.allow)
        if why is not None:
            raise targets.Refused(why)
        return addresses

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None) -> httpcore.NetworkStream:
        deadline = None if timeout is None else time.monotonic() + timeout
        failure: Exception | None = None
        for address in self.addresses(host, port):
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                break
            try:  # an address literal: no name is looked up again
                return super().connect_tcp(address, port, left, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure or httpcore.ConnectTimeout(f"timed out connecting to {host}:{port}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None) -> httpcore.NetworkStream:
        raise targets.Refused("webhooks are not sent over Unix sockets")


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with the guarded backend underneath. No proxy: HTTP(S)_PROXY would
    connect on a webhook's behalf, unchecked. SSL_CERT_FILE and SSL_CERT_DIR still apply."""

    def __init__(self, allow: targets.Allow, resolve: Resolve | None = None, ssl_context: typing.Any = None) -> None:
        super().__init__()
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
        # httpx takes no network backend of its own, so its pool is replaced by one built the same
        # way with the guarded backend (tests/test_webhook_delivery_guard.py checks it is used).
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(),
            max_connections=limits.max_connections, max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry, network_backend=GuardedBackend(allow, resolve),
        )


class Deliverer:
    def __init__(self, db: Database, timeout: float = 10.0, metrics: Metrics | None = None,
                 allow: targets.Allow = targets.NOTHING_ALLOWED, resolve: Resolve | None = None,
                 smtp: email.Smtp | None = None, sender: str = "recess@localhost") -> None:
        self.db = db
        self.smtp, self.sender = smtp, sender  # RECESS_SMTP_URL, RECESS_SMTP_FROM: for email deliveries
        self.timeout = timeout
        self.metrics = metrics or Metrics()
        self.allow = allow  # RECESS_WEBHOOK_ALLOW
        self.resolve = resolve  # socket.getaddrinfo unless a test gives its own
        self.heartbeat: float | None = None  # time.monotonic() when the loop last made progress
        # A send never outlasts the timeout, so a lease this long is only ever held by a
        # process that died mid-send; then another sends it again.
        self.lease = timedelta(seconds=timeout + 5)
        self.worker = Worker("delivery", self._step)
        self._client: httpx.Client | None = None

    @property
    def alive(self) -> bool:
        return self.worker.alive

    def client(self) -> httpx.Client:
        """The client deliveries are sent with: it connects only to vetted addresses and never
        follows redirects (a redirect would be a new, unchecked target)."""
        return httpx.Client(timeout=self.timeout, follow_redirects=False, trust_env=False,
                            transport=GuardedTransport(self.allow, self.resolve))

    def start(self) -> None:
        self._client = self.client()
        self.worker.start()

    def wake(self, due: datetime | None = None) -> None:
        """Deliveries were enqueued: send them now (they are always due when written)."""
        self.worker.wake()

    def stop(self) -> None:
        self.worker.stop(timeout=15)
        if self._client is not None:
            self._client.close()

    def claim(self, now: datetime) -> list[Delivery]:
        with self.db.session() as session:
            query = (
                select(Delivery)
                .where(Delivery.state == "pending", Delivery.next_attempt_at <= now,
                       or_(Delivery.lease_until.is_(None), Delivery.lease_until < now))
                .order_by(Delivery.id).limit(BATCH)
            )
            if self.db.is_postgres:
                query = query.with_for_update(skip_locked=True)
            rows = list(session.scalars(query))
            for row in rows:
                row.lease_until = now + self.lease
                row.attempts += 1
            return rows

    def send(self, client: httpx.Client, row: Delivery) -> Outcome:
        if row.channel == email.CHANNEL:
            sent = email.send(self.smtp, self.sender, row, self.timeout)
            return Outcome(sent.state, sent.status, sent.error)
        outcome = self.post(client, row)
        if row.channel in posts.CHANNELS:  # a subscriber's URL is a secret: kept and logged without it
            outcome = dataclasses.replace(outcome, error=posts.hide(outcome.error, row.url))
        return outcome

    def post(self, client: httpx.Client, row: Delivery) -> Outcome:
        """One attempt at a webhook or a subscriber's post."""
        # Checked before anything is sent, for rows written before the checks (or the allow list)
        # were what they are; a name's addresses are checked by the client's backend on connect.
        try:
            targets.vet_url(row.url, self.allow)
            headers = httpx.Headers(templates.sendable_headers(row.headers))
        except targets.Refused as exc:
            return refused(str(exc))
        except (targets.Malformed, ValueError) as exc:
            return Outcome("failed", None, f"cannot be sent: {exc}")
        headers["Idempotency-Key"] = row.idempotency_key  # replacing any custom one, whatever its case
        headers["User-Agent"] = "recess-webhooks"
        try:
            response = client.post(row.url, content=row.body.encode(), headers=headers)
        except targets.Refused as exc:
            return refused(str(exc))
        except Exception as exc:  # timeouts and connection errors: it counts as an attempt
            return classify(None, f"{type(exc).__name__}: {exc}")
        return classify(response.status_code, None if response.is_success else response.text[:2000])

    def record(self, row_id: int, outcome: Outcome, now: datetime) -> None:
        with self.db.session() as session:
            row = session.get(Delivery, row_id)
            if row is None or row.state != "pending":
                return
            row.last_status, row.last_error, row.lease_until = outcome.status, outcome.error, None
            if outcome.state == "delivered":
                row.state, row.delivered_at = "delivered", now
            elif outcome.state == "failed" or row.attempts >= MAX_ATTEMPTS:
                row.state = "failed"
            else:
                row.next_attempt_at = now + backoff(row.attempts)
            result = "delivered" if row.state == "delivered" else "failed" if row.state == "failed" else "retried"
            monitor_id = None if row.notification_id is None else session.scalar(
                select(Notification.monitor_id).where(Notification.id == row.notification_id))
        self.metrics.deliveries.labels(result).inc()
        if result != "delivered":
            _log_failure(row, monitor_id, outcome, result)

    def next_due(self) -> datetime | None:
        now = clock.now()
        with self.db.read() as session:
            return session.scalar(
                select(func.min(Delivery.next_attempt_at))
                .where(Delivery.state == "pending", or_(Delivery.lease_until.is_(None), Delivery.lease_until < now))
            )

    def run_once(self, client: httpx.Client) -> int:
        self.heartbeat = time.monotonic()
        rows = self.claim(clock.now())
        for row in rows:
            self.record(row.id, self.send(client, row), clock.now())
            self.heartbeat = time.monotonic()
        return len(rows)

    def _step(self) -> float:
        assert self._client is not None
        if self.run_once(self._client):
            return 0  # maybe more are due
        due = self.next_due()
        return 1.0 if due is None else max(0.02, (due - clock.now()).total_seconds())
