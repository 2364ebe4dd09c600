"""Feeds of a status page: Atom and RSS of its incidents and maintenances, and an iCalendar of
its maintenances that calendar apps subscribe to (pure: a snapshot in, bytes out).

Why each shape: feed readers key entries on a stable id (`urn:uuid:` of the incident) and show
an entry again when its `updated` moves; calendar apps replace an event of the same UID when its
SEQUENCE grows, and drop it when STATUS:CANCELLED. recess keeps no revision counter, so
SEQUENCE is the whole seconds from the maintenance's publication to its last change: it grows
with every change, as RFC 5545 asks.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from recess.statuspages.render import label
from recess.statuspages.snapshot import Event, Snapshot

LIMIT = 50
ATOM = "http://www.w3.org/2005/Atom"


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_url(snap: Snapshot, event: Event) -> str:
    return f"{snap.url}/{'incidents' if event.kind == 'incident' else 'maintenances'}/{event.id}"


def _latest(snap: Snapshot) -> list[Event]:
    return sorted(snap.events, key=lambda e: (e.modified_at, e.id), reverse=True)[:LIMIT]


def _html(event: Event) -> str:
    """An entry's body: the window of a maintenance, what it touches, its updates newest first."""
    parts = []
    if event.kind == "maintenance" and event.start and event.end:
        parts.append(f"<p>Planned from {_rfc3339(event.start)} to {_rfc3339(event.end)}</p>")
    for u in reversed(event.updates):
        parts.append(f"<p><strong>{label(u.status)}</strong> ({_rfc3339(u.started_at)}): {escape(u.description)}</p>")
        if u.components:
            parts.append("<p>" + ", ".join(f"{escape(c.name)}: {label(c.status)}" for c in u.components) + "</p>")
    return "".join(parts)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _document(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def atom(snap: Snapshot) -> bytes:
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "en"})
    _sub(feed, "id", snap.url)
    _sub(feed, "title", f"{snap.name} status history")
    _sub(feed, "updated", _rfc3339(snap.updated_at))
    _sub(feed, "link", rel="alternate", type="text/html", href=snap.url)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=f"{snap.url}/history.atom")
    _sub(_sub(feed, "author"), "name", snap.name)
    for event in _latest(snap):
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"urn:uuid:{event.id}")
        _sub(entry, "title", f"{event.title} ({label(event.status)})")
        _sub(entry, "published", _rfc3339(event.published_at or event.created_at))
        _sub(entry, "updated", _rfc3339(event.modified_at))
        _sub(entry, "link", rel="alternate", type="text/html", href=event_url(snap, event))
        _sub(entry, "category", term=event.kind)
        _sub(entry, "content", _html(event), type="html")
    return _document(feed)


def rss(snap: Snapshot) -> bytes:
    root = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM})
    channel = _sub(root, "channel")
    _sub(channel, "title", f"{snap.name} status history")
    _sub(channel, "link", snap.url)
    _sub(channel, "description", f"Incidents and maintenances of {snap.name}")
    _sub(channel, "language", "en")
    _sub(channel, "lastBuildDate", format_datetime(snap.updated_at.astimezone(UTC), usegmt=True))
    _sub(channel, "atom:link", href=f"{snap.url}/history.rss", rel="self", type="application/rss+xml")
    for event in _latest(snap):
        item = _sub(channel, "item")
        _sub(item, "title", f"{event.title} ({label(event.status)})")
        _sub(item, "link", event_url(snap, event))
        _sub(item, "guid", f"urn:uuid:{event.id}", isPermaLink="false")
        _sub(item, "pubDate", format_datetime((event.published_at or event.created_at).astimezone(UTC), usegmt=True))
        _sub(item, "category", event.kind)
        _sub(item, "description", _html(event))
    return _document(root)


# --- iCalendar (RFC 5545) -------------------------------------------------------------------


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\n").replace("\n", "\\n")


def _ics_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> Iterable[str]:
    """Content lines of at most 75 octets, continued after a space, never inside a character."""
    data = line.encode()
    first = True
    while data:
        room = 75 if first else 74
        cut = min(room, len(data))
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:  # a UTF-8 continuation byte
            cut -= 1
        yield ("" if first else " ") + data[:cut].decode()
        data, first = data[cut:], False


def sequence(event: Event) -> int:
    published = event.published_at or event.created_at
    return max(0, int((event.modified_at - published).total_seconds()))


def _vevent(snap: Snapshot, event: Event, host: str) -> list[str]:
    assert event.start is not None and event.end is not None
    latest = event.updates[-1].description if event.updates else ""
    names = ", ".join(c.name for c in event.components)
    description = "\n\n".join(p for p in (latest, f"Components: {names}" if names else "", event_url(snap, event)) if p)
    return [
        "BEGIN:VEVENT",
        f"UID:{event.id}@{host}",
        f"DTSTAMP:{_ics_time(event.modified_at)}",
        f"CREATED:{_ics_time(event.published_at or event.created_at)}",
        f"LAST-MODIFIED:{_ics_time(event.modified_at)}",
        f"SEQUENCE:{sequence(event)}",
        f"STATUS:{'CANCELLED' if event.status == 'canceled' else 'CONFIRMED'}",
        f"DTSTART:{_ics_time(event.start)}",
        f"DTEND:{_ics_time(event.end)}",
        f"SUMMARY:{_ics_text(event.title)}",
        f"DESCRIPTION:{_ics_text(description)}",
        f"URL:{event_url(snap, event)}",
        "CATEGORIES:Maintenance",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]


def ics(snap: Snapshot, host: str) -> bytes:
    """One VEVENT per maintenance of the page, planned, running, done or canceled; `host`
    makes the UIDs globally unique."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//recess//status page maintenances//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{_ics_text(f'{snap.name} maintenance')}",
             "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H"]
    for event in sorted(snap.maintenances, key=lambda e: (e.start or e.created_at, e.id)):
        lines += _vevent(snap, event, host)
    lines.append("END:VCALENDAR")
    return "".join(folded + "\r\n" for line in lines for folded in _fold(line)).encode()
