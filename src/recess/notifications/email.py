"""Emails through the outbox: the same Delivery rows, leases and retries as webhooks.

Why: an email is one more kind of delivery (channel "email"): enqueued in the caller's
transaction, so it is sent if and only if what caused it committed, and retried when the SMTP
server is away. `url` is `mailto:ADDRESS` and `body` the whole RFC 5322 message; the address is
never logged (failures name the delivery id and its label only).

SMTP server: RECESS_SMTP_URL, `smtp://user:pass@host:587?starttls=1` (STARTTLS), `smtps://…:465`
(TLS from the start) or `smtp://host:25`. A 5xx answer fails the delivery at once; 4xx answers,
connection errors and timeouts are retried as webhooks are; without a server configured, emails
wait (retried) until one is.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy.orm import Session

from recess.core.db import wake_after_commit
from recess.notifications.model import Delivery

CHANNEL = "email"


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    tls: bool = False  # smtps://: TLS from the first byte


def parse_smtp_url(url: str) -> Smtp | None:
    """RECESS_SMTP_URL read; None when empty. A ValueError names what is wrong."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("RECESS_SMTP_URL must look like smtp://user:pass@host:587?starttls=1 or smtps://host:465")
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
    tls = parts.scheme == "smtps"
    return Smtp(parts.hostname, parts.port or (465 if tls else 587 if starttls else 25),
                unquote(parts.username) if parts.username else None, unquote(parts.password) if parts.password else None,
                starttls, tls)


def enqueue(session: Session, org_id: int, label: str, message: EmailMessage, now: datetime) -> None:
    """Queue `message` (its To header is the one recipient) in the caller's transaction; the
    deliverer is woken once it commits. `label` names it in logs instead of the address."""
    key = str(uuid.uuid4())
    if "Message-ID" not in message:
        message["Message-ID"] = f"<{key}@recess>"
    session.add(Delivery(
        org_id=org_id, notification_id=None, channel=CHANNEL, webhook=label[:200], url=f"mailto:{message['To']}",
        headers={}, body=message.as_string(), idempotency_key=key, state="pending", attempts=0,
        next_attempt_at=now, created_at=now))
    wake_after_commit(session, "delivery")


@dataclass(frozen=True)
class Sent:
    state: str  # delivered | failed | retry
    status: int | None
    error: str | None


def send(smtp: Smtp | None, sender: str, row: Delivery, timeout: float) -> Sent:
    """One attempt at sending an email delivery."""
    if smtp is None:
        return Sent("retry", None, "no SMTP server configured (RECESS_SMTP_URL)")
    recipient = row.url.removeprefix("mailto:")
    try:
        if smtp.tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
        with client:
            if smtp.starttls:
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                client.login(smtp.user, smtp.password or "")
            # Kept with \n line ends; SMTP wants \r\n (smtplib converts str bodies, not bytes).
            client.sendmail(sender, [recipient], row.body.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8"))
    except smtplib.SMTPRecipientsRefused as exc:
        code = next(iter(exc.recipients.values()))[0]
        return Sent("failed" if code >= 500 else "retry", code, "the recipient was refused")
    except smtplib.SMTPResponseException as exc:
        return Sent("failed" if exc.smtp_code >= 500 else "retry", exc.smtp_code, _hide(str(exc.smtp_error), recipient))
    except Exception as exc:  # connection errors, timeouts, TLS: retried
        return Sent("retry", None, _hide(f"{type(exc).__name__}: {exc}", recipient))
    return Sent("delivered", 250, None)


def _hide(text: str, recipient: str) -> str:
    """What the server said, without the address (errors are logged and kept)."""
    return text.replace(recipient, "<subscriber>")[:500]
