"""Email subscriptions to a public page with `subscriptions_enabled`: the form's routes, double
opt-in, unsubscribing, and the mails sent for degradations and maintenances created or updated
with `notify_subscribers`.

Why: the mails go through the notifications outbox (`notifications.email.enqueue`), in the
transaction that made the change, so they are sent exactly when it commits and retried like
webhooks. Addresses are only ever written into the mail sent to them: the answers to the form
are the same whether an address was new, pending or confirmed, and nothing logs them.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from recess.core import clock
from recess.core.application import services
from recess.core.ids import random_uuid
from recess.notifications import email
from recess.statuspages import images, render, store
from recess.statuspages.model import Degradation, Maintenance, StatusPage, Subscriber

router = APIRouter(tags=["Status Pages"], include_in_schema=False)
RESEND_AFTER = timedelta(minutes=10)  # an unconfirmed address is sent one confirmation per this long

_EMAIL = re.compile(r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$")


def valid_email(text: str) -> bool:
    return len(text) <= 254 and bool(_EMAIL.match(text))


def _page(session: Session, prefix: str) -> StatusPage | None:
    """A published public page taking subscriptions."""
    page = session.scalar(select(StatusPage).where(StatusPage.domain_prefix == prefix))
    if page is None or page.type != "public" or not page.enabled or not page.subscriptions_enabled:
        return None
    return page


def _notice(title: str, lines: list[str], status: int = 200, form: Markup | None = None) -> HTMLResponse:
    return HTMLResponse(render.notice(title, lines, form), status_code=status, headers={
        "Cache-Control": "no-store", "Content-Security-Policy": render.CSP, "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer"})  # the token in the address goes nowhere else


def _page_url(request: Request, page: StatusPage) -> str:
    return f"{services(request).settings.public_url.rstrip('/')}/status/{page.domain_prefix}"


# Mails -------------------------------------------------------------------------------------------

# Lines up to SMTP's limit: a long List-Unsubscribe URL stays a plain URL, not RFC 2047 words.
_POLICY = email_policy.default.clone(max_line_length=900)


def _mail(page: StatusPage, sender: str, to: str, subject: str, text: str, html: Markup, unsubscribe: str) -> EmailMessage:
    """Multipart text + HTML, the page's `email_header_image` at the top, and how to leave."""
    message = EmailMessage(policy=_POLICY)
    message["From"] = formataddr((f"{page.name} status", parseaddr(sender)[1] or sender))
    message["To"] = to
    message["Subject"] = subject
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(f"{text}\n\n--\nUnsubscribe: {unsubscribe}\n")
    image = page.email_header_image or ""
    inline = None if image.startswith(("https://", "http://")) else images.decode(image) if image else None
    top = Markup("")
    if image.startswith(("https://", "http://")):
        top = Markup('<p><img src="{}" alt="{}" style="max-width:100%;max-height:80px"></p>').format(image, page.name)
    elif inline is not None:
        top = Markup('<p><img src="cid:header-image" alt="{}" style="max-width:100%;max-height:80px"></p>').format(page.name)
    message.add_alternative(str(Markup(
        '<!doctype html><html lang="en"><body style="font-family:sans-serif;max-width:40rem">{}{}'
        '<hr><p style="font-size:.85em;color:#5b6270"><a href="{}">Unsubscribe</a></p></body></html>').format(
            top, html, unsubscribe)), subtype="html")
    if inline is not None:
        data, media_type = inline
        maintype, subtype = media_type.split("/", 1)
        html_part = next(p for p in message.iter_parts() if p.get_content_type() == "text/html")
        assert isinstance(html_part, EmailMessage)
        html_part.add_related(data, maintype=maintype, subtype=subtype.split(";")[0], cid="<header-image>",
                              disposition="inline", filename="header")
    return message


def _links(base: str, token: str) -> tuple[str, str]:
    return f"{base}/subscriptions/confirm?token={token}", f"{base}/subscriptions/unsubscribe?token={token}"


def _confirmation(page: StatusPage, sender: str, row: Subscriber, base: str) -> EmailMessage:
    confirm, unsubscribe = _links(base, row.token)
    what = "all of it" if row.components is None else f"{len(row.components)} of its components"
    text = (f"Someone, hopefully you, asked to be emailed about {page.name} status ({what}).\n\n"
            f"Confirm: {confirm}\n\nIf it was not you, ignore this mail: nothing will be sent.")
    html = Markup('<h1>{} status</h1><p>Someone, hopefully you, asked to be emailed about {} status ({}).</p>'
                  '<p><a href="{}">Confirm the subscription</a></p><p>If it was not you, ignore this mail: '
                  'nothing will be sent.</p>').format(page.name, page.name, what, confirm)
    return _mail(page, sender, row.email, f"Confirm your subscription to {page.name} status", text, html, unsubscribe)


def notify(session: Session, page: StatusPage, kind: str, row: Degradation | Maintenance, public_url: str, sender: str,
           now: datetime) -> int:
    """Mail every confirmed subscriber of `page` concerned by the latest update of `row` (an
    incident or a maintenance just created or updated with notify_subscribers); the count queued."""
    if page.type != "public" or not page.subscriptions_enabled:
        return 0
    session.flush()
    live = store.live_updates(store.updates(session, [row.id])[row.id])
    if not live:
        return 0
    last = live[-1]
    affected: list[dict[str, Any]] = last.components_affected or []
    touched = {item["id"] for item in affected}
    names = {c.id: c.name for c in store.components(session, [page.id])}
    base = f"{public_url.rstrip('/')}/status/{page.domain_prefix}"
    link = f"{base}/{'incidents' if kind == 'incident' else 'maintenances'}/{row.id}"
    status = render.label(last.status)
    lines = [f"{names.get(i['id'], i.get('name', ''))}: {render.label(i['status'])}" for i in affected]
    window = ""
    if isinstance(row, Maintenance) and row.start_date is not None:
        window = f"Window: {render.utc_text(row.start_date)} to {render.utc_text(row.completed_date) if row.completed_date else '?'}"
    text = "\n".join(part for part in (
        f"{row.title}", f"Status: {status}", window, last.description or "",
        ("Components:\n" + "\n".join(f"- {line}" for line in lines)) if lines else "", f"Details: {link}") if part)
    html = Markup("<h1>{}</h1><p><strong>{}</strong></p>{}{}{}<p><a href=\"{}\">Details</a></p>").format(
        row.title, status, Markup("<p>{}</p>").format(window) if window else "",
        Markup("<p>{}</p>").format(last.description) if last.description else "",
        Markup("<ul>{}</ul>").format(Markup("").join(Markup("<li>{}</li>").format(line) for line in lines)) if lines else "",
        link)
    subject = f"[{page.name}] {row.title}: {status}"
    count = 0
    for subscriber in session.scalars(select(Subscriber).where(
            Subscriber.page_id == page.id, Subscriber.confirmed_at.is_not(None)).order_by(Subscriber.created_at)):
        if subscriber.components is not None and not touched & set(subscriber.components):
            continue
        _, unsubscribe = _links(base, subscriber.token)
        email.enqueue(session, page.org_id, f"status page {page.domain_prefix}",
                      _mail(page, sender, subscriber.email, subject, text, html, unsubscribe), now)
        count += 1
    return count


# Routes ------------------------------------------------------------------------------------------

async def _form(request: Request) -> dict[str, list[str]]:
    # Read as a form whatever the content type says (core.http.JsonBodies relabels every body JSON).
    return parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=500)


def _subscribe(request: Request, prefix: str, address: str, chosen: list[str] | None) -> bool:
    shared = services(request)
    now = clock.now()
    with shared.db.session() as session:
        page = _page(session, prefix)
        if page is None:
            return False
        if chosen is not None:
            leaves = {c.id for c in store.components(session, [page.id]) if c.type != "group"}
            chosen = sorted(set(chosen) & leaves)
            if not chosen:
                return False
        row = session.scalar(select(Subscriber).where(Subscriber.page_id == page.id, Subscriber.email == address))
        if row is not None and row.confirmed_at is not None:
            return True  # already subscribed: nothing changes, and the answer does not say so
        if row is None:
            row = Subscriber(id=random_uuid(), page_id=page.id, org_id=page.org_id, email=address, created_at=now,
                             token=secrets.token_urlsafe(32), confirmation_sent_at=now)
            session.add(row)
        elif now - row.confirmation_sent_at < RESEND_AFTER:
            return True  # pending, mailed lately: the form must not be a way to flood an inbox
        row.components, row.confirmation_sent_at = chosen, now
        email.enqueue(session, page.org_id, f"status page {page.domain_prefix}",
                      _confirmation(page, shared.settings.smtp_from, row, _page_url(request, page)), now)
    return True


@router.post("/status/{domain_prefix}/subscribe")
async def subscribe(domain_prefix: str, request: Request) -> Response:
    form = await _form(request)
    address = form.get("email", [""])[0].strip()
    whole = form.get("scope", ["all"])[0] != "components"
    chosen = None if whole else form.get("component", [])
    if not valid_email(address):
        return _notice("Subscription not made", ["That does not look like an email address."], 400)
    if not await run_in_threadpool(_subscribe, request, domain_prefix, address, chosen):
        return _notice("Subscription not made", ["This page takes no subscriptions, or no component was chosen."], 400)
    return _notice("Check your inbox", ["If the address can be subscribed, a mail with a confirmation link is on its way.",
                                        "Nothing is sent before the subscription is confirmed."])


def _by_token(session: Session, prefix: str, token: str) -> Subscriber | None:
    page = session.scalar(select(StatusPage).where(StatusPage.domain_prefix == prefix))
    if page is None or not token or len(token) > 64:
        return None
    return session.scalar(select(Subscriber).where(Subscriber.page_id == page.id, Subscriber.token == token))


def _confirm(request: Request, prefix: str, token: str) -> bool:
    with services(request).db.session() as session:
        row = _by_token(session, prefix, token)
        if row is None:
            return False
        if row.confirmed_at is None:
            row.confirmed_at = clock.now()
        return True


@router.get("/status/{domain_prefix}/subscriptions/confirm")
async def confirm(domain_prefix: str, request: Request, token: str = Query("", max_length=100)) -> Response:
    if not await run_in_threadpool(_confirm, request, domain_prefix, token):
        return _notice("Link not valid", ["This confirmation link is not valid (any more)."], 404)
    return _notice("Subscribed", ["You will be emailed when incidents and maintenances are posted.",
                                  "Every mail has a link to unsubscribe."])


def _unsubscribe(request: Request, prefix: str, token: str) -> bool:
    with services(request).db.session() as session:
        row = _by_token(session, prefix, token)
        if row is None:
            return False
        session.delete(row)
        return True


@router.get("/status/{domain_prefix}/subscriptions/unsubscribe")
async def unsubscribe_form(domain_prefix: str, token: str = Query("", max_length=100)) -> Response:
    """A button, not an action: mail scanners open links, and must not unsubscribe anyone."""
    form = Markup('<form method="post"><button type="submit">Unsubscribe</button></form>')
    return _notice("Unsubscribe", ["Stop the status mails of this page?"], form=form)


@router.post("/status/{domain_prefix}/subscriptions/unsubscribe")
async def unsubscribe(domain_prefix: str, request: Request, token: str = Query("", max_length=100)) -> Response:
    """The button's post, and mail clients' one-click unsubscribe (RFC 8058)."""
    await run_in_threadpool(_unsubscribe, request, domain_prefix, token)
    return _notice("Unsubscribed", ["No more mails will be sent to this address for this page."])
