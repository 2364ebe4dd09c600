"""Downtimes mute monitor notifications and announce their ends: the downtimes, monitors and
notifications services together, on each backend, with instants passed in.

The database is shared by the module's tests (one org each), so expiry, which runs for every
org, is judged by this org's notifications, not by how many downtimes a call handled."""

from __future__ import annotations

from datetime import timedelta

from recess.downtimes import service as downtimes
from recess.downtimes import store
from recess.monitors import ingest
from recess.monitors import service as monitors
from tests.services.conftest import T0, World, notifications_of

HOUR = timedelta(hours=1)
ONE_HOUR = {"start": T0, "end": T0 + HOUR}


def _run(world: World, host: str, status: int, at: object, tags: list[str] | None = None) -> list[object]:
    with world.session() as session:
        transitions = ingest.check_run(session, world.org_id, {"check": "app.up", "host_name": host, "status": status,
                                                               "tags": tags or []}, at)
        return monitors.notify(session, world.notifier, transitions)


def _history(world: World, monitor_id: int) -> list[dict[str, object]]:
    with world.db.read() as session:
        return notifications_of(session, monitor_id)


def test_a_covered_group_is_muted_and_an_uncovered_one_is_sent(world: World) -> None:
    world.webhook()
    monitor = world.monitor()
    downtime = world.downtime(scope="host:web-1", schedule=ONE_HOUR)
    _run(world, "web-1", 2, T0 + timedelta(minutes=5))
    _run(world, "web-2", 2, T0 + timedelta(minutes=5))
    by_group = {n["group"]: n for n in _history(world, monitor.id)}
    assert by_group["host:web-1"]["muted"] is True and by_group["host:web-1"]["muted_by"] == [downtime.uuid]
    assert by_group["host:web-1"]["deliveries"] == []
    assert by_group["host:web-2"]["muted"] is False
    assert [d["state"] for d in by_group["host:web-2"]["deliveries"]] == ["pending"]  # type: ignore[union-attr]


def test_a_downtime_not_yet_started_mutes_nothing(world: World) -> None:
    monitor = world.monitor()
    world.downtime(scope="*", schedule={"start": T0 + HOUR, "end": T0 + 2 * HOUR})
    _run(world, "web-1", 2, T0 + timedelta(minutes=5))
    assert [n["muted"] for n in _history(world, monitor.id)] == [False]


def test_recovery_of_an_alert_older_than_the_downtime(world: World) -> None:
    monitor = world.monitor()
    _run(world, "web-1", 2, T0 - timedelta(minutes=10))  # alerting before the downtime began
    world.downtime(scope="*", schedule=ONE_HOUR)
    _run(world, "web-1", 0, T0 + timedelta(minutes=5))
    recovery = _history(world, monitor.id)[-1]
    assert recovery["transition"] == "Recovered" and recovery["muted"] is False

    other = world.monitor(name="other")
    _run(world, "db-1", 2, T0 - timedelta(minutes=10))
    world.downtime(scope="host:db-1", schedule=ONE_HOUR, mute_first_recovery_notification=True)
    _run(world, "db-1", 0, T0 + timedelta(minutes=5))
    assert _history(world, other.id)[-1]["muted"] is True


def test_expiry_renotifies_alerting_groups_once(world: World) -> None:
    world.webhook()
    monitor = world.monitor()
    world.downtime(scope="*", schedule=ONE_HOUR, notify_end_types=["expired"], notify_end_states=["alert"])
    _run(world, "web-1", 2, T0 + timedelta(minutes=5))  # muted alert
    _run(world, "web-2", 0, T0 + timedelta(minutes=5))  # stays OK: nothing at the end
    with world.session() as session:
        downtimes.expire_due(session, world.notifier, T0 + HOUR)
    with world.session() as session:
        downtimes.expire_due(session, world.notifier, T0 + HOUR + timedelta(seconds=5))  # handled already: never twice
    ends = [n for n in _history(world, monitor.id) if n["kind"] == "downtime_end"]
    assert [(n["group"], n["muted"]) for n in ends] == [("host:web-1", False)]


def test_an_end_is_muted_while_another_downtime_covers_the_group(world: World) -> None:
    monitor = world.monitor()
    world.downtime(scope="*", schedule=ONE_HOUR)
    longer = world.downtime(scope="host:web-1", schedule={"start": T0, "end": T0 + 3 * HOUR})
    _run(world, "web-1", 2, T0 + timedelta(minutes=5))
    with world.session() as session:
        downtimes.expire_due(session, world.notifier, T0 + HOUR)
    end = [n for n in _history(world, monitor.id) if n["kind"] == "downtime_end"][0]
    assert end["muted"] is True and end["muted_by"] == [longer.uuid]


def test_cancel_notifies_only_an_active_downtime_that_asks_for_it(world: World) -> None:
    monitor = world.monitor()
    active = world.downtime(scope="*", schedule={"start": T0, "end": T0 + 24 * HOUR}, notify_end_types=["canceled"])
    later = world.downtime(scope="*", schedule={"start": T0 + 48 * HOUR}, notify_end_types=["canceled"])
    _run(world, "web-1", 2, T0 + timedelta(minutes=5))
    with world.session() as session:
        for uuid in (later.uuid, active.uuid):
            row = store.by_uuid(session, world.org_id, uuid, for_update=True)
            assert row is not None
            downtimes.cancel(session, world.notifier, row, world.user_id, T0 + HOUR)
    ends = [n for n in _history(world, monitor.id) if n["kind"] == "downtime_end"]
    assert [(n["downtime"], n["reason"]) for n in ends] == [(active.uuid, f"downtime {active.uuid} canceled")]


def test_a_recurring_downtime_ends_each_window(world: World) -> None:
    monitor = world.monitor()
    world.downtime(scope="*", schedule={"timezone": "Europe/Paris", "recurrences": [
        {"rrule": "FREQ=DAILY", "duration": "1h", "start": "2026-06-01T14:00:00"}]}, notify_end_types=["expired"])
    _run(world, "web-1", 2, T0 + timedelta(minutes=5))  # 14:05 in Paris: muted
    for day in range(3):
        with world.session() as session:
            downtimes.expire_due(session, world.notifier, T0 + HOUR + timedelta(days=day))
    ends = [n["at"] for n in _history(world, monitor.id) if n["kind"] == "downtime_end"]
    assert ends == [f"2026-06-0{d}T13:00:00.000000+00:00" for d in (1, 2, 3)]


def test_no_data_transitions_are_notified_through_the_same_muting(world: World) -> None:
    monitor = world.monitor(options={"notify_no_data": True, "no_data_timeframe": 2})
    _run(world, "web-1", 0, T0)
    world.downtime(scope="host:web-1", schedule=ONE_HOUR)
    with world.session() as session:
        notified = monitors.notify(session, world.notifier, ingest.no_data(session, T0 + timedelta(minutes=3)))
    assert [(n.to_state, n.muted) for n in notified] == [("No Data", True)]
    assert _history(world, monitor.id)[-1]["to"] == "No Data"
