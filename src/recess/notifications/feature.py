"""Notifications as a feature: webhooks, events, and the deliverer that sends the outbox."""

from __future__ import annotations

from recess.core.application import Feature, Key, Services
from recess.notifications import email, events, routes_webhooks, targets
from recess.notifications.delivery import Deliverer
from recess.notifications.muter import MUTER
from recess.notifications.service import NOTIFIER, Notifier
from recess.notifications.answers import answers

DELIVERER: Key[Deliverer] = Key("deliverer")


def _start(services: Services) -> None:
    services.provide(NOTIFIER, Notifier(services.get(MUTER), services.settings.public_url))
    deliverer = Deliverer(services.db, timeout=services.settings.delivery_timeout, metrics=services.metrics,
                          allow=targets.parse_allow(services.settings.webhook_allow),
                          smtp=email.parse_smtp_url(services.settings.smtp_url), sender=services.settings.smtp_from)
    services.db.wakers["delivery"] = deliverer.wake
    services.provide(DELIVERER, deliverer)


def _workers(services: Services) -> list[Deliverer]:
    return [services.get(DELIVERER)]


feature = Feature("notifications", routers=[routes_webhooks.router, events.router], start=_start, workers=_workers, answers=answers)
