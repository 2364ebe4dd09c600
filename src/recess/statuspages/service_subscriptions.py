"""Subscribers of a public page, over a session: subscribing by email, Slack or webhook,
confirming, unsubscribing, and telling them of incidents and maintenances.

Why in the caller's transaction: mails and posts are queued in the notifications outbox
(`notifications.email`, `notifications.posts`) by the transaction that made the change, so they
are sent exactly when it commits and retried like webhooks. Addresses and URLs are only ever
written into what is sent to them: nothing here returns or logs them (deliveries are labelled
`status page {prefix}`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from recess.core.ids import random_uuid
from recess.notifications import email, posts, targets
from recess.statuspages import resources, rules, snapshot, store
from recess.statuspages import subscriptions_email as mails
from recess.statuspages import subscriptions_slack as slack
from recess.statuspages import subscriptions_webhook as webhook
from recess.statuspages.model import Degradation, Maintenance, StatusPage, Subscriber
from recess.statuspages.rules import EMAIL, SLACK, WEBHOOK, PageError

RESEND_AFTER = timedelta(minutes=10)  # an unconfirmed address is sent one confirmation per this long
_POSTS = {SLACK: posts.SLACK, WEBHOOK: posts.STATUSPAGE}  # subscriber channel -> delivery channel


@dataclass(frozen=True)
class Outbound:
    """What subscribers' mails and posts need from the app's settings."""

    public_url: str  # RECESS_PUBLIC_URL: links
    sender: str = "recess@localhost"  # RECESS_SMTP_FROM
    allow: targets.Allow = targets.NOTHING_ALLOWED  # RECESS_WEBHOOK_ALLOW: the internal URLs that may be posted to

    def page_url(self, page: StatusPage) -> str:
        return resources.page_url(page, self.public_url)

    def links(self, page: StatusPage, token: str) -> tuple[str, str]:
        """(confirm, unsubscribe) links of a subscriber."""
        base = self.page_url(page)
        return f"{base}/subscriptions/confirm?token={token}", f"{base}/subscriptions/unsubscribe?token={token}"


def _label(page: StatusPage) -> str:
    return f"status page {page.domain_prefix}"


def taking(session: Session, prefix: str, channel: str) -> StatusPage | None:
    """The published page `prefix` when it takes subscribers by `channel`."""
    page = store.page_by_prefix(session, prefix)
    if page is None or not page.enabled:
        return None
    return page if channel in rules.subscriber_channels(page.type, page.subscriptions_enabled, page.slack_subscriptions_enabled) else None


def subscribe(session: Session, prefix: str, channel: str, address: str, chosen: list[str] | None, out: Outbound,
              now: datetime) -> None:
    """Subscribe `address` (an email address, or a Slack or webhook URL) to the page, or to the
    `chosen` components. A PageError says why not. The same silence whether it was new, pending
    or subscribed already, so the form tells nobody who is subscribed."""
    if channel == EMAIL and not rules.valid_email(address):
        raise PageError("That does not look like an email address.")
    if channel in (SLACK, WEBHOOK):
        rules.subscriber_url(address, out.allow)
    page = taking(session, prefix, channel)
    if page is None:
        raise PageError("This page takes no such subscriptions.")
    if chosen is not None:
        leaves = {c.id: c.name for c in store.components(session, [page.id]) if c.type != "group"}
        chosen = sorted(set(chosen) & set(leaves))
        if not chosen:
            raise PageError("No component was chosen.")
    row = session.scalar(select(Subscriber).where(
        Subscriber.page_id == page.id, Subscriber.channel == channel, Subscriber.address == address))
    if row is not None and row.confirmed_at is not None:
        return  # already subscribed: nothing changes (unsubscribe and subscribe again to change components)
    if row is None:
        row = Subscriber(id=random_uuid(), page_id=page.id, org_id=page.org_id, channel=channel, address=address,
                         created_at=now, token=secrets.token_urlsafe(32), confirmation_sent_at=now)
        session.add(row)
    elif now - row.confirmation_sent_at < RESEND_AFTER:
        return  # pending, mailed lately: the form must not be a way to flood an inbox
    row.components, row.confirmation_sent_at = chosen, now
    confirm, unsubscribe = out.links(page, row.token)
    if channel == EMAIL:
        email.enqueue(session, page.org_id, _label(page),
                      mails.message(page, out.sender, address, mails.confirmation(page, row, confirm), unsubscribe), now)
        return
    # A URL cannot confirm: it is subscribed now, and a Slack channel is told so (with how to leave).
    row.confirmed_at = now
    if channel == SLACK:
        names = None if chosen is None else [name for cid, name in leaves.items() if cid in chosen]  # in page order
        posts.enqueue(session, page.org_id, posts.SLACK, _label(page), address,
                      slack.welcome(page.name, out.page_url(page), names, unsubscribe), now)


def by_token(session: Session, prefix: str, token: str) -> Subscriber | None:
    page = store.page_by_prefix(session, prefix)
    if page is None or not token or len(token) > 64:
        return None
    return session.scalar(select(Subscriber).where(Subscriber.page_id == page.id, Subscriber.token == token))


def confirm(session: Session, prefix: str, token: str, now: datetime) -> bool:
    row = by_token(session, prefix, token)
    if row is None:
        return False
    if row.confirmed_at is None:
        row.confirmed_at = now
    return True


def unsubscribe(session: Session, prefix: str, token: str) -> bool:
    row = by_token(session, prefix, token)
    if row is None:
        return False
    session.delete(row)
    return True


def notify(session: Session, page: StatusPage, kind: str, row: Degradation | Maintenance, out: Outbound,
           now: datetime) -> int:
    """Tell every subscriber of `page` concerned by the latest update of `row` (an incident or a
    maintenance just created or changed, with notify_subscribers): the whole page's, and those
    of a component the update names. The count of mails and posts queued."""
    channels = rules.subscriber_channels(page.type, page.subscriptions_enabled, page.slack_subscriptions_enabled)
    if not channels:
        return 0
    session.flush()
    live = store.live_updates(store.updates(session, [row.id])[row.id])
    if not live:
        return 0
    last = live[-1]
    touched = [item["id"] for item in last.components_affected or []]
    subscribers = [s for s in session.scalars(select(Subscriber).where(
        Subscriber.page_id == page.id, Subscriber.confirmed_at.is_not(None), Subscriber.channel.in_(channels),
    ).order_by(Subscriber.created_at, Subscriber.id)) if rules.concerned(s.components, touched)]
    link = f"{out.page_url(page)}/{'incidents' if kind == 'incident' else 'maintenances'}/{row.id}"
    content: mails.Content | None = None
    seen: snapshot.Snapshot | None = None
    for subscriber in subscribers:
        _, leave = out.links(page, subscriber.token)
        if subscriber.channel == EMAIL:
            if content is None:
                content = mails.update(page, row, last, {c.id: c.name for c in store.components(session, [page.id])}, link)
            email.enqueue(session, page.org_id, _label(page), mails.message(page, out.sender, subscriber.address, content, leave), now)
            continue
        seen = seen or snapshot.read(session, page, out.page_url(page), now)  # read once, when a post needs it
        event = seen.event(kind, row.id)
        if event is None:
            continue
        body = slack.update(seen, event, leave) if subscriber.channel == SLACK else webhook.incident(seen, event, leave)
        posts.enqueue(session, page.org_id, _POSTS[subscriber.channel], _label(page), subscriber.address, body, now)
    return len(subscribers)


def announce_maintenance(session: Session, row: Maintenance, out: Outbound, now: datetime) -> int:
    """The scheduler moved `row` on time: tell subscribers if it was created with notify_subscribers
    (backfills never are: they are never moved)."""
    if not row.notify_subscribers or row.is_backfilled:
        return 0
    page = session.get(StatusPage, row.page_id)
    return 0 if page is None else notify(session, page, "maintenance", row, out, now)
