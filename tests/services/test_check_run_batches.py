"""A posted list of check runs, applied in one transaction, leaves exactly what the same runs
applied one per transaction leave: group states, history, notifications (muted or not, and what
they say of the group at their instant) and outbox rows, on each backend. The lists are long
enough to take the bulk paths (COPY on PostgreSQL)."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from recess.monitors import ingest
from recess.monitors import service as monitors
from recess.monitors import store
from recess.monitors.model import Monitor
from recess.notifications.model import Delivery
from tests.services.conftest import T0, World, notifications_of

MESSAGE = "{{host.name}} is {{check_status}}: {{value}} of the last runs failed @webhook-hook"


def _monitor(world: World, check: str) -> Monitor:
    return world.monitor(message=MESSAGE, name=check, query=f'"{check}".over("*").by("host").last(3).count_by_status()',
                         options={"thresholds": {"critical": 2, "warning": 2, "ok": 1}})


def _runs(check: str) -> list[dict[str, Any]]:
    rng = random.Random(5)
    # Few hosts, many runs: most groups change several times within the list.
    return [{"check": check, "host_name": f"web-{rng.randrange(6)}", "status": rng.choice([0, 0, 1, 2, 2, 2]),
             "tags": ["env:prod", f"team:t{i % 2}"]} for i in range(60)]


def _state(world: World, monitor_id: int) -> dict[str, Any]:
    """What the runs left, without ids (the two monitors number their rows apart)."""
    with world.db.read() as session:
        monitor = session.get(Monitor, monitor_id)
        assert monitor is not None
        groups = [(g.name, g.tags, g.status, g.recent, g.last_run_at, g.alerting_since, g.last_triggered_at, g.last_resolved_at)
                  for g in store.groups_of(session, [monitor_id])[monitor_id]]
        history = [(t.group_name, t.from_state, t.to_state, t.tags, t.at, t.cause, t.episode_start)
                   for t in store.transitions(session, monitor_id)]
        notes = [{k: v for k, v in n.items() if k not in ("id", "title", "text")} | {"text": n["text"].replace(monitor.name, "")}
                 for n in notifications_of(session, monitor_id)]
        return {"overall": (monitor.overall_state, monitor.overall_state_modified), "groups": groups, "history": history,
                "notifications": notes}


def test_a_posted_list_leaves_what_the_same_runs_one_at_a_time_leave(world: World) -> None:
    world.webhook()
    batched, single = _monitor(world, "app.batched"), _monitor(world, "app.single")
    world.downtime(scope="host:web-1", schedule={"start": T0, "end": T0 + timedelta(hours=1)})
    at = [T0 + timedelta(seconds=i) for i in range(60)]

    with world.session() as session:
        instants = iter(at)
        prepared = [ingest.prepare(run) for run in _runs("app.batched")]
        notified = monitors.notify(session, world.notifier, ingest.check_runs(session, world.org_id, prepared, lambda: next(instants)))
    for run, instant in zip(_runs("app.single"), at, strict=True):
        with world.session() as session:
            monitors.notify(session, world.notifier, ingest.check_run(session, world.org_id, run, instant))

    one, other = _state(world, batched.id), _state(world, single.id)
    assert len(one["history"]) >= 20 and sum(n["muted"] for n in one["notifications"]) >= 2
    assert sum(not n["muted"] for n in one["notifications"]) >= 8
    assert one == other
    assert [(n.group, n.to_state, n.muted) for n in notified] == [
        (n["group"], n["to"], n["muted"]) for n in one["notifications"]]


def test_each_delivery_names_its_own_notification(world: World) -> None:
    world.webhook()
    monitor = _monitor(world, "app.up")
    with world.session() as session:
        instants = iter(T0 + timedelta(seconds=i) for i in range(60))
        prepared = [ingest.prepare(run) for run in _runs("app.up")]
        notified = monitors.notify(session, world.notifier, ingest.check_runs(session, world.org_id, prepared, lambda: next(instants)))
    sent = {n.id for n in notified if not n.muted}
    with world.db.read() as session:
        deliveries = session.scalars(select(Delivery).where(Delivery.org_id == world.org_id).order_by(Delivery.id)).all()
        by_id = {n["id"]: n for n in notifications_of(session, monitor.id)}
    assert len(deliveries) == len(sent) >= 8
    for delivery in deliveries:
        body = json.loads(delivery.body)
        assert delivery.notification_id in sent and body["id"] == str(delivery.notification_id)
        assert body["body"] == by_id[delivery.notification_id]["text"]
        assert delivery.state == "pending" and delivery.headers["Content-Type"] == "application/json"
        assert delivery.next_attempt_at is not None and delivery.next_attempt_at.tzinfo is not None
