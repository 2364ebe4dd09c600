"""The HTML readers see: a snapshot in, a page out (pure; Jinja2 templates under templates/).

Why these choices: times are written in UTC as `<time datetime>` and a small inline script turns
them into the reader's zone, so the page reads right without scripts too. Styles and the script
are inline, and the page answers with a Content-Security-Policy naming their hashes, so the page
makes no request anywhere else and nothing else can be injected to run.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from recess.statuspages import history, rules
from recess.statuspages.snapshot import Event, Node, Snapshot

RECENT_DAYS = 7
MONTHS_PER_PAGE = 3
LABELS = {
    "operational": "Operational", "degraded": "Degraded performance", "partial_outage": "Partial outage",
    "major_outage": "Major outage", "maintenance": "Under maintenance", "no_data": "No data",
    "investigating": "Investigating", "identified": "Identified", "monitoring": "Monitoring", "resolved": "Resolved",
    "scheduled": "Scheduled", "in_progress": "In progress", "completed": "Completed", "canceled": "Canceled",
}
HEADLINES = {"operational": "All systems operational", "maintenance": "Maintenance in progress"}
LEGEND = ("operational", "degraded", "partial_outage", "major_outage", "maintenance", "no_data")


def _asset(name: str) -> tuple[Markup, str]:
    text = files("recess.statuspages").joinpath("templates", name).read_text("utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return Markup(text), f"'sha256-{digest}'"  # our own file, not input


CSS, CSS_HASH = _asset("page.css")
JS, JS_HASH = _asset("page.js")
# What the page may load: images from itself (logo, favicon), its own inline style and script.
CSP = (f"default-src 'none'; img-src 'self' data:; style-src {CSS_HASH}; script-src {JS_HASH}; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def label(status: str) -> str:
    return LABELS.get(status, status.replace("_", " ").capitalize())


def utc_text(moment: datetime) -> str:
    """`24 Nov 2026, 22:05 UTC`: what shows without scripts (minutes, no seconds)."""
    moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def when(moment: datetime | None) -> Markup:
    if moment is None:
        return Markup("")
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Markup('<time datetime="{}" data-local>{}</time>').format(stamp, utc_text(moment))


@lru_cache(maxsize=1024)
def day(value: date) -> Markup:
    """A UTC day (the same 90 of them on every bar: remembered)."""
    return Markup(f'<time datetime="{value.isoformat()}">{value.day} {value:%b %Y}</time>')


def duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    return " ".join(part for part in (f"{hours} h" if hours else "", f"{minutes} min" if minutes else "") if part)


def percent(value: float) -> str:
    return f"{value:.2f} %"


_env = Environment(loader=PackageLoader("recess.statuspages", "templates"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)
_env.filters.update(label=label, when=when, day=day, duration=duration, percent=percent)


def _context(snap: Snapshot, **extra: Any) -> dict[str, Any]:
    return {"page": snap, "base": snap.base or f"/status/{snap.prefix}", "css": CSS, "js": JS, **extra}


@dataclass(frozen=True)
class Row:
    node: Node
    bar: history.Bar | None
    children: tuple[Row, ...] = ()


def overall(snap: Snapshot) -> str:
    return rules.worst(leaf.status for leaf in snap.leaves())


def headline(status: str) -> str:
    return HEADLINES.get(status, f"Some systems are affected: {label(status).lower()}")


def page(snap: Snapshot) -> str:
    """The page at `page_url`: the components as `visualization_type` says, what is open now,
    what is planned, what happened lately."""
    shows_bars = snap.visualization_type in ("bars_and_uptime_percentage", "bars_only")
    bars = history.bars(snap.components, snap.events, snap.now) if shows_bars else {}
    rows = [Row(n, bars.get(n.id), tuple(Row(c, bars.get(c.id)) for c in n.children)) for n in snap.components]
    since = snap.now - timedelta(days=RECENT_DAYS)
    status = overall(snap)
    return _env.get_template("page.html").render(_context(
        snap, overall=status, headline=headline(status), components=rows, bars=shows_bars,
        uptime=snap.visualization_type == "bars_and_uptime_percentage", legend=LEGEND,
        incidents=[e for e in snap.incidents if e.is_open],
        active=[e for e in snap.maintenances if e.status == "in_progress"],
        upcoming=sorted((e for e in snap.maintenances if e.status == "scheduled"), key=lambda e: (e.began, e.id)),
        recent=[e for e in snap.events if not e.is_open and e.status != "scheduled" and e.began >= since and e.began <= snap.now],
        recent_days=RECENT_DAYS))


def event(snap: Snapshot, shown: Event) -> str:
    """The page of one incident or maintenance."""
    return _env.get_template("event.html").render(_context(snap, event=shown))


def _month_back(year: int, month: int, back: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) - back
    return index // 12, index % 12 + 1


def history_page(snap: Snapshot, number: int) -> str:
    """Incidents and maintenances by the month they began, `MONTHS_PER_PAGE` months a page,
    newest first; page 1 holds the current month."""
    now = snap.now.astimezone(UTC)
    months: list[dict[str, Any]] = []
    for back in range((number - 1) * MONTHS_PER_PAGE, number * MONTHS_PER_PAGE):
        year, month = _month_back(now.year, now.month, back)
        shown = [e for e in snap.events if (e.began.year, e.began.month) == (year, month) and e.status != "scheduled"]
        months.append({"key": f"{year:04d}-{month:02d}", "name": f"{date(year, month, 1):%B %Y}", "events": shown})
    oldest = min((e.began for e in snap.events), default=now)
    last: str = months[-1]["key"]
    older = number + 1 if f"{oldest.year:04d}-{oldest.month:02d}" < last else None
    return _env.get_template("history.html").render(_context(
        snap, months=months, older=older, newer=number - 1 if number > 1 else None))


def sign_in(failed: bool) -> str:
    """The page anyone not signed in gets in place of an internal page (the same for every page)."""
    return _env.get_template("signin.html").render(css=CSS, js=JS, failed=failed)


def notice(title: str, lines: list[str], form: Markup | None = None) -> str:
    """A short page answering a form (subscriptions): a title, lines, maybe a button."""
    return _env.get_template("notice.html").render(css=CSS, title=title, lines=lines, form=form)
