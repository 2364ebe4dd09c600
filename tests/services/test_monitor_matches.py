"""A monitor's kept answer to "which downtimes match it" is given again only while nothing it
depends on has changed: every change below is read back at once, on each backend."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from recess.downtimes import service as downtimes
from recess.downtimes import store
from recess.downtimes.matches import MonitorMatches
from recess.monitors import ingest
from recess.monitors import store as monitors
from tests.services.conftest import T0, World

HOUR = timedelta(hours=1)


def _run(world: World, host: str, at: Any, tags: list[str] | None = None) -> None:
    with world.session() as session:
        ingest.check_run(session, world.org_id, {"check": "app.up", "host_name": host, "status": 2, "tags": tags or []}, at)


def _matched(world: World, matches: MonitorMatches, monitor_id: int, at: Any) -> dict[str, list[str]]:
    with world.db.read() as session:
        monitor = monitors.get(session, world.org_id, monitor_id)
        return {entry.scope: names for entry, names in matches.of(session, monitor, at)}


def test_every_change_is_seen_by_the_next_read(world: World) -> None:
    matches = MonitorMatches(world.index)
    monitor = world.monitor()
    at = T0 + timedelta(minutes=1)
    _run(world, "web-1", at, ["team:a"])
    world.downtime(scope="team:a", schedule={"start": T0, "end": T0 + HOUR})
    assert _matched(world, matches, monitor.id, at) == {"team:a": ["host:web-1"]}
    assert _matched(world, matches, monitor.id, at) == {"team:a": ["host:web-1"]}  # kept

    _run(world, "web-2", at, ["team:a"])  # a new group
    assert _matched(world, matches, monitor.id, at) == {"team:a": ["host:web-1", "host:web-2"]}

    _run(world, "web-2", at, ["team:b"])  # a group's tags change
    assert _matched(world, matches, monitor.id, at) == {"team:a": ["host:web-1"]}

    later = world.downtime(scope="team:b", schedule={"start": T0 + 2 * HOUR, "end": T0 + 3 * HOUR})
    assert _matched(world, matches, monitor.id, at) == {"team:a": ["host:web-1"]}  # not begun
    assert _matched(world, matches, monitor.id, T0 + 2 * HOUR) == {"team:b": ["host:web-2"]}  # one ended, one began

    with world.session() as session:
        row = store.by_uuid(session, world.org_id, later.uuid, for_update=True)
        downtimes.cancel(session, world.notifier, row, world.user_id, T0 + 2 * HOUR)
    assert _matched(world, matches, monitor.id, T0 + 2 * HOUR) == {}


def test_monitor_tags_decide_again_after_they_change(world: World) -> None:
    matches = MonitorMatches(world.index)
    monitor = world.monitor(tags=["service:a"])
    at = T0 + timedelta(minutes=1)
    _run(world, "web-1", at)
    world.downtime(scope="*", monitor_identifier={"monitor_tags": ["service:b"]}, schedule={"start": T0, "end": T0 + HOUR})
    assert _matched(world, matches, monitor.id, at) == {}
    with world.session() as session:
        row = monitors.get(session, world.org_id, monitor.id)
        row.tags = ["service:b"]
    assert _matched(world, matches, monitor.id, at) == {"*": ["*"]}
