"""The public side of status pages against live servers: the page per visualization_type with its
90-day bars and uptime, incident and maintenance pages, the history, caching, feeds (read back
with feedparser and icalendar), Statuspage's public JSON API, the badge and the logo.

History is built with backfilled degradations and maintenances, so no clock moves."""

from __future__ import annotations

import base64
import re
import time
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import feedparser
import httpx
import icalendar
import pytest

from tests.conftest import Server
from tests.public_pages import PNG, Admin, iso


@pytest.fixture
def admin(server: Server) -> Admin:
    return Admin(server)


def public(server: Server, path: str, **headers: str) -> httpx.Response:
    return httpx.get(f"{server.url}{path}", headers=headers, timeout=30)


def bar_of(html: str, name: str) -> list[str]:
    """The cells (their class and tip text) of the bar named `name`."""
    found = re.search(r'<ol class="bar" aria-label="' + re.escape(name) + r': the last 90 days">(.*?)</ol>', html, re.S)
    assert found, f"no bar for {name}"
    return re.findall(r'<li class="(s-[a-z_]+)" tabindex="0"><span class="tip">(.*?)</span></li>', found.group(1), re.S)


def uptime_after(html: str, name: str) -> str:
    found = re.search(r'aria-label="' + re.escape(name) + r': the last 90 days">.*?<span class="uptime">([\d.]+ %) uptime</span>', html, re.S)
    assert found, f"no uptime for {name}"
    return found.group(1)


def test_bars_uptime_and_what_each_day_names(admin: Admin, server: Server) -> None:
    page = admin.page()
    prefix = page["attributes"]["domain_prefix"]
    now = datetime.now(UTC)
    login_start, settings_start = now - timedelta(days=2), now - timedelta(days=10)
    outage = admin.backfill_outage(page, "Login down", "Login", "major_outage", login_start, 2)
    admin.backfill_outage(page, "Settings slow to save", "Settings", "partial_outage", settings_start, 10)
    admin.backfill_maintenance(page, "Database upgrade", "API", now - timedelta(days=5), 1)
    html = public(server, f"/status/{prefix}").text

    login = bar_of(html, "Login")
    assert len(login) == 90
    day = (login_start.date() - now.date()).days - 1
    assert login[day][0] == "s-major_outage", login[day - 2: day + 2]
    assert f'<time datetime="{login_start.date().isoformat()}">' in login[day][1] and "Major outage" in login[day][1]
    assert f'href="/status/{prefix}/incidents/{outage}">Login down</a>' in login[day][1]
    assert login[-1][0] == "s-operational" and "No incidents" in login[-1][1]
    assert {c for c, _ in login[: day - 1]} == {"s-no_data"}  # before Login was first seen
    # Statuspage's uptime: major outage down, partial outage 30 % down, since first seen.
    expected_login = 100 * (1 - 2 / ((now - login_start).total_seconds() / 3600))
    assert uptime_after(html, "Login") == f"{int(expected_login * 100) / 100:.2f} %"
    expected_settings = 100 * (1 - 0.3 * 10 / ((now - settings_start).total_seconds() / 3600))
    assert uptime_after(html, "Settings") == f"{int(expected_settings * 100) / 100:.2f} %"
    group = bar_of(html, "Application")  # the group: the worst of its components each day
    assert group[day][0] == "s-major_outage" and "Login down" in group[day][1]
    assert "Settings slow to save" in group[(settings_start.date() - now.date()).days - 1][1]
    api = bar_of(html, "API")
    assert api[(now - timedelta(days=5)).date().toordinal() - now.date().toordinal() - 1][0] == "s-maintenance"
    assert uptime_after(html, "API") == "100.00 %"  # maintenance is not downtime
    assert "All systems operational" in html and 'lang="en"' in html
    assert "<details" in html and "2 components in Application" in html  # the group folds its components


def test_each_visualization_type(admin: Admin, server: Server) -> None:
    shown = {}
    for visualization in ("bars_and_uptime_percentage", "bars_only", "component_name_only"):
        page = admin.page(visualization)
        shown[visualization] = public(server, f"/status/{page['attributes']['domain_prefix']}").text
    assert 'class="bar"' in shown["bars_and_uptime_percentage"] and "% uptime" in shown["bars_and_uptime_percentage"]
    assert 'class="bar"' in shown["bars_only"] and "% uptime" not in shown["bars_only"]
    only_names = shown["component_name_only"]
    assert 'class="bar"' not in only_names and "Login" in only_names and "Operational" in only_names


def test_open_incident_maintenances_and_their_pages(admin: Admin, server: Server) -> None:
    page = admin.page()
    prefix, page_id = page["attributes"]["domain_prefix"], page["id"]
    incident = admin.call("POST", f"/{page_id}/degradations", {
        "title": "Login errors", "status": "investigating", "description": "We are looking into it",
        "components_affected": [{"id": page["ids"]["Login"], "status": "major_outage"}]}, "degradations")["data"]
    admin.call("PATCH", f"/{page_id}/degradations/{incident['id']}", {"status": "identified", "description": "A bad deploy"},
               "degradations", id=incident["id"])
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    planned = admin.call("POST", f"/{page_id}/maintenances", {
        "title": "Network work", "start_date": iso(start), "completed_date": iso(start + timedelta(hours=2)),
        "scheduled_description": "Switches are replaced", "in_progress_description": "Replacing",
        "completed_description": "Replaced", "components_affected": [{"id": page["ids"]["API"], "status": "maintenance"}]},
        "maintenances")["data"]
    html = public(server, f"/status/{prefix}").text
    assert "Some systems are affected: major outage" in html
    current = html[html.index("Current incidents"):html.index("Upcoming maintenance")]
    assert "Login errors" in current and "A bad deploy" in current and "We are looking into it" in current
    assert current.index("A bad deploy") < current.index("We are looking into it")  # newest first
    assert "Login: <span class=\"label s-major_outage\">Major outage</span>" in current
    upcoming = html[html.index("Upcoming maintenance"):html.index('id="components-h"')]
    stamp = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f'<time datetime="{stamp}" data-local>{start.day} {start:%b %Y, %H:%M} UTC</time>' in upcoming
    assert "Network work" in upcoming and "API: " in upcoming
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", html)  # no fractions of seconds anywhere
    own = public(server, f"/status/{prefix}/incidents/{incident['id']}")
    assert own.status_code == 200 and "Login errors" in own.text and "A bad deploy" in own.text
    assert "Network work" in public(server, f"/status/{prefix}/maintenances/{planned['id']}").text
    assert public(server, f"/status/{prefix}/incidents/{uuid.uuid4()}").status_code == 404
    assert public(server, f"/status/{prefix}/incidents/{planned['id']}").status_code == 404  # a maintenance is not an incident
    # Resolved, it leaves the front page and stays in the history.
    admin.call("PATCH", f"/{page_id}/degradations/{incident['id']}", {"status": "resolved", "description": "Fixed"},
               "degradations", id=incident["id"])
    html = public(server, f"/status/{prefix}").text
    assert "Current incidents" not in html and "All systems operational" in html
    assert "Login errors" in html[html.index("Past incidents"):]
    history = public(server, f"/status/{prefix}/history").text
    now = datetime.now(UTC)
    assert f"{now:%B %Y}" in history and "Login errors" in history and "Network work" not in history  # not yet happened


def test_history_by_month(admin: Admin, server: Server) -> None:
    page = admin.page()
    prefix = page["attributes"]["domain_prefix"]
    now = datetime.now(UTC)
    long_ago = now - timedelta(days=200)
    admin.backfill_outage(page, "Recent trouble", "Login", "degraded", now - timedelta(days=1), 1)
    admin.backfill_outage(page, "Old trouble", "API", "partial_outage", long_ago, 3)
    first = public(server, f"/status/{prefix}/history").text
    assert "Recent trouble" in first and "Old trouble" not in first and "Older" in first
    assert f'<time datetime="{now:%Y-%m}">{now:%B %Y}</time>' in first
    pages = [public(server, f"/status/{prefix}/history?page={n}").text for n in range(2, 5)]
    holding = [n for n, text in enumerate(pages, start=2) if "Old trouble" in text]
    assert len(holding) == 1 and f"{long_ago:%B %Y}" in pages[holding[0] - 2]
    assert "No incidents reported this month." in first or "No incidents reported this month." in pages[0]


def test_cached_with_etags_and_fresh_after_a_change(admin: Admin, server: Server) -> None:
    page = admin.page()
    prefix = page["attributes"]["domain_prefix"]
    first = public(server, f"/status/{prefix}")
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public, max-age=")
    assert "default-src 'none'" in first.headers["content-security-policy"]
    assert public(server, f"/status/{prefix}").headers["etag"] == etag
    again = public(server, f"/status/{prefix}", **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    admin.call("PATCH", f"/{page['id']}", {"name": "Acme Corp"}, "status_pages", id=page["id"])
    changed = public(server, f"/status/{prefix}", **{"If-None-Match": etag})
    assert changed.status_code == 200 and "Acme Corp" in changed.text and changed.headers["etag"] != etag
    admin.call("DELETE", f"/{page['id']}/components/{page['ids']['API']}")
    assert ">API<" not in public(server, f"/status/{prefix}").text  # a delete changes the page too
    assert "src=" not in re.sub(r'<img src="/status/[^"]+/logo"', "", first.text)  # nothing loaded from elsewhere
    assert "http://" not in first.text.split("<footer>")[0] and "https://" not in first.text.split("<footer>")[0]


def test_feeds_validate(admin: Admin, server: Server) -> None:
    page = admin.page(name="Acme & Co")
    prefix, page_id = page["attributes"]["domain_prefix"], page["id"]
    admin.backfill_outage(page, "Login <down>", "Login", "major_outage", datetime.now(UTC) - timedelta(days=3), 1)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    planned = admin.call("POST", f"/{page_id}/maintenances", {
        "title": "Disk swap, rack 4; row 2", "start_date": iso(start), "completed_date": iso(start + timedelta(hours=1)),
        "scheduled_description": "Line one\nline two " + "x" * 120, "in_progress_description": "i", "completed_description": "c",
        "components_affected": [{"id": page["ids"]["API"], "status": "maintenance"}]}, "maintenances")["data"]
    other = admin.call("POST", f"/{page_id}/maintenances", {
        "title": "Cancelled later", "start_date": iso(start), "completed_date": iso(start + timedelta(hours=1)),
        "scheduled_description": "s", "in_progress_description": "i", "completed_description": "c", "components_affected": []},
        "maintenances")["data"]
    for path, kind in (("history.atom", "atom10"), ("history.rss", "rss20")):
        answer = public(server, f"/status/{prefix}/{path}")
        feed = feedparser.parse(answer.content)
        assert not feed.bozo, feed.bozo_exception
        assert feed.version == kind and feed.feed.title == "Acme & Co status history"
        titles = {e.title for e in feed.entries}
        assert {"Login <down> (Resolved)", "Disk swap, rack 4; row 2 (Scheduled)"} <= titles
        entry = next(e for e in feed.entries if e.title.startswith("Login"))
        assert f"/status/{prefix}/incidents/" in entry.link
        assert "Major outage" in (entry.content[0].value if "content" in entry else entry.summary)
    calendar = icalendar.Calendar.from_ical(public(server, f"/status/{prefix}/maintenances.ics").content)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    disk = events["Disk swap, rack 4; row 2"]
    assert disk["DTSTART"].dt == start and disk["DTEND"].dt == start + timedelta(hours=1)
    assert str(disk["STATUS"]) == "CONFIRMED" and str(disk["DESCRIPTION"]).startswith("Line one\nline two xxx")
    assert str(disk["UID"]).startswith(planned["id"]) and f"/maintenances/{planned['id']}" in str(disk["URL"])
    first_sequence = int(disk["SEQUENCE"])
    time.sleep(1.1)  # SEQUENCE counts whole seconds since publication
    admin.call("PATCH", f"/{page_id}/maintenances/{planned['id']}", {"completed_date": iso(start + timedelta(hours=3))},
               "maintenances", id=planned["id"])
    admin.call("PATCH", f"/{page_id}/maintenances/{other['id']}", {"status": "canceled"}, "maintenances", id=other["id"])
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(
        public(server, f"/status/{prefix}/maintenances.ics").content).walk("VEVENT")}
    assert events["Disk swap, rack 4; row 2"]["DTEND"].dt == start + timedelta(hours=3)
    assert int(events["Disk swap, rack 4; row 2"]["SEQUENCE"]) > first_sequence
    assert str(events["Cancelled later"]["STATUS"]) == "CANCELLED"


def test_statuspage_compatible_api(admin: Admin, server: Server) -> None:
    page = admin.page()
    prefix, page_id = page["attributes"]["domain_prefix"], page["id"]
    base = f"/status/{prefix}/api/v2"
    calm = public(server, f"{base}/status.json")
    assert calm.json()["status"] == {"indicator": "none", "description": "All Systems Operational"}
    assert calm.headers["access-control-allow-origin"] == "*"
    incident = admin.call("POST", f"/{page_id}/degradations", {
        "title": "Login errors", "status": "investigating", "description": "Looking",
        "components_affected": [{"id": page["ids"]["Login"], "status": "partial_outage"}]}, "degradations")["data"]
    start = datetime.now(UTC) + timedelta(days=1)
    admin.call("POST", f"/{page_id}/maintenances", {
        "title": "Upgrade", "start_date": iso(start), "completed_date": iso(start + timedelta(hours=1)),
        "scheduled_description": "s", "in_progress_description": "i", "completed_description": "c",
        "components_affected": [{"id": page["ids"]["API"], "status": "maintenance"}]}, "maintenances")
    summary = public(server, f"{base}/summary.json").json()
    assert set(summary) == {"page", "components", "incidents", "scheduled_maintenances", "status"}
    assert summary["page"]["id"] == page_id and summary["page"]["url"].endswith(f"/status/{prefix}")
    assert set(summary["page"]) == {"id", "name", "url", "time_zone", "updated_at"}
    assert summary["status"] == {"indicator": "major", "description": "Partial System Outage"}
    by_name = {c["name"]: c for c in summary["components"]}
    assert by_name["Application"]["group"] is True and by_name["Application"]["components"] == [page["ids"]["Login"], page["ids"]["Settings"]]
    assert by_name["Login"]["group_id"] == page["ids"]["Application"] and by_name["Login"]["status"] == "partial_outage"
    assert {"id", "name", "status", "created_at", "updated_at", "position", "description", "showcase", "start_date",
            "group_id", "page_id", "group", "only_show_if_degraded"} <= set(by_name["API"])
    [open_one] = summary["incidents"]
    assert open_one["id"] == incident["id"] and open_one["impact"] == "major" and open_one["status"] == "investigating"
    update = open_one["incident_updates"][0]
    assert update["body"] == "Looking" and update["affected_components"] == [
        {"code": page["ids"]["Login"], "name": "Login", "old_status": "operational", "new_status": "partial_outage"}]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", update["created_at"])
    [planned] = summary["scheduled_maintenances"]
    assert planned["status"] == "scheduled" and planned["impact"] == "maintenance" and planned["scheduled_for"]
    assert [i["name"] for i in public(server, f"{base}/incidents/unresolved.json").json()["incidents"]] == ["Login errors"]
    assert [m["name"] for m in public(server, f"{base}/scheduled-maintenances/upcoming.json").json()["scheduled_maintenances"]] == ["Upgrade"]
    assert public(server, f"{base}/scheduled-maintenances/active.json").json()["scheduled_maintenances"] == []
    assert len(public(server, f"{base}/scheduled-maintenances.json").json()["scheduled_maintenances"]) == 1
    assert len(public(server, f"{base}/components.json").json()["components"]) == 4
    admin.call("PATCH", f"/{page_id}/degradations/{incident['id']}", {"status": "resolved"}, "degradations", id=incident["id"])
    resolved = public(server, f"{base}/incidents.json").json()["incidents"][0]
    assert resolved["status"] == "resolved" and resolved["resolved_at"] is not None
    assert public(server, f"{base}/incidents/unresolved.json").json()["incidents"] == []
    assert public(server, f"{base}/nothing.json").status_code == 404


def test_badge_logo_and_what_is_not_public(admin: Admin, server: Server) -> None:
    page = admin.page(company_logo=PNG)
    prefix, page_id = page["attributes"]["domain_prefix"], page["id"]
    svg = public(server, f"/status/{prefix}/badge.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    texts = [t.text for t in ET.fromstring(svg.text).iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["status", "operational"]
    admin.call("POST", f"/{page_id}/degradations", {"title": "Down", "status": "investigating",
                                                     "components_affected": [{"id": page["ids"]["API"], "status": "major_outage"}]}, "degradations")
    assert "major outage" in public(server, f"/status/{prefix}/badge.svg").text
    logo = public(server, f"/status/{prefix}/logo")
    assert logo.headers["content-type"] == "image/png" and logo.content == base64.b64decode(PNG)
    assert f'<img src="/status/{prefix}/logo" alt="Acme">' in public(server, f"/status/{prefix}").text
    assert public(server, f"/status/{prefix}/favicon").status_code == 404
    hidden = admin.page(publish=False)
    internal = admin.page(type="internal")
    for other in (hidden, internal):
        for path in ("", "/history", "/history.atom", "/history.rss", "/maintenances.ics", "/api/v2/summary.json", "/badge.svg"):
            assert public(server, f"/status/{other['attributes']['domain_prefix']}{path}").status_code == 404, path


def test_maintenance_in_progress(admin: Admin, server: Server) -> None:
    page = admin.page()
    prefix, page_id = page["attributes"]["domain_prefix"], page["id"]
    start = datetime.now(UTC) + timedelta(hours=1)
    made = admin.call("POST", f"/{page_id}/maintenances", {
        "title": "Failover drill", "start_date": iso(start), "completed_date": iso(start + timedelta(hours=1)),
        "scheduled_description": "Planned", "in_progress_description": "Failing over now", "completed_description": "Done",
        "components_affected": [{"id": page["ids"]["API"], "status": "maintenance"}]}, "maintenances")["data"]
    admin.call("PATCH", f"/{page_id}/maintenances/{made['id']}", {"status": "in_progress"}, "maintenances", id=made["id"])
    html = public(server, f"/status/{prefix}").text
    assert '<p class="banner s-maintenance" role="status">Maintenance in progress</p>' in html
    running = html[html.index('id="active-h"'):html.index('id="components-h"')]
    assert "Failover drill" in running and "Failing over now" in running and "Upcoming maintenance" not in html
    assert bar_of(html, "API")[-1][0] == "s-maintenance"
    base = f"/status/{prefix}/api/v2"
    assert public(server, f"{base}/status.json").json()["status"] == {"indicator": "maintenance", "description": "Service Under Maintenance"}
    [active] = public(server, f"{base}/scheduled-maintenances/active.json").json()["scheduled_maintenances"]
    assert active["status"] == "in_progress" and active["components"][0]["status"] == "under_maintenance"
    assert public(server, f"{base}/scheduled-maintenances/upcoming.json").json()["scheduled_maintenances"] == []
