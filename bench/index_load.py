"""How long a process takes to load its downtime index at start, with 100,000 downtimes stored.

Fills a fresh database (SQLite by default, or RECESS_DATABASE_URL) with N downtimes in bulk (a
realistic mix: host and service scopes, monitor ids, recurring ones in time zones), then times
a cold `live.refresh` as a new process does, one more refresh when nothing changed, and the
store reads behind a list page of 30 (all downtimes, and `current_only`); then stores monitor
groups, reads every monitor's matches once, and prints the resident size.
Prints figures; asserts nothing.

    python bench/index_load.py [--count 100000] [--groups 100000]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from sqlalchemy import insert, text, update  # noqa: E402

from recess.accounts import store as accounts  # noqa: E402
from recess.accounts.permissions import ADMIN  # noqa: E402
from recess.core.changes import ChangeCounter  # noqa: E402
from recess.core.db import Database  # noqa: E402
from recess.core.ids import time_uuid  # noqa: E402
from recess.downtimes import live  # noqa: E402
from recess.downtimes.matching import DowntimeIndex  # noqa: E402
from recess.downtimes.model import Downtime  # noqa: E402
from recess.downtimes.store import DOWNTIMES  # noqa: E402

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def row(i: int, org_id: int, user_id: int, rng: random.Random) -> dict[str, object]:
    kind = i % 10
    recurring = kind == 9
    scope = (f"host:h{rng.randrange(50_000)}" if kind < 6 else
             f"service:s{rng.randrange(5_000)} env:(prod OR staging)" if kind < 8 else f"team:t{rng.randrange(300)}")
    start = NOW - timedelta(hours=rng.randrange(48))
    return {
        "id": i + 1, "uuid": time_uuid(), "org_id": org_id, "api_version": 2, "created_by": user_id, "updated_by": None,
        "created": start, "modified": start, "canceled": None, "change_seq": 1, "scope": scope,
        "monitor_id": rng.randrange(1000) if kind == 8 else None, "monitor_tags": None if kind == 8 else ["*"],
        "message": None, "display_timezone": "UTC", "mute_first_recovery_notification": False,
        "notify_end_states": ["alert", "no data", "warn"], "notify_end_types": ["expired"],
        "start": start, "end": None if recurring else NOW + timedelta(hours=rng.randrange(1, 720)),
        "timezone": "Europe/Paris" if recurring else None,
        "recurrences": [{"rrule": "FREQ=WEEKLY;BYDAY=MO,WE", "duration": "2h", "start": "2026-01-05T22:00:00"}] if recurring else None,
        "ends_next": None, "v1_scope": None, "v1_recurrence": None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=100_000, help="monitor groups to store and match (0: none)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="recess-bench-")
    db = Database(os.environ.get("RECESS_DATABASE_URL") or f"sqlite:///{folder}/bench.db")
    db.migrate()
    with db.session() as session:
        org = accounts.get_or_create_org(session, "bench")
        user = accounts.get_or_create_user(session, org, "bench@example.com", [ADMIN])
        org_id, user_id = org.id, user.id
    rng = random.Random(7)
    started = time.perf_counter()
    with db.session() as session:
        for first in range(0, args.count, 10_000):
            session.execute(insert(Downtime), [row(i, org_id, user_id, rng) for i in range(first, min(args.count, first + 10_000))])
        session.execute(update(ChangeCounter).where(ChangeCounter.name == DOWNTIMES).values(value=1))
    print(f"stored {args.count:,} downtimes in {time.perf_counter() - started:.1f} s ({db.describe()})")
    if db.is_postgres:  # the statistics autovacuum gathers within a minute of a bulk load; without
        with db.session() as session:  # them the planner takes the org for 150 rows and sorts all 100,000
            session.execute(text("ANALYZE downtimes"))

    index = DowntimeIndex()
    started = time.perf_counter()
    with db.read() as session:
        live.refresh(session, index, NOW)
    print(f"cold index load: {time.perf_counter() - started:.2f} s for {len(index):,} downtimes")
    for _ in range(2):  # every entry's window and matcher form, as a day of decisions would build them
        for entry in index.entries():
            entry.active_at(NOW)
            entry.covers({"host": frozenset({"h1"})})
    print(f"resident size with the index warm: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (peak)")
    started = time.perf_counter()
    with db.read() as session:
        live.refresh(session, index, NOW)
    print(f"refresh with nothing changed: {(time.perf_counter() - started) * 1000:.2f} ms")
    # A list page of 30 (all, and only the active ones), as GET /api/v2/downtime reads it.
    from recess.downtimes import store

    for label, read in (
        ("list page of 30", lambda s: (live.refresh(s, index, NOW), store.page(s, org_id, 500, 30), index.stored_count(org_id))[1:]),
        ("current_only page of 30", lambda s: (store.active_page(s, org_id, NOW, 500, 30, index.recurring_active(org_id, NOW)),
                                               index.active_count(org_id, NOW))),
    ):
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            with db.read() as session:
                rows, total = read(session)
            timings.append(time.perf_counter() - started)
        print(f"{label}: {sorted(timings)[10] * 1000:.1f} ms (median of 20; {total:,} in all)")
    if args.groups:
        groups_and_memory(db, org_id, user_id, index, args.groups, rng)
    db.dispose()


def groups_and_memory(db: Database, org_id: int, user_id: int, index: DowntimeIndex, count: int, rng: random.Random) -> None:
    """`count` monitor groups (100 per monitor, tagged as the downtimes' scopes name things), each
    monitor's matches read once (which parses and keeps every group's tags and the answers), and
    the resident size after."""
    from recess.downtimes.matches import MonitorMatches
    from recess.monitors import rules, store as monitors
    from recess.monitors.model import MonitorGroup

    ids = []
    with db.session() as session:
        for m in range(max(1, count // 100)):
            ids.append(monitors.insert(session, org_id, user_id, rules.create({
                "type": "service check", "name": f"m{m}", "message": "down",
                "query": '"app.up".over("*").by("host").last(1).count_by_status()'}), NOW).id)
        rows = [{"org_id": org_id, "monitor_id": ids[g // 100], "name": f"host:h{g}", "status": "OK", "recent": [],
                 "modified": NOW, "tags": [f"host:h{g}", f"service:s{rng.randrange(5_000)}", f"env:{rng.choice(['prod', 'staging'])}",
                                           f"team:t{rng.randrange(300)}"]} for g in range(count)]
        for first in range(0, count, 10_000):
            session.execute(insert(MonitorGroup), rows[first : first + 10_000])
    matches = MonitorMatches(index)
    started = time.perf_counter()
    muted = 0
    with db.read() as session:
        for monitor in (monitors.get(session, org_id, i) for i in ids):
            muted += sum(len(names) for _, names in matches.of(session, monitor, NOW))
    took = time.perf_counter() - started
    print(f"{count:,} monitor groups on {len(ids):,} monitors: every monitor's matches read once in {took:.1f} s "
          f"({muted:,} groups muted)")
    print(f"resident size with {len(index):,} downtimes indexed and {count:,} groups read: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (peak)")


if __name__ == "__main__":
    main()
