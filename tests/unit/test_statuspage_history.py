"""The public page's pure parts: status history and uptime, iCalendar lines, images, badge."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from recess.statuspages import badge, feeds, history, images
from recess.statuspages.snapshot import Affected, Entry, Event

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def event(kind: str, steps: list[tuple[str, datetime, str]], component: str = "c1", title: str = "t") -> Event:
    updates = tuple(Entry(f"u{i}", status, "", at, at, at, (Affected(component, "C", shown),) if shown else ())
                    for i, (status, at, shown) in enumerate(steps))
    return Event(f"e-{title}", kind, title, steps[-1][0], steps[0][1], steps[-1][1], updates, False)


def test_each_update_holds_until_the_next_and_quiet_ones_set_nothing() -> None:
    t = NOW - timedelta(hours=10)
    deg = event("incident", [("investigating", t, "major_outage"), ("monitoring", t + timedelta(hours=1), "degraded"),
                             ("resolved", t + timedelta(hours=3), "major_outage")])  # a resolved update keeps its components
    maint = event("maintenance", [("scheduled", t - timedelta(days=1), "operational"), ("in_progress", t, "maintenance"),
                                  ("completed", t + timedelta(hours=2), "operational")], "c2")
    still_open = event("incident", [("identified", NOW - timedelta(minutes=30), "partial_outage")], "c3")
    segs = history.segments([deg, maint, still_open], NOW)
    assert [(s.start, s.end, s.status) for s in segs["c1"]] == [
        (t, t + timedelta(hours=1), "major_outage"), (t + timedelta(hours=1), t + timedelta(hours=3), "degraded")]
    assert [(s.start, s.end, s.status) for s in segs["c2"]] == [(t, t + timedelta(hours=2), "maintenance")]
    assert segs["c3"][0].end == NOW  # open: until now


def test_overlaps_take_the_worst_and_uptime_counts_partial_as_thirty_percent() -> None:
    t = NOW - timedelta(hours=10)
    a = history.Segment(t, t + timedelta(hours=2), "partial_outage", "incident", "a", "A")
    b = history.Segment(t + timedelta(hours=1), t + timedelta(hours=3), "major_outage", "incident", "b", "B")
    cut = history.pieces([a, b])
    assert [(p[0] - t, p[2]) for p in cut] == [(timedelta(0), "partial_outage"), (timedelta(hours=1), "major_outage")]
    # 1 h partial (0.3 h down) + 2 h major (2 h down) over 10 h: 77 % up.
    assert history.uptime(cut, t, NOW) == 77.0
    assert history.uptime([(t, t + timedelta(hours=1), "degraded"), (t, NOW, "maintenance")], t, NOW) == 100.0


def test_floor_keeps_any_downtime_below_100() -> None:
    assert history.floor2(99.9999) == 99.99 and history.floor2(97.29) == 97.29 and history.floor2(100.0) == 100.0


def test_a_bar_has_a_cell_a_day_with_the_worst_status_and_what_happened() -> None:
    two_days_ago = NOW - timedelta(days=2)
    segs = history.segments([
        event("incident", [("investigating", two_days_ago, "degraded"), ("identified", two_days_ago + timedelta(hours=1), "major_outage"),
                           ("resolved", two_days_ago + timedelta(hours=2), "operational")], title="Outage"),
    ], NOW)["c1"]
    bar = history.bar(segs, NOW - timedelta(days=1), NOW)  # created yesterday; the backfill reaches further
    assert len(bar.days) == 90 and bar.days[-1].date == NOW.date()
    day = bar.days[-3]
    assert day.status == "major_outage" and day.events == (("incident", "e-Outage", "Outage"),)
    assert day.spans == (("major_outage", 3600.0), ("degraded", 3600.0))
    assert {d.status for d in bar.days[:-3]} == {history.NO_DATA}  # before first seen
    assert bar.days[-1].status == "operational" and bar.days[-1].events == ()
    assert bar.uptime == history.floor2(100 * (1 - 3600 / (NOW - two_days_ago).total_seconds()))


def test_a_group_shows_its_worst_component_and_their_mean_uptime() -> None:
    quiet = history.bar([], NOW - timedelta(days=100), NOW)
    t = NOW - timedelta(hours=5)
    loud = history.bar([history.Segment(t, t + timedelta(hours=1), "partial_outage", "incident", "x", "X")], NOW - timedelta(days=100), NOW)
    group = history.group_bar([quiet, loud])
    assert group.days[-1].status == "partial_outage" and group.days[-1].events == (("incident", "x", "X"),)
    assert group.uptime == history.floor2((quiet.uptime + loud.uptime) / 2) and quiet.uptime == 100.0


def test_calendar_lines_are_folded_at_75_octets_between_characters() -> None:
    line = "DESCRIPTION:" + "é" * 100
    folded = list(feeds._fold(line))
    assert all(len(part.encode()) <= 75 for part in folded) and all(p.startswith(" ") for p in folded[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(folded)) == line
    assert feeds._ics_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_images_are_served_only_from_base64_data_of_known_kinds() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
    assert images.decode(base64.b64encode(png).decode()) == (png, "image/png")
    assert images.decode("data:image/png;base64," + base64.b64encode(png).decode()) == (png, "image/png")
    assert images.decode("https://example.com/logo.png") is None and images.decode(base64.b64encode(b"text").decode()) is None


def test_badge_names_the_status_in_words() -> None:
    svg = badge.svg("status", "partial_outage")
    assert "partial outage" in svg and 'aria-label="status: partial outage"' in svg and "<title>" in svg
