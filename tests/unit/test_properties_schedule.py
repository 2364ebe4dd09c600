"""Properties of recurring schedules: the windows the schedule API finds equal a plain
enumeration of local days, across daylight-saving changes in several zones.

The reference applies the README's rules directly: occurrences are wall times (the start, then
every day or chosen week day of every INTERVAL-th day or week, at the start's time of day); a
wall time is placed in UTC by trying the offsets in effect a day either side, taking the earliest
instant that shows that wall time (a repeated time takes its first instance), or, when none does
(a skipped time), the offset from before the change, which moves it forward by the gap. Minutes
and hours are elapsed time from the placed start; days and weeks end at the wall time that many
calendar days later, placed the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from recess.core.schedule import Recurrence, Recurring, Window, state_at
from recess.core.schedule.duration import Duration

ZONES = ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "America/Sao_Paulo", "UTC"]
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FIRST_YEAR, LAST_YEAR = 2016, 2027  # Sao Paulo still changed its clocks until 2019


# --- the reference ------------------------------------------------------------------------------


def place(wall: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant of a wall time, by the README's rules, without zoneinfo's `fold`."""
    naive_utc = wall.replace(tzinfo=UTC)
    offsets = {(naive_utc + timedelta(days=d)).astimezone(tz).utcoffset() for d in (-1, 1)}
    shown = sorted(naive_utc - o for o in offsets if (naive_utc - o).astimezone(tz).replace(tzinfo=None) == wall)
    if shown:
        return shown[0]  # a repeated wall time: its first instance
    return naive_utc - min(offsets)  # skipped: clocks go forward, so the offset before is the smaller


@lru_cache(maxsize=None)
def transitions(zone: str) -> tuple[datetime, ...]:
    """UTC instants at which the zone's offset changes, FIRST_YEAR..LAST_YEAR."""
    tz = ZoneInfo(zone)
    found = []
    day = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    while day.year <= LAST_YEAR:
        nxt = day + timedelta(days=1)
        if day.astimezone(tz).utcoffset() != nxt.astimezone(tz).utcoffset():
            lo, hi = day, nxt
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if mid.astimezone(tz).utcoffset() == day.astimezone(tz).utcoffset() else (lo, mid)
            found.append(hi.replace(second=0, microsecond=0))
        day = nxt
    return tuple(found)


@dataclass(frozen=True)
class Rule:
    freq: str  # "DAILY" | "WEEKLY"
    interval: int
    days: tuple[int, ...]  # weekdays (0 = Monday) for WEEKLY
    count: int | None
    until: datetime | None  # a naive local wall time
    until_utc: datetime | None  # an aware instant (UNTIL=...Z)

    def text(self) -> str:
        parts = [f"FREQ={self.freq}", f"INTERVAL={self.interval}"]
        if self.freq == "WEEKLY":
            parts.append("BYDAY=" + ",".join(DAYS[d] for d in self.days))
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        if self.until is not None:
            parts.append(f"UNTIL={self.until:%Y%m%dT%H%M%S}")
        if self.until_utc is not None:
            parts.append(f"UNTIL={self.until_utc:%Y%m%dT%H%M%S}Z")
        return ";".join(parts)

    def matches(self, day: date, first: date) -> bool:
        if self.freq == "DAILY":
            return (day - first).days % self.interval == 0
        weeks = ((day - timedelta(days=day.weekday())) - (first - timedelta(days=first.weekday()))).days // 7
        return weeks % self.interval == 0 and day.weekday() in self.days


def reference_windows(rule: Rule, duration: Duration, start: datetime, tz: ZoneInfo, horizon: date) -> list[tuple[datetime, datetime]]:
    """Every window whose wall-time start falls on or before `horizon`, in start order."""
    walls, produced, day = [start], 0, start.date()
    while day <= horizon and (rule.count is None or produced < rule.count):
        if rule.matches(day, start.date()):
            wall = datetime.combine(day, start.time())
            if rule.until is not None and wall > rule.until:
                break
            if rule.until_utc is not None and place(wall, tz) > rule.until_utc:
                break
            produced += 1
            if wall != start:
                walls.append(wall)
        day += timedelta(days=1)
    out = []
    for wall in walls:
        begin = place(wall, tz)
        if duration.unit in ("m", "h"):
            end = begin + duration.approx
        else:
            end = place(wall + duration.approx, tz)
        out.append((begin, end))
    return out


def reference_current(windows: list[tuple[datetime, datetime]], now: datetime) -> tuple[datetime, datetime]:
    ongoing = [w for w in windows if w[0] <= now < w[1]]
    if ongoing:
        return min(ongoing)
    upcoming = [w for w in windows if w[0] > now]
    if upcoming:
        return min(upcoming)
    return max(windows, key=lambda w: (w[1], w[0]))


# --- generating schedules -------------------------------------------------------------------------

durations = st.one_of(
    st.sampled_from([30, 45, 90, 1440]).map(lambda n: Duration(n, "m")),
    st.sampled_from([1, 2, 5, 24, 25]).map(lambda n: Duration(n, "h")),
    st.sampled_from([1, 2]).map(lambda n: Duration(n, "d")),
    st.just(Duration(1, "w")),
)


@dataclass(frozen=True)
class Case:
    zone: str
    start: datetime  # naive local
    recurrences: tuple[tuple[Rule, Duration, datetime], ...]  # (rule, duration, local start)
    now: datetime


@st.composite
def local_starts(draw: st.DrawFn, zone: str) -> datetime:
    """A wall time up to ten weeks before one of the zone's changes, often inside (or at the edge
    of) the wall times that change skips or repeats."""
    changes = transitions(zone)
    if not changes:
        day = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 800)))
        return datetime.combine(day, time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45]))))
    tz = ZoneInfo(zone)
    change = draw(st.sampled_from(changes))
    before, after = (change - timedelta(seconds=1)).astimezone(tz).utcoffset(), change.astimezone(tz).utcoffset()
    assert before is not None and after is not None
    wall = change.replace(tzinfo=None) + before  # where the old clock stops
    affected = min(wall, wall + after - before)  # the first skipped or repeated wall time
    day = wall.date() - timedelta(days=draw(st.integers(0, 70)))
    if draw(st.booleans()):
        steps = abs(after - before) // timedelta(minutes=15)
        moment = (affected + timedelta(minutes=15 * draw(st.integers(-1, steps)))).time()
    else:
        moment = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45])))
    return datetime.combine(day, moment)


@st.composite
def rules(draw: st.DrawFn, start: datetime, zone: str) -> Rule:
    tz = ZoneInfo(zone)
    freq = draw(st.sampled_from(["DAILY", "WEEKLY"]))
    interval = draw(st.integers(1, 3))
    days: tuple[int, ...] = ()
    if freq == "WEEKLY":
        days = tuple(sorted(draw(st.sets(st.integers(0, 6), min_size=1, max_size=3))))
    synchronized = freq == "DAILY" or start.weekday() in days
    end = draw(st.sampled_from(["none", "count", "until", "until_utc", "until_utc"]))
    count = until = until_utc = None
    if end == "count" and synchronized:
        # RFC 5545 leaves COUNT undefined when the start does not match the rule; not generated.
        count = draw(st.integers(1, 12))
    # UNTIL a few weeks on, so that the rule itself yields at least one occurrence (else a 400).
    elif end == "until":
        until = start + timedelta(days=draw(st.integers(28, 70)), minutes=draw(st.sampled_from([0, 15, 30, 60, -15])))
    elif end == "until_utc":
        # Often an instant just around a change some weeks on (when the start's time of day is
        # one the change skips or repeats, that day's occurrence sits right there), else one up
        # to two hours either side of the start's wall time on a later day.
        changes = [t for t in transitions(zone) if 28 <= (t.astimezone(tz).date() - start.date()).days <= 70]
        if changes and draw(st.booleans()):
            until_utc = draw(st.sampled_from(changes)) + timedelta(minutes=15 * draw(st.integers(-2, 4)))
        else:
            wall = datetime.combine(start.date() + timedelta(days=draw(st.integers(28, 70))), start.time())
            until_utc = place(wall, tz) + timedelta(minutes=15 * draw(st.integers(-8, 8)))
    return Rule(freq, interval, days, count, until, until_utc)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    zone = draw(st.sampled_from(ZONES))
    tz = ZoneInfo(zone)
    start = draw(local_starts(zone))
    recurrences = []
    for i in range(draw(st.integers(1, 2))):
        # A second recurrence starts the same day at another time of day.
        local = start if i == 0 else start.replace(hour=draw(st.integers(0, 23)), minute=draw(st.sampled_from([0, 30])))
        recurrences.append((draw(rules(local, zone)), draw(durations), local))
    # Instants: around one of the zone's changes after the start, or anywhere in the next months.
    first = place(start, tz)
    later = [t for t in transitions(zone) if first <= t <= first + timedelta(days=120)]
    if later and draw(st.booleans()):
        base = draw(st.sampled_from(later))
        now = base + timedelta(minutes=15 * draw(st.integers(-4 * 72, 4 * 72)))
    else:
        now = first + timedelta(minutes=15 * draw(st.integers(-4 * 48, 4 * 24 * 120)))
    return Case(zone, start, tuple(recurrences), now)


def build(case: Case) -> Recurring:
    tz = ZoneInfo(case.zone)
    return Recurring(case.zone, tuple(Recurrence.build(r.text(), d, s, tz) for r, d, s in case.recurrences))


def windows_of(case: Case, now: datetime | None = None) -> list[list[tuple[datetime, datetime]]]:
    """Each recurrence's reference windows up to well past `now` (default: the case's)."""
    horizon = (now or case.now).astimezone(ZoneInfo(case.zone)).date() + timedelta(days=40)
    return [reference_windows(r, d, s, ZoneInfo(case.zone), horizon) for r, d, s in case.recurrences]


# --- the properties -----------------------------------------------------------------------------

SETTINGS = settings(max_examples=250, deadline=None)


def daily(zone: str, duration: Duration, start: str, now: str, until_utc: str | None = None) -> Case:
    """A hand-written FREQ=DAILY case for the examples below."""
    until = datetime.fromisoformat(until_utc).replace(tzinfo=UTC) if until_utc else None
    local = datetime.fromisoformat(start)
    rule = Rule("DAILY", 1, (), None, None, until)
    return Case(zone, local, ((rule, duration, local),), datetime.fromisoformat(now).replace(tzinfo=UTC))


# A UTC UNTIL bounds placed instants. Regressions: it used to become the wall time of the instant,
# which on 27 March 2016 in Paris (02:00 -> 03:00 at 01:00 UTC) kept the skipped 02:15, placed at
# 01:15 UTC, after an UNTIL of 01:00 UTC (03:00 CEST), and on 1 November 2026 in New York dropped
# 01:30 EDT (05:30 UTC) before an UNTIL of 06:15 UTC (01:15 EST, a wall time before 01:30).
UNTIL_GAP = daily("Europe/Paris", Duration(30, "m"), "2016-02-28T02:15", "2016-03-27T01:00", "2016-03-27T01:00")
UNTIL_REPEAT = daily("America/New_York", Duration(30, "m"), "2026-10-20T01:30", "2026-11-02T00:00", "2026-11-01T06:15")


@SETTINGS
@given(cases())
@example(daily("Europe/Paris", Duration(1, "h"), "2026-03-20T02:30", "2026-03-29T01:45"))  # skipped 02:30
@example(daily("Europe/Paris", Duration(1, "d"), "2026-03-20T02:30", "2026-03-28T12:00"))  # 1d across the gap
@example(daily("Europe/Paris", Duration(90, "m"), "2026-10-20T02:30", "2026-10-25T01:15"))  # repeated 02:30
@example(UNTIL_GAP)
@example(UNTIL_REPEAT)
def test_current_window_equals_enumeration(case: Case) -> None:
    schedule = build(case)
    per_recurrence = windows_of(case)
    expected = reference_current([w for ws in per_recurrence for w in ws], case.now)
    assert schedule.current(case.now) == Window(*expected)
    # And each recurrence's (latest ended, first not ended) pair, in start order.
    for recurrence, windows in zip(schedule.recurrences, per_recurrence, strict=True):
        ended = [w for w in windows if w[1] <= case.now]
        after = next((w for w in windows if w[1] > case.now), None)
        assert recurrence.around(case.now) == (ended[-1] if ended else None, after)


@SETTINGS
@given(cases(), st.data())
def test_window_edges_equal_enumeration(case: Case, data: st.DataObject) -> None:
    # The instants that matter most: a window's own start and end (start inclusive, end exclusive).
    edge = data.draw(st.sampled_from([w for ws in windows_of(case) for w in ws]))
    now = data.draw(st.sampled_from(edge)) + timedelta(seconds=data.draw(st.sampled_from([-1, 0, 1])))
    windows = [w for ws in windows_of(case, now) for w in ws]
    current = build(case).current(now)
    assert current == Window(*reference_current(windows, now))
    assert (state_at(current, now) == "active") is any(s <= now < e for s, e in windows)


@SETTINGS
@given(cases())
@example(UNTIL_GAP)
@example(UNTIL_REPEAT)
def test_bounds_equal_enumeration(case: Case) -> None:
    schedule = build(case)
    finite = all(r.count is not None or r.until is not None or r.until_utc is not None for r, _, _ in case.recurrences)
    horizon = date(LAST_YEAR + 2, 1, 1) if finite else case.start.date() + timedelta(days=10)
    windows = [w for r, d, s in case.recurrences for w in reference_windows(r, d, s, ZoneInfo(case.zone), horizon)]
    bounds = schedule.bounds()
    assert bounds.start == min(windows)[0]
    assert bounds.end == (max(e for _, e in windows) if finite else None)


def test_reference_places_wall_times_as_the_readme_says() -> None:
    paris_tz, howe = ZoneInfo("Europe/Paris"), ZoneInfo("Australia/Lord_Howe")
    # Skipped 02:30 on 29 March 2026 moves forward by the gap: 03:30 CEST, 01:30 UTC.
    assert place(datetime(2026, 3, 29, 2, 30), paris_tz) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    # Repeated 02:30 on 25 October 2026 takes its first instance: CEST, 00:30 UTC.
    assert place(datetime(2026, 10, 25, 2, 30), paris_tz) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # Lord Howe's 30-minute change: 02:15 on 4 October 2026 does not exist; +10:30 applies.
    assert place(datetime(2026, 10, 4, 2, 15), howe) == datetime(2026, 10, 3, 15, 45, tzinfo=UTC)
    assert len(transitions("Europe/Paris")) == 2 * (LAST_YEAR - FIRST_YEAR + 1)
