"""Group transitions processed per second with 100,000 downtimes stored.

Each processed transition is the whole path a check run takes: store the run, evaluate the
group, record the transition, decide muting against the downtime index, write the notification
and its outbox row, commit. Runs in-process on a real database (SQLite by default). Prints
figures; asserts nothing.

    python bench/transitions.py [--downtimes 100000] [--transitions 2000] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from sqlalchemy import insert  # noqa: E402

from recess.accounts import store as accounts  # noqa: E402
from recess.core import clock  # noqa: E402
from recess.core.db import Database  # noqa: E402
from recess.downtimes import live  # noqa: E402
from recess.downtimes.matching import DowntimeIndex  # noqa: E402
from recess.downtimes.model import Downtime, V1Id  # noqa: E402
from recess.monitors import ingest, rules, store as monitors  # noqa: E402
from recess.notifications import outbox  # noqa: E402
from recess.notifications.model import Webhook  # noqa: E402


GLOBAL = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--downtimes", type=int, default=100_000)
    parser.add_argument("--transitions", type=int, default=2_000)
    parser.add_argument("--hosts", type=int, default=1_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    db = Database(url)
    db.migrate()
    rng = random.Random(3)
    now = clock.now()
    with db.session() as session:
        org = accounts.get_or_create_org(session, f"bench-{rng.randrange(10**9)}")
        user = accounts.get_or_create_user(session, org, "bench@example.com", ["*"])
        session.add(Webhook(org_id=org.id, name="sink", url="http://127.0.0.1:9/", payload=None, custom_headers=None, encode_as="json"))
        monitor = monitors.insert(session, org.id, user.id, rules.create({
            "type": "service check", "name": "bench", "message": "{{#is_alert}}down{{/is_alert}} @webhook-sink",
            "query": '"bench.up".over("*").by("host").last(1).count_by_status()', "tags": ["team:t1"],
        }), now)
        org_id, monitor_id, user_id = org.id, monitor.id, user.id
    started = time.perf_counter()
    first_id = None
    with db.session() as session:
        first_id = (session.scalar(insert(V1Id).returning(V1Id.id).values()) or 1)
    rows = []
    for i in range(args.downtimes):
        # Host- and service-scoped downtimes, and a handful (GLOBAL) that cover whole environments.
        kind = i % 10
        scope = f"host:h{rng.randrange(args.hosts * 100)}" if kind < 8 else f"service:s{rng.randrange(10_000)} env:prod"
        if i < GLOBAL:
            scope = "env:(prod OR staging) -az:z9 role:db"
        rows.append({
            "id": first_id + 1 + i, "uuid": f"00000000-0000-1000-8000-{i:012d}", "org_id": org_id, "api_version": 2,
            "created_by": user_id, "updated_by": None, "created": now, "modified": now, "canceled": None, "scope": scope,
            "monitor_id": None, "monitor_tags": ["*"], "message": None,
            "display_timezone": "UTC", "mute_first_recovery_notification": False, "notify_end_states": ["alert"],
            "notify_end_types": ["expired"], "start": now - timedelta(hours=1), "end": now + timedelta(days=1),
            "timezone": None, "recurrences": None, "v1_scope": None, "v1_recurrence": None, "ends_next": now + timedelta(days=1),
        })
    with db.session() as session:
        for chunk in range(0, len(rows), 5000):
            session.execute(insert(Downtime), rows[chunk : chunk + 5000])
    print(f"{db.engine.dialect.name}: stored {args.downtimes} downtimes in {time.perf_counter() - started:.1f}s")
    index = DowntimeIndex()
    started = time.perf_counter()
    with db.read() as session:
        live.refresh(session, index, clock.now())
    print(f"index loaded: {len(index)} entries in {time.perf_counter() - started:.2f}s")

    state = {f"h{h}": 0 for h in range(args.hosts)}
    transitions = muted = 0
    started = time.perf_counter()
    for _ in range(args.transitions):
        host = f"h{rng.randrange(args.hosts)}"
        state[host] = 2 if state[host] == 0 else 0  # every run flips its group: one transition each
        with db.session() as session:
            at = clock.now()
            run = {"check": "bench.up", "host_name": host, "status": state[host], "tags": [f"service:s{rng.randrange(1000)}", "env:prod"]}
            notes = outbox.on_transitions(session, index, ingest.check_run(session, org_id, run, at), at)
            transitions += len(notes)
            muted += sum(n.muted for n in notes)
    took = time.perf_counter() - started
    print(f"transitions processed: {transitions} in {took:.2f}s = {transitions / took:.0f}/s ({muted} muted), "
          f"{took / max(1, transitions) * 1000:.2f} ms each, one transaction per check run")


if __name__ == "__main__":
    main()
