"""Downtimes v2 throughput against a live server, and the scope matcher's speed.

Prints figures; asserts nothing. Usage:
    python bench/downtimes_v2.py [--count 10000] [--workers 8] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from recess.core.search import compile_matcher, index_tags, parse  # noqa: E402
from tests.conftest import Server, free_port  # noqa: E402

ENVS = ["prod", "staging", "dev", "qa"]


def scope_for(i: int) -> str:
    kind = i % 4
    if kind == 0:
        return f"env:{ENVS[i % 4]} service:svc-{i % 500}"
    if kind == 1:
        return f"env:(prod OR staging) host:web-{i % 1000}*"
    if kind == 2:
        return f"team:t{i % 50} -service:svc-{i % 300}"
    return f"datacenter:dc{i % 7} AND (role:db OR role:cache) NOT host:canary-*"


def body(i: int) -> dict[str, object]:
    return {"data": {"type": "downtime", "attributes": {"scope": scope_for(i), "monitor_identifier": {"monitor_tags": ["*"]}, "message": f"bench {i}"}}}


def rate(label: str, count: int, seconds: float) -> None:
    print(f"{label:<38} {count:>8} in {seconds:7.2f}s  = {count / seconds:10.1f}/s")


def timed(workers: int, items: list[object], fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(fn, items))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="recess-bench-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    api_key, app_key = secrets.token_hex(16), secrets.token_hex(20)
    env = {**os.environ, "RECESS_DATABASE_URL": database_url, "RECESS_API_KEY": api_key, "RECESS_APP_KEY": app_key}
    server = Server(url=f"http://127.0.0.1:{free_port()}", database_url=database_url, api_key=api_key, app_key=app_key,
                    backend=database_url.split(":")[0], env=env, log_path=tmp / "server.log")
    server.start()
    print(f"recess on {server.backend}, {args.count} downtimes, {args.workers} client threads")
    try:
        clients = [httpx.Client(base_url=server.url, headers=server.headers(), timeout=60) for _ in range(args.workers)]

        def client() -> httpx.Client:
            return random.choice(clients)

        ids: list[str] = []

        def create(i: object) -> None:
            response = client().post("/api/v2/downtime", json=body(int(i)))  # type: ignore[arg-type]
            response.raise_for_status()
            ids.append(response.json()["data"]["id"])

        rate("create (POST /api/v2/downtime)", args.count, timed(args.workers, list(range(args.count)), create))

        gets = [random.choice(ids) for _ in range(2000)]
        rate("get (GET /api/v2/downtime/{id})", len(gets), timed(args.workers, gets, lambda d: client().get(f"/api/v2/downtime/{d}").raise_for_status()))

        offsets = [random.randrange(0, max(1, args.count - 30)) for _ in range(500)]
        rate("list page of 30 (random offset)", len(offsets), timed(args.workers, offsets, lambda o: client().get("/api/v2/downtime", params={"page[offset]": o}).raise_for_status()))

        current = timed(1, [0] * 5, lambda _: client().get("/api/v2/downtime", params={"current_only": "true"}).raise_for_status())
        rate("list current_only (all active)", 5, current)
        for c in clients:
            c.close()
    finally:
        server.stop()

    # The matcher: compile every scope once, then evaluate group tag sets against all of them.
    scopes = [scope_for(i) for i in range(args.count)]
    start = time.perf_counter()
    matchers = [compile_matcher(parse(s)) for s in scopes]
    rate("scope parse + compile", len(scopes), time.perf_counter() - start)
    groups = [index_tags([f"env:{random.choice(ENVS)}", f"host:web-{random.randrange(2000)}", f"service:svc-{random.randrange(500)}",
                          f"team:t{random.randrange(50)}", f"datacenter:dc{random.randrange(7)}", random.choice(["role:db", "role:web"])])
              for _ in range(20)]
    evaluations, hits = 0, 0
    start = time.perf_counter()
    for tags in groups:
        for match in matchers:
            hits += match(tags)
        evaluations += len(matchers)
    rate("matcher evaluations", evaluations, time.perf_counter() - start)
    print(f"({hits} of {evaluations} evaluations matched)")


if __name__ == "__main__":
    main()
