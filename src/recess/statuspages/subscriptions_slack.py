"""The messages Slack subscribers get, as Slack Block Kit (pure: a snapshot in, a JSON body out).

Why this shape: a `header` with the incident's title, a `section` with its status, window and
latest description, a `context` naming the components, a button to the incident's page, and a
last `context` with the unsubscribe link. `text` is the fallback notifications and old clients
show. A Slack incoming webhook cannot be confirmed as an inbox can, so a channel gets a welcome
message when subscribed, which carries the unsubscribe link too. Times are Slack date tokens,
which each reader sees in their own zone (UTC in the fallback). Texts are cut to Block Kit's
limits, and `&`, `<` and `>` escaped as Slack asks, so a title cannot be read as a link or a
mention.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from recess.statuspages import render
from recess.statuspages.feeds import event_url
from recess.statuspages.snapshot import Event, Snapshot

Json = dict[str, Any]
HEADER_MAX = 150  # Block Kit's limits
TEXT_MAX = 3000
CONTEXT_MAX = 2000


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mrkdwn(text: str, limit: int = TEXT_MAX) -> Json:
    return {"type": "mrkdwn", "text": _cut(text, limit)}


def _header(text: str) -> Json:
    return {"type": "header", "text": {"type": "plain_text", "text": _cut(text, HEADER_MAX), "emoji": True}}


def _when(moment: datetime) -> str:
    """A Slack date token: the reader's local time, UTC where Slack cannot format it."""
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{render.utc_text(moment)}>"


def footer(name: str, page_url: str, unsubscribe: str) -> Json:
    return {"type": "context", "elements": [_mrkdwn(f"<{page_url}|{escape(name)} status> · <{unsubscribe}|Unsubscribe>")]}


def update(snap: Snapshot, event: Event, unsubscribe: str) -> Json:
    """The message about `event`'s latest update."""
    last = event.updates[-1]
    status = render.label(last.status)
    lines = [f"*{status}*"]
    if event.kind == "maintenance" and event.start is not None and event.end is not None:
        lines.append(f"Window: {_when(event.start)} to {_when(event.end)}")
    if last.description:
        lines.append(escape(last.description))
    blocks: list[Json] = [_header(event.title), {"type": "section", "text": _mrkdwn("\n".join(lines))}]
    if last.components:
        # A maintenance's statuses say nothing its own status does not (operational until it starts).
        named = [escape(c.name) if event.kind == "maintenance" else f"{escape(c.name)}: {render.label(c.status)}"
                 for c in last.components]
        blocks.append({"type": "context", "elements": [_mrkdwn("*Components:* " + ", ".join(named), CONTEXT_MAX)]})
    what = "incident" if event.kind == "incident" else "maintenance"
    blocks.append({"type": "actions", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": f"View the {what}"}, "url": event_url(snap, event)}]})
    blocks.append(footer(snap.name, snap.url, unsubscribe))
    return {"text": _cut(escape(f"[{snap.name}] {event.title}: {status}"), TEXT_MAX), "blocks": blocks}


def welcome(name: str, page_url: str, components: list[str] | None, unsubscribe: str) -> Json:
    """The message a channel gets when subscribed: what it will be told of, and how to leave."""
    what = "all of it" if components is None else ", ".join(escape(c) for c in components)
    text = f"This channel is subscribed to {escape(name)} status"
    body = (f"This channel will get a message each time an incident or a maintenance of <{page_url}|{escape(name)} "
            f"status> is posted or updated ({what}).")
    return {"text": text, "blocks": [_header(f"Subscribed to {name} status"), {"type": "section", "text": _mrkdwn(body)},
                                     footer(name, page_url, unsubscribe)]}
