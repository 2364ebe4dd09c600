"""The public page's subscription routes: the form (email, Slack or webhook), the confirmation
link of mails, and the unsubscribe link every mail and message carries.

Why the answers say so little: they are the same whether an address or URL was new, pending or
subscribed already, and never show it, so the form tells nobody who is subscribed.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from recess.core import clock
from recess.core.application import services
from recess.statuspages import render
from recess.statuspages import service_subscriptions as subscriptions
from recess.statuspages.http import outbound
from recess.statuspages.rules import EMAIL, SLACK, WEBHOOK, PageError

router = APIRouter(tags=["Status Pages"], include_in_schema=False)
_DONE = {
    EMAIL: ("Check your inbox", ["If the address can be subscribed, a mail with a confirmation link is on its way.",
                                 "Nothing is sent before the subscription is confirmed."]),
    SLACK: ("Subscribed", ["The channel will get a message for each incident and maintenance, and one now saying so.",
                           "Every message has a link to unsubscribe."]),
    WEBHOOK: ("Subscribed", ["The URL will get a JSON payload for each incident and maintenance, as Statuspage sends them.",
                             "Every payload carries its unsubscribe link (meta.unsubscribe)."]),
}


def _notice(title: str, lines: list[str], status: int = 200, form: Markup | None = None) -> HTMLResponse:
    return HTMLResponse(render.notice(title, lines, form), status_code=status, headers={
        "Cache-Control": "no-store", "Content-Security-Policy": render.CSP, "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer"})  # the token in the address goes nowhere else


async def _form(request: Request) -> dict[str, list[str]]:
    # Read as a form whatever the content type says (core.http.JsonBodies relabels every body JSON).
    return parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=500)


def _subscribe(request: Request, prefix: str, channel: str, address: str, chosen: list[str] | None,
               out: subscriptions.Outbound) -> None:
    with services(request).db.session() as session:
        subscriptions.subscribe(session, prefix, channel, address, chosen, out, clock.now())


@router.post("/status/{domain_prefix}/subscribe")
async def subscribe(domain_prefix: str, request: Request) -> Response:
    form = await _form(request)
    channel = form.get("channel", [EMAIL])[0]
    if channel not in _DONE:
        return _notice("Subscription not made", ["Choose email, Slack or webhook."], 400)
    address = form.get({EMAIL: "email", SLACK: "slack_url", WEBHOOK: "webhook_url"}[channel], [""])[0].strip()
    whole = form.get("scope", ["all"])[0] != "components"
    try:
        await run_in_threadpool(_subscribe, request, domain_prefix, channel, address,
                                None if whole else form.get("component", []), await outbound(request))
    except PageError as exc:
        return _notice("Subscription not made", [str(exc)], 400)
    return _notice(*_DONE[channel])


def _confirm(request: Request, prefix: str, token: str) -> bool:
    with services(request).db.session() as session:
        return subscriptions.confirm(session, prefix, token, clock.now())


@router.get("/status/{domain_prefix}/subscriptions/confirm")
async def confirm(domain_prefix: str, request: Request, token: str = Query("", max_length=100)) -> Response:
    if not await run_in_threadpool(_confirm, request, domain_prefix, token):
        return _notice("Link not valid", ["This confirmation link is not valid (any more)."], 404)
    return _notice("Subscribed", ["You will be emailed when incidents and maintenances are posted.",
                                  "Every mail has a link to unsubscribe."])


def _unsubscribe(request: Request, prefix: str, token: str) -> bool:
    with services(request).db.session() as session:
        return subscriptions.unsubscribe(session, prefix, token)


@router.get("/status/{domain_prefix}/subscriptions/unsubscribe")
async def unsubscribe_form(domain_prefix: str, token: str = Query("", max_length=100)) -> Response:
    """A button, not an action: mail scanners and chat link previews open links, and must not
    unsubscribe anyone."""
    form = Markup('<form method="post"><button type="submit">Unsubscribe</button></form>')
    return _notice("Unsubscribe", ["Stop the status mails or messages of this page?"], form=form)


@router.post("/status/{domain_prefix}/subscriptions/unsubscribe")
async def unsubscribe(domain_prefix: str, request: Request, token: str = Query("", max_length=100)) -> Response:
    """The button's post, and mail clients' one-click unsubscribe (RFC 8058)."""
    await run_in_threadpool(_unsubscribe, request, domain_prefix, token)
    return _notice("Unsubscribed", ["No more mails or messages will be sent to this subscriber for this page."])
