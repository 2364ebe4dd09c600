"""Group transitions processed per second with 100,000 downtimes stored.

Each processed transition is the whole path a check run takes through `POST /api/v1/check_run`:
store the run, evaluate the group, record the transition, decide muting against the downtime
index, write the notification and (unmuted) its outbox row, commit. Runs in-process on a real
database with the services an app wires at start (a DowntimeIndex, the DowntimeMuter answering
from it, the Notifier asking it), through the calls the route makes: `ingest.check_runs` and
`monitors.service.notify`, in two modes:

- one transaction per check run (a client posting one run at a time);
- `--batch N` runs per transaction (a posted list of N runs, applied in one transaction).

Every run flips its host's group, so each run is one transition. Each host keeps its tags from
run to run, as an agent's runs do. Groups exist before the timed part (a warm-up run per host).
Prints figures; asserts nothing.

    python bench/transitions.py [--downtimes 100000] [--transitions 2000] [--batch 100] [--rounds 1]
                                [--database-url postgresql://postgres@127.0.0.1:5432/test]

With --database-url (PostgreSQL), a scratch database is created on that server for the run and
dropped at the end; without it, a fresh SQLite file, deleted at the end. The garbage collector
is set as a server sets it once its index is loaded (core.collector).
"""

from __future__ import annotations

import argparse
import random
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from sqlalchemy import func, insert, select, update  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from recess.accounts import store as accounts  # noqa: E402
from recess.accounts.permissions import ADMIN  # noqa: E402
from recess.core import clock, collector  # noqa: E402
from recess.core.changes import ChangeCounter  # noqa: E402
from recess.core.db import Database  # noqa: E402
from recess.downtimes import live  # noqa: E402
from recess.downtimes.matching import DowntimeIndex  # noqa: E402
from recess.downtimes.model import Downtime  # noqa: E402
from recess.downtimes.muter import DowntimeMuter  # noqa: E402
from recess.downtimes.store import DOWNTIMES  # noqa: E402
from recess.monitors import ingest, rules, service  # noqa: E402
from recess.monitors import store as monitors  # noqa: E402
from recess.notifications.model import Delivery, Notification, Webhook  # noqa: E402
from recess.notifications.service import Notifier  # noqa: E402

GLOBAL = 20  # downtimes that cover whole environments (no run of this bench matches them)


@contextmanager
def database(url: str | None) -> Iterator[Database]:
    """A fresh SQLite file, or a scratch database on the PostgreSQL server of `url`, dropped after."""
    if url is None:
        folder = Path(tempfile.mkdtemp(prefix="recess-bench-"))
        db = Database(f"sqlite:///{folder / 'bench.db'}")
        try:
            yield db
        finally:
            db.dispose()
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg

    admin = make_url(url).set(drivername="postgresql")
    name = f"recess_bench_{secrets.token_hex(3)}"
    admin_dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db = Database(admin.set(database=name).render_as_string(hide_password=False))
    try:
        yield db
    finally:
        db.dispose()
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def store_downtimes(db: Database, count: int, hosts: int, org_id: int, user_id: int, rng: random.Random) -> None:
    """`count` active downtimes in bulk: mostly host scopes, some service + env scopes, a few
    environment-wide ones (at 100,000, about 60% of the bench's groups are covered); the counter
    set as if each had been written through the store."""
    now = clock.now()
    rows = []
    for i in range(count):
        kind = i % 10
        scope = f"host:h{rng.randrange(hosts * 100)}" if kind < 8 else f"service:s{rng.randrange(hosts * 100)} env:prod"
        if i < GLOBAL:
            scope = "env:(prod OR staging) -az:z9 role:db"
        rows.append({
            "id": i + 1, "uuid": f"00000000-0000-1000-8000-{i:012d}", "org_id": org_id, "api_version": 2,
            "created_by": user_id, "updated_by": None, "created": now, "modified": now, "canceled": None, "change_seq": 1,
            "scope": scope, "monitor_id": None, "monitor_tags": ["*"], "message": None, "display_timezone": "UTC",
            "mute_first_recovery_notification": False, "notify_end_states": ["alert"], "notify_end_types": ["expired"],
            "start": now - timedelta(hours=1), "end": now + timedelta(days=1), "timezone": None, "recurrences": None,
            "v1_scope": None, "v1_recurrence": None, "ends_next": now + timedelta(days=1),
        })
    with db.session() as session:
        for chunk in range(0, len(rows), 5000):
            session.execute(insert(Downtime), rows[chunk : chunk + 5000])
        session.execute(update(ChangeCounter).where(ChangeCounter.name == DOWNTIMES).values(value=1))


class Agents:
    """Check runs of `hosts` hosts, each flipping its host's group (OK <-> CRITICAL) every time."""

    def __init__(self, hosts: int, rng: random.Random) -> None:
        self.rng = rng
        self.hosts = hosts
        self.status = [0] * hosts

    def run(self, host: int, status: int) -> ingest.Run:
        return ingest.prepare({"check": "bench.up", "host_name": f"h{host}", "status": status,
                               "tags": [f"service:s{host * 7 % 10_000}", "env:prod", f"team:t{host % 30}"]})

    def next(self) -> ingest.Run:
        host = self.rng.randrange(self.hosts)
        self.status[host] = 2 if self.status[host] == 0 else 0
        return self.run(host, self.status[host])


def timed(db: Database, notifier: Notifier, org_id: int, agents: Agents, runs: int, batch: int) -> tuple[int, int, float]:
    """Apply `runs` check runs, `batch` per transaction, as the route does: (transitions, muted, seconds)."""
    transitions = muted = 0
    started = time.perf_counter()
    for first in range(0, runs, batch):
        prepared = [agents.next() for _ in range(min(batch, runs - first))]
        with db.session() as session:
            notes = service.notify(session, notifier, ingest.check_runs(session, org_id, prepared, clock.now))
            transitions += len(notes)
            muted += sum(n.muted for n in notes)
    return transitions, muted, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--downtimes", type=int, default=100_000)
    parser.add_argument("--transitions", type=int, default=2_000, help="check runs (= transitions) timed in each mode")
    parser.add_argument("--batch", type=int, default=100, help="check runs per transaction in the batched mode")
    parser.add_argument("--hosts", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=1, help="time each mode this many times, print the best (and the median)")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server to make a scratch database on")
    args = parser.parse_args()
    rng = random.Random(3)
    with database(args.database_url) as db:
        db.migrate()
        with db.session() as session:
            org = accounts.get_or_create_org(session, "bench")
            user = accounts.get_or_create_user(session, org, "bench@example.com", [ADMIN])
            session.add(Webhook(org_id=org.id, name="sink", url="http://127.0.0.1:9/", payload=None, custom_headers=None,
                                encode_as="json"))
            monitor = monitors.insert(session, org.id, user.id, rules.create({
                "type": "service check", "name": "bench", "message": "{{#is_alert}}down{{/is_alert}} @webhook-sink",
                "query": '"bench.up".over("*").by("host").last(1).count_by_status()', "tags": ["team:t1"],
            }), clock.now())
            org_id, user_id, monitor_id = org.id, user.id, monitor.id
        started = time.perf_counter()
        store_downtimes(db, args.downtimes, args.hosts, org_id, user_id, rng)
        print(f"{db.describe()}: stored {args.downtimes:,} downtimes in {time.perf_counter() - started:.1f} s")

        index = DowntimeIndex()
        notifier = Notifier(DowntimeMuter(index), "https://recess.example")
        started = time.perf_counter()
        with db.read() as session:
            live.refresh(session, index, clock.now())
        print(f"index loaded: {len(index):,} downtimes in {time.perf_counter() - started:.2f} s")
        # The collector as a server sets it once started and its index is loaded (core.collector).
        collector.tune()

        agents = Agents(args.hosts, rng)
        with db.session() as session:  # every host's group exists, OK: no transition
            ingest.check_runs(session, org_id, [agents.run(h, 0) for h in range(args.hosts)], clock.now)

        for label, batch in (("one transaction per check run", 1), (f"{args.batch} check runs per transaction", args.batch)):
            rounds = [timed(db, notifier, org_id, agents, args.transitions, batch) for _ in range(args.rounds)]
            transitions, muted, took = min(rounds, key=lambda r: r[2] / max(1, r[0]))
            middle = sorted(rounds, key=lambda r: r[2] / max(1, r[0]))[len(rounds) // 2]
            spread = f"; median of {len(rounds)} rounds {middle[0] / middle[2]:,.0f}/s" if len(rounds) > 1 else ""
            print(f"{label}: {transitions:,} transitions in {took:.2f} s = {transitions / took:,.0f}/s "
                  f"({muted:,} muted, {took / max(1, transitions) * 1e6:.0f} µs each{spread})")

        with db.read() as session:  # what was written: one notification per transition, an outbox row per unmuted one
            notes = session.scalar(select(func.count()).select_from(Notification).where(Notification.monitor_id == monitor_id))
            unmuted = session.scalar(select(func.count()).select_from(Notification)
                                     .where(Notification.monitor_id == monitor_id, Notification.muted.is_(False)))
            outbox = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.org_id == org_id))
        print(f"stored: {notes:,} notifications, {unmuted:,} unmuted, {outbox:,} outbox rows")


if __name__ == "__main__":
    main()
