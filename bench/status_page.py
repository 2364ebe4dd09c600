"""Public status page views per second against a live server (goal: 500/s or more).

A page with 5 groups of 4 components and 4 plain ones, 90 days of backfilled incidents and
maintenances, one open incident. Prints the first (uncached) render, then views/s of the page,
of 304 answers to If-None-Match, and of summary.json; then views/s while the page changes every
200 views (each change makes the next view render again). Asserts nothing. Usage:
    python bench/status_page.py [--views 4000] [--workers 8] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.conftest import Server, free_port  # noqa: E402


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def setup(admin: httpx.Client) -> tuple[str, str]:
    """A published page with history; its (id, domain_prefix)."""
    groups = [{"name": f"Region {g}", "type": "group", "components": [{"name": f"Service {g}.{c}", "type": "component"} for c in range(4)]}
              for g in range(5)]
    plain = [{"name": f"Edge {i}", "type": "component"} for i in range(4)]
    made = admin.post("/api/v2/statuspages", json={"data": {"type": "status_pages", "attributes": {
        "name": "Bench", "domain_prefix": f"bench-{secrets.token_hex(4)}", "type": "public",
        "visualization_type": "bars_and_uptime_percentage", "components": groups + plain}}}).json()["data"]
    page_id = made["id"]
    leaves = [c["id"] for item in made["attributes"]["components"] for c in item.get("components", [item])]
    now = datetime.now(UTC)
    for i in range(60):  # an incident every day and a half, on a component in turn
        start = now - timedelta(days=89) + timedelta(hours=36 * i)
        status = ("degraded", "partial_outage", "major_outage")[i % 3]
        updates = [{"started_at": iso(start), "status": "investigating", "description": f"Incident {i}",
                    "components_affected": [{"id": leaves[i % len(leaves)], "status": status}]},
                   {"started_at": iso(start + timedelta(hours=2)), "status": "resolved", "description": "Resolved",
                    "components_affected": [{"id": leaves[i % len(leaves)], "status": "operational"}]}]
        admin.post(f"/api/v2/statuspages/{page_id}/degradations/backfill", json={"data": {"type": "degradations", "attributes": {
            "title": f"Incident {i}", "updates": updates}}}).raise_for_status()
    for i in range(10):
        start = now - timedelta(days=85) + timedelta(days=8 * i)
        updates = [{"started_at": iso(start), "status": "in_progress", "description": "Working",
                    "components_affected": [{"id": leaves[-1 - i], "status": "maintenance"}]},
                   {"started_at": iso(start + timedelta(hours=1)), "status": "completed", "description": "Done",
                    "components_affected": [{"id": leaves[-1 - i], "status": "operational"}]}]
        admin.post(f"/api/v2/statuspages/{page_id}/maintenances/backfill", json={"data": {"type": "maintenances", "attributes": {
            "title": f"Maintenance {i}", "updates": updates}}}).raise_for_status()
    admin.post(f"/api/v2/statuspages/{page_id}/degradations", json={"data": {"type": "degradations", "attributes": {
        "title": "Open now", "status": "identified", "components_affected": [{"id": leaves[0], "status": "partial_outage"}]}}}
    ).raise_for_status()
    admin.post(f"/api/v2/statuspages/{page_id}/publish").raise_for_status()
    return page_id, made["attributes"]["domain_prefix"]


def rate(label: str, count: int, seconds: float) -> None:
    print(f"{label:<44} {count:>7} in {seconds:6.2f}s = {count / seconds:8.1f}/s")


def views(clients: list[httpx.Client], path: str, count: int, headers: dict[str, str] | None = None,
          every: int = 0, change: Any = None) -> float:
    def one(i: int) -> None:
        if every and change and i % every == 0:
            change(i)
        # Raw bytes, as sent (gzip when the page is large): decompressing is the reader's work, and
        # here it would take the server's cores.
        with clients[i % len(clients)].stream("GET", path, headers=headers) as answer:
            assert answer.status_code in (200, 304), answer.status_code
            for _ in answer.iter_raw():
                pass

    start = time.perf_counter()
    with ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(one, range(count)))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--views", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="recess-bench-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    api_key, app_key = secrets.token_hex(16), secrets.token_hex(20)
    env = {**os.environ, "RECESS_DATABASE_URL": database_url, "RECESS_API_KEY": api_key, "RECESS_APP_KEY": app_key,
           "RECESS_RATE_LIMITS": "public_status=off"}  # the bench's one address would be limited like a scraper
    server = Server(url=f"http://127.0.0.1:{free_port()}", database_url=database_url, api_key=api_key, app_key=app_key,
                    backend=database_url.split(":")[0], env=env, log_path=tmp / "server.log")
    server.start()
    try:
        with server.http() as admin:
            page_id, prefix = setup(admin)
            path = f"/status/{prefix}"
            clients = [httpx.Client(base_url=server.url, timeout=60) for _ in range(args.workers)]
            start = time.perf_counter()
            first = clients[0].get(path)
            print(f"recess on {server.backend}, 24 components, 70 past incidents and maintenances, {args.workers} client threads")
            with clients[0].stream("GET", path) as packed:
                sent = sum(len(chunk) for chunk in packed.iter_raw())
            print(f"first view (renders): {1000 * (time.perf_counter() - start):.1f} ms, {len(first.content) // 1024} KiB "
                  f"({sent // 1024} KiB sent gzipped)")
            rate("baseline: GET /healthz (the HTTP stack alone)", args.views, views(clients, "/healthz", args.views))
            rate("page views (cached)", args.views, views(clients, path, args.views))
            rate("page views answered 304 (If-None-Match)", args.views,
                 views(clients, path, args.views, headers={"If-None-Match": first.headers["etag"]}))
            rate("summary.json", args.views, views(clients, f"{path}/api/v2/summary.json", args.views))

            def rename(i: int) -> None:
                admin.patch(f"/api/v2/statuspages/{page_id}", json={"data": {"type": "status_pages", "id": page_id,
                                                                             "attributes": {"name": f"Bench {i}"}}}).raise_for_status()

            rate("page views, a change every 200 views", args.views, views(clients, path, args.views, every=200, change=rename))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
