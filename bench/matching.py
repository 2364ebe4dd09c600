"""Mute decisions per second: which active downtimes cover one monitor group.

Builds the in-memory DowntimeIndex that muting uses, over 1,000 / 10,000 / 100,000 downtimes,
and decides for 10,000 monitor groups, afresh and again (kept decisions, as the muter asks).
Prints figures (the best of three passes); asserts nothing. The cost of a decision
follows the candidates it examines, not the downtime count.

The org grows with its downtimes: ten times the downtimes come with ten times the hosts,
services, monitors and teams they name (two hosts per downtime; a service, a monitor and a team
per 20, 50 and 50 downtimes), so
the number of downtimes that really cover one group stays about the same. (Holding the hosts
fixed while adding downtimes would make every group covered by more and more of them, and a
decision must list each one that mutes it.)

    python bench/matching.py [--groups 10000] [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from recess.core.schedule import OneTime  # noqa: E402
from recess.downtimes.decisions import KeptDecisions  # noqa: E402
from recess.downtimes.matching import DowntimeIndex, Entry, Group, group_of, monitor_tag_set  # noqa: E402

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
MONITORS = 1000
ORG = 1
GLOBAL = 5  # org-wide downtimes without a required term: a handful in any real org
# Each figure is the best of this many passes over the groups: on a shared machine a pass now
# and then runs at half speed, and that is the machine's cost, not a decision's.
PASSES = 3


@dataclass(frozen=True)
class Org:
    hosts: int
    services: int
    monitors: int
    teams: int


def org_of(size: int) -> Org:
    return Org(hosts=max(50, size // 2), services=max(5, size // 20), monitors=max(10, size // 50), teams=max(5, size // 50))


def downtime(i: int, rng: random.Random, org: Org) -> Entry:
    """A realistic mix: host and service scopes, monitor-specific, team-tag downtimes, a few global."""
    kind = i % 20
    start = NOW - timedelta(hours=1)
    end = NOW + timedelta(hours=rng.choice([-0.5, 1, 2, 24]))  # some already over
    monitor_id, monitor_tags = None, ["*"]
    if kind < 10:
        scope = f"host:h{rng.randrange(org.hosts)}"
    elif kind < 14:
        scope = f"service:s{rng.randrange(org.services)} env:(prod OR staging)"
    elif kind < 17:
        scope, monitor_id = f"role:{rng.choice(['web', 'db'])} -env:dev", rng.randrange(org.monitors)
    else:
        scope, monitor_tags = "env:(prod OR staging) -role:db", [f"team:t{rng.randrange(org.teams)}"]
    return Entry(id=i, uuid=str(i), org_id=ORG, scope=scope, monitor_id=monitor_id,
                 monitor_tags=monitor_tag_set(monitor_tags), schedule=OneTime(start, end))


def build(size: int, rng: random.Random) -> DowntimeIndex:
    index = DowntimeIndex()
    org = org_of(size)
    for i in range(size - GLOBAL):
        index.put(downtime(i, rng, org))
    for i in range(size - GLOBAL, size):
        index.put(Entry(id=i, uuid=str(i), org_id=ORG, scope=rng.choice(["env:(prod OR staging) -az:z1", "-env:dev -role:web"]), monitor_id=None,
                        monitor_tags=monitor_tag_set(["*"]), schedule=OneTime(NOW - timedelta(hours=1), NOW + timedelta(hours=2))))
    return index


def groups(count: int, rng: random.Random, org: Org) -> list[tuple[int, frozenset[str], Group]]:
    out = []
    for g in range(count):
        monitor_id = rng.randrange(org.monitors)
        monitor_tags = monitor_tag_set([f"team:t{monitor_id % org.teams}", f"service:s{monitor_id % org.services}"])
        tags = [f"host:h{rng.randrange(org.hosts)}", f"env:{rng.choice(['prod', 'staging', 'dev'])}",
                f"service:s{rng.randrange(org.services)}", f"role:{rng.choice(['web', 'db'])}", f"az:z{rng.randrange(6)}"]
        out.append((monitor_id, monitor_tags, group_of(",".join(tags[:1]), tags)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    rng = random.Random(7)
    print(f"{args.groups} monitor groups; {GLOBAL} org-wide downtimes in every size; the org grows with its downtimes")
    print(f"{'downtimes':>10} {'build s':>9} {'decisions/s':>13} {'µs/decision':>12} {'µs kept':>12} {'candidates':>11} {'muted':>7}")
    for size in (int(s) for s in args.sizes.split(",")):
        sample = groups(args.groups, rng, org_of(size))
        started = time.perf_counter()
        index = build(size, rng)
        built = time.perf_counter() - started
        for monitor_id, monitor_tags, group in sample:  # warm the window caches: a steady state is measured
            index.matching(ORG, monitor_id, monitor_tags, group, NOW)
        candidates = sum(len(index._candidates(ORG, m, t, (g,))) for m, t, g in sample) / len(sample)
        took = float("inf")
        for _ in range(PASSES):
            muted = 0
            started = time.perf_counter()
            for monitor_id, monitor_tags, group in sample:
                muted += bool(index.matching(ORG, monitor_id, monitor_tags, group, NOW))
            took = min(took, time.perf_counter() - started)
        # The same decisions again through KeptDecisions (what the muter asks): each group was
        # decided once already, as a group that transitions again has been.
        kept = KeptDecisions(index)
        for monitor_id, monitor_tags, group in sample:
            kept.matching(ORG, monitor_id, monitor_tags, group, NOW)
        started = time.perf_counter()
        for monitor_id, monitor_tags, group in sample:
            kept.matching(ORG, monitor_id, monitor_tags, group, NOW)
        again = time.perf_counter() - started
        for _ in range(PASSES - 1):
            started = time.perf_counter()
            for monitor_id, monitor_tags, group in sample:
                kept.matching(ORG, monitor_id, monitor_tags, group, NOW)
            again = min(again, time.perf_counter() - started)
        print(f"{size:>10} {built:>9.2f} {len(sample) / took:>13.0f} {took / len(sample) * 1e6:>12.1f} "
              f"{again / len(sample) * 1e6:>12.1f} {candidates:>11.1f} {muted:>7}")


if __name__ == "__main__":
    main()
