"""Properties of the downtime index: what it answers equals a brute-force scan of every downtime.

A random sequence of puts (new downtimes, updates of earlier ids, cancellations), removals and
questions runs against one DowntimeIndex and against a plain dict of the live entries. Each
question (`matching` for a group, `matches_for_monitor` for a monitor's groups) is answered by
the index and by a loop over the dict with `applies_to_monitor`, `covers` and `active_at` on a
fresh copy of each entry (no cached window). Questions come in random time order, as they may
(a notification decided at a transition's or a window end's instant, after later ones).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from recess.downtimes.decisions import KeptDecisions
from recess.downtimes.matches import MonitorMatches
from recess.downtimes.matching import DowntimeIndex, Entry, Group, entry_of, group_of, monitor_tag_set

BASE = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)  # two days before Paris changes its clocks
ORGS = (1, 1, 1, 2)  # mostly one org, so that questions meet downtimes
MONITOR_IDS = (1, 2)
MONITOR_TAGS = ("team:a", "team:b", "svc")
GROUP_TAGS = ("env:a", "env:b", "role:a", "role:b", "host:a1", "host:b2", "canary")

# --- scopes ---------------------------------------------------------------------------------------

scope_keys = st.sampled_from(["env", "role", "host", "canary"])
scope_values = st.sampled_from(["a", "b", "a1", "b2", "a*", "?1", "*", '"a"'])


def case(text: str, draw: st.DrawFn) -> str:
    return text.upper() if draw(st.integers(0, 4)) == 0 else text


@st.composite
def scope_terms(draw: st.DrawFn) -> str:
    key = case(draw(scope_keys), draw)
    if draw(st.integers(0, 4)) == 0:
        a, b = draw(scope_values), draw(scope_values)
        return f"{key}:({a} {draw(st.sampled_from(['OR', 'AND']))} {b})"
    return f"{key}:{case(draw(scope_values), draw)}"


compound_scopes = st.recursive(
    st.one_of(scope_terms(), scope_terms(), st.just("*")),
    lambda inner: st.one_of(
        inner.map(lambda s: f"-{s}" if not s.startswith("-") else f"NOT {s}"),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(" + " ".join(xs) + ")"),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(" + " AND ".join(xs) + ")"),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(" + " OR ".join(xs) + ")"),
    ),
    max_leaves=4,
)
scopes = st.one_of(st.just("*"), scope_terms(), compound_scopes)

# --- downtimes ------------------------------------------------------------------------------------


@st.composite
def schedules(draw: st.DrawFn) -> dict[str, Any]:
    """Columns of a one-time window or of one or two simple recurrences."""
    if draw(st.booleans()):
        start = BASE + timedelta(hours=draw(st.integers(-72, 48)))
        end = None if draw(st.integers(0, 3)) == 0 else start + timedelta(minutes=30 * draw(st.integers(1, 192)))
        return {"start": start, "end": end, "timezone": None, "recurrences": None}
    zone = draw(st.sampled_from(["UTC", "Europe/Paris"]))
    recurrences = []
    for _ in range(draw(st.integers(1, 2))):
        rule = draw(st.sampled_from(["FREQ=DAILY", "FREQ=DAILY;INTERVAL=2", "FREQ=WEEKLY;BYDAY=MO,FR,SA", "FREQ=DAILY;COUNT=3"]))
        duration = draw(st.sampled_from(["30m", "5h", "12h", "1d"]))
        day = BASE.date() - timedelta(days=draw(st.integers(0, 4)))
        start = f"{day.isoformat()}T{draw(st.integers(0, 23)):02d}:{draw(st.sampled_from(['00', '30']))}"
        recurrences.append({"rrule": rule, "duration": duration, "start": start})
    # The stored start/end are the schedule's bounds; entry_of only reads the rules.
    return {"start": BASE, "end": None, "timezone": zone, "recurrences": recurrences}


@st.composite
def rows(draw: st.DrawFn, ids: st.SearchStrategy[int]) -> SimpleNamespace:
    downtime_id = draw(ids)
    by = draw(st.sampled_from(["id", "tags", "tags", "star"]))
    monitor_tags: list[str] | None = None
    if by == "tags":
        monitor_tags = [case(t, draw) for t in draw(st.lists(st.sampled_from(MONITOR_TAGS), min_size=1, max_size=2, unique=True))]
    elif by == "star":
        monitor_tags = ["*"]
    return SimpleNamespace(
        id=downtime_id, uuid=f"uuid-{downtime_id}", org_id=draw(st.sampled_from(ORGS)), scope=draw(scopes),
        monitor_id=draw(st.sampled_from(MONITOR_IDS)) if by == "id" else None, monitor_tags=monitor_tags,
        canceled=BASE if draw(st.integers(0, 5)) == 0 else None, mute_first_recovery_notification=False,
        notify_end_states=[], notify_end_types=[], **draw(schedules()),
    )


# --- questions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    org_id: int
    monitor_id: int
    monitor_tags: frozenset[str]
    groups: tuple[Group, ...]
    now: datetime


group_tag_lists = st.lists(st.sampled_from(GROUP_TAGS), max_size=4, unique=True).map(lambda ts: [t.upper() if t == "env:b" else t for t in ts])


@st.composite
def questions(draw: st.DrawFn) -> Question:
    tags = monitor_tag_set(draw(st.lists(st.sampled_from(MONITOR_TAGS), min_size=1, max_size=3, unique=True)))
    groups = tuple(group_of(f"g{i}", draw(group_tag_lists)) for i in range(draw(st.integers(0, 3))))
    now = BASE + timedelta(minutes=15 * draw(st.integers(-4 * 24 * 3, 4 * 24 * 3)))
    return Question(draw(st.sampled_from(ORGS)), draw(st.sampled_from(MONITOR_IDS)), tags, groups, now)


ids = st.integers(1, 12)
puts = rows(ids).map(lambda r: ("put", r))
asks = questions().map(lambda q: ("ask", q))
# A batch of downtimes first, then puts (new ids, updates, cancellations), removals and questions.
operations = st.tuples(
    st.lists(puts, min_size=3, max_size=12),
    st.lists(st.one_of(puts, ids.map(lambda i: ("remove", i)), asks, asks, asks), min_size=3, max_size=30),
).map(lambda pair: pair[0] + pair[1])

# --- the brute force ------------------------------------------------------------------------------


def fresh(entry: Entry) -> Entry:
    return dataclasses.replace(entry, _cache=None)


def brute_matching(live: dict[int, Entry], q: Question, group: Group) -> list[int]:
    return sorted(
        e.id for e in live.values()
        if e.org_id == q.org_id and e.applies_to_monitor(q.monitor_id, q.monitor_tags) and e.covers(group.tags)
        and fresh(e).active_at(q.now)
    )


def brute_matches_for_monitor(live: dict[int, Entry], q: Question) -> list[tuple[int, list[str]]]:
    groups = list(q.groups) or [Group("*", {})]
    out = []
    for e in live.values():
        if e.org_id != q.org_id or not e.applies_to_monitor(q.monitor_id, q.monitor_tags) or not fresh(e).active_at(q.now):
            continue
        covered = ["*"] if e.match_all else [g.name for g in groups if e.covers(g.tags)]
        if covered:
            out.append((fresh(e).window(q.now).start, e.id, covered))
    return [(i, covered) for _, i, covered in sorted(out, key=lambda t: (t[0], t[1]))]


def check(index: DowntimeIndex, live: dict[int, Entry], q: Question, kept: KeptDecisions | None = None) -> None:
    for group in q.groups or (Group("*", {}),):
        got = sorted(e.id for e in index.matching(q.org_id, q.monitor_id, q.monitor_tags, group, q.now))
        assert got == brute_matching(live, q, group), (q, group)
        # The decision holds, by time alone, until the instant `matching_until` names.
        _, until = index.matching_until(q.org_id, q.monitor_id, q.monitor_tags, group, q.now)
        assert until is None or until > q.now
        last = (until - timedelta(microseconds=1)) if until is not None else q.now + timedelta(days=400)
        for later in (q.now + (last - q.now) / 2, last):
            assert brute_matching(live, dataclasses.replace(q, now=later), group) == got, (q, group, later)
        if kept is not None:  # a decision kept from an earlier question gives the same answer
            assert sorted(e.id for e in kept.matching(q.org_id, q.monitor_id, q.monitor_tags, group, q.now)) == got, (q, group)
    got_all = [(e.id, covered) for e, covered in index.matches_for_monitor(q.org_id, q.monitor_id, q.monitor_tags, list(q.groups), q.now)]
    assert got_all == brute_matches_for_monitor(live, q), q
    brute_active = sum(1 for e in live.values() if e.org_id == q.org_id and fresh(e).active_at(q.now))
    assert index.active_count(q.org_id, q.now) == brute_active, q
    # The answer holds, by time alone, until the instant `matches_for_monitor_until` names.
    _, until = index.matches_for_monitor_until(q.org_id, q.monitor_id, q.monitor_tags, list(q.groups), q.now)
    assert until is None or until > q.now
    last = (until - timedelta(microseconds=1)) if until is not None else q.now + timedelta(days=400)
    for later in (q.now + (last - q.now) / 2, last):
        assert brute_matches_for_monitor(live, dataclasses.replace(q, now=later)) == got_all, (q, later)
    if kept is not None and q.groups:
        # Every group was decided just above: a monitor's matches put together from those kept
        # decisions are the same answer, holding until the instant they name.
        matches = MonitorMatches(index, decisions=kept)
        decided = matches._from_decisions(q.org_id, q.monitor_id, q.monitor_tags, [(g.name, g.terms) for g in q.groups], q.now)
        assert decided is not None, q
        assert [(e.id, covered) for e, covered in decided[0]] == got_all, q
        until = decided[1]
        assert until is None or until > q.now
        last = (until - timedelta(microseconds=1)) if until is not None else q.now + timedelta(days=400)
        for later in (q.now + (last - q.now) / 2, last):
            assert brute_matches_for_monitor(live, dataclasses.replace(q, now=later)) == got_all, (q, later)


# --- the properties -------------------------------------------------------------------------------


def row(downtime_id: int, scope: str, **schedule: Any) -> SimpleNamespace:
    return SimpleNamespace(
        id=downtime_id, uuid=f"uuid-{downtime_id}", org_id=1, scope=scope, monitor_id=1, monitor_tags=None, canceled=None,
        mute_first_recovery_notification=False, notify_end_states=[], notify_end_types=[],
        **{"start": BASE, "end": None, "timezone": None, "recurrences": None, **schedule},
    )


def ask(minutes: int, *groups: list[str]) -> tuple[str, Question]:
    named = tuple(group_of(f"g{i}", tags) for i, tags in enumerate(groups))
    return ("ask", Question(1, 1, frozenset(), named, BASE + timedelta(minutes=minutes)))


# Regression: an entry's window, cached when asked at 12:30 (the next day's occurrence, valid
# until it starts), was used for 12:00 too, when today's 07:30-12:30 occurrence was active.
CACHED_LATER = [
    ("put", row(1, "*", timezone="UTC", recurrences=[{"rrule": "FREQ=DAILY", "duration": "5h", "start": "2026-03-27T07:30"}])),
    ask(30), ask(0),
]


@settings(max_examples=200, deadline=None)
@given(operations)
@example(CACHED_LATER)
@example([("put", row(1, "*", end=BASE + timedelta(hours=1))), ("put", row(2, "*", start=BASE + timedelta(hours=1))),
          ask(0), ask(60)])  # at a start, and at an end, exactly
@example([("put", row(1, "env:a")), ("put", row(2, "env:a role:b")), ("remove", 1), ask(0, ["env:a", "role:b"], ["env:a"])])
def test_index_answers_equal_a_scan_of_every_downtime(ops: list[tuple[str, Any]]) -> None:
    index, live = DowntimeIndex(), {}
    kept = KeptDecisions(index)
    asked = []
    for op, arg in ops:
        if op == "put":
            entry = entry_of(arg)
            index.put(entry)
            if entry.canceled:
                live.pop(entry.id, None)
            else:
                live[entry.id] = entry
        elif op == "remove":
            index.remove(arg)
            live.pop(arg, None)
        else:
            check(index, live, arg, kept)
            asked.append(arg)
    for q in reversed(asked):  # the same questions again, against the final set, in reverse time order
        check(index, live, q, kept)
    assert sorted(e.id for e in index.entries()) == sorted(live)
    assert len(index) == len(live)
