"""Bindings: a maintenance on bound components makes, moves and cancels its downtimes; bound
monitors that stay bad open, update and resolve one automatic degradation. The bindings,
status pages, downtimes, monitors and notifications services together, on each backend, with
instants passed in.

The database is shared by the module's tests (one org each); the automation job runs for every
org, so each test judges its own org's rows only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from recess.accounts.model import User
from recess.bindings import service as bindings
from recess.bindings import store as binding_store
from recess.bindings.rules import AUTOMATIC, BindingError
from recess.bindings.service_automation import Automation
from recess.bindings.service_maintenances import MaintenanceDowntimes
from recess.downtimes import service as downtimes
from recess.downtimes.model import Downtime
from recess.monitors import ingest
from recess.monitors import service as monitors
from recess.statuspages import documents
from recess.statuspages import service_degradations as degradations
from recess.statuspages import service_maintenances as maintenances
from recess.statuspages import service_pages as pages
from recess.statuspages import store as page_store
from recess.statuspages.model import Maintenance
from recess.statuspages.schemas import (
    BackfillMaintenanceIn, DegradationPatch, MaintenanceIn, MaintenancePatch, PageAttributes,
)
from tests.services.conftest import T0, World, notifications_of

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)


@dataclass
class Site:
    """A status page of the test's org: `Database` (a group of Primary and Replica), API, Web."""

    world: World
    user: str  # the user's uuid, as status pages name users
    page_id: str
    ids: dict[str, str]
    listener: MaintenanceDowntimes
    automation: Automation
    made: list[str] = field(default_factory=list)

    def bind(self, name: str, at: datetime = T0, *, scope: str = "*", auto: dict[str, Any] | None = None,
             **identifier: Any) -> None:
        given = bindings.Given(monitor_identifier=identifier or {"monitor_tags": ["service:db"]}, scope=scope, auto_degradation=auto)
        with self.world.session() as session:
            page = pages.find(session, self.world.org_id, self.page_id)
            component = pages.find_component(session, page, self.ids[name])
            bindings.put(session, page, component, given, self.listener, self.user, at)

    def maintenance(self, names: list[str], start: datetime, end: datetime, at: datetime = T0) -> str:
        given = MaintenanceIn.model_validate({
            "title": "Database upgrade", "scheduled_description": "soon", "in_progress_description": "now",
            "completed_description": "done", "start_date": start, "completed_date": end,
            "components_affected": [{"id": self.ids[n], "status": "maintenance"} for n in names]})
        with self.world.session() as session:
            page = pages.find(session, self.world.org_id, self.page_id)
            row = maintenances.create(session, self.world.org_id, page, given, maintenances.window(start, end), self.user, at,
                                      self.listener)
            return row.id

    def patch(self, maintenance_id: str, at: datetime, **changes: Any) -> None:
        with self.world.session() as session:
            page = pages.find(session, self.world.org_id, self.page_id)
            row = maintenances.find(session, page, maintenance_id)
            maintenances.update(session, page, row, MaintenancePatch.model_validate(changes), self.user, at, self.listener)

    def advance(self, at: datetime) -> None:
        """The scheduler's tick at `at`: downtime ends, maintenance steps, then automation."""
        with self.world.session() as session:
            downtimes.expire_due(session, self.world.notifier, at)
            maintenances.advance_maintenances(session, at, self.listener)
            self.automation.run(session, at)

    def downtimes(self) -> list[Downtime]:
        with self.world.db.read() as session:
            return list(session.scalars(select(Downtime).where(Downtime.org_id == self.world.org_id).order_by(Downtime.id)))

    def maintenance_row(self, maintenance_id: str) -> tuple[Maintenance, list[Any]]:
        with self.world.db.read() as session:
            row = session.get(Maintenance, maintenance_id)
            assert row is not None
            return row, page_store.updates(session, [row.id])[row.id]

    def degradations(self) -> list[dict[str, Any]]:
        with self.world.db.read() as session:
            rows = page_store.degradations(session, self.world.org_id, self.page_id)
            return [documents.degradation(session, row).attributes for row in rows]

    def statuses(self) -> dict[str, str]:
        with self.world.db.read() as session:
            derived = documents.statuses(session, [self.page_id])
        return {name: derived.get(cid, "operational") for name, cid in self.ids.items()}


@pytest.fixture
def site(world: World) -> Site:
    with world.session() as session:
        user = session.get(User, world.user_id)
        assert user is not None
        attributes = PageAttributes.model_validate({
            "name": "Acme", "domain_prefix": f"acme-{world.org_id}", "type": "public", "visualization_type": "bars_only",
            "components": [{"name": "Database", "type": "group", "components": [{"name": "Primary"}, {"name": "Replica"}]},
                           {"name": "API"}, {"name": "Web"}]})
        page = pages.create(session, world.org_id, attributes, user.uuid, T0)
        ids = {c.name: c.id for c in page_store.components(session, [page.id])}
        page_id, user_uuid = page.id, user.uuid
    muter = world.notifier.muter
    return Site(world, user_uuid, page_id, ids, MaintenanceDowntimes(world.notifier), Automation(muter))


def run(world: World, host: str, status: int, at: datetime, tags: list[str] | None = None) -> None:
    with world.session() as session:
        changed = ingest.check_run(session, world.org_id, {"check": "app.up", "host_name": host, "status": status,
                                                           "tags": tags or []}, at)
        monitors.notify(session, world.notifier, changed)


def history(world: World, monitor_id: int) -> list[dict[str, Any]]:
    with world.db.read() as session:
        return notifications_of(session, monitor_id)


# --- a maintenance mutes its bound components' monitors --------------------------------------


def test_a_maintenance_makes_one_downtime_per_binding_that_applies(site: Site) -> None:
    api = site.world.monitor(name="api up", tags=["service:api"])
    site.bind("Database")  # a group: it applies to Primary and Replica
    site.bind("API", scope="env:prod", monitor_id=api.id)
    start, end = T0 + HOUR, T0 + 3 * HOUR
    first = site.maintenance(["Primary", "Replica", "Web"], start, end)
    made = site.downtimes()
    assert len(made) == 1  # the group's binding once, for both its components; Web is not bound
    assert (made[0].start, made[0].end, made[0].scope, made[0].monitor_tags) == (start, end, "*", ["service:db"])
    assert made[0].message is not None and f"maintenance_id:{first}" in made[0].message
    assert "Database upgrade" in made[0].message and "Acme" in made[0].message
    assert made[0].api_version == 2 and made[0].canceled is None
    second = site.maintenance(["API", "Primary"], start, end)
    made = site.downtimes()
    assert len(made) == 3
    assert {(d.scope, d.monitor_id) for d in made[1:]} == {("*", None), ("env:prod", api.id)}
    assert all(f"maintenance_id:{second}" in (d.message or "") for d in made[1:])
    # A maintenance on unbound components, and a backfilled one on bound ones, make none.
    site.maintenance(["Web"], start, end)
    with site.world.session() as session:
        page = pages.find(session, site.world.org_id, site.page_id)
        maintenances.backfill(session, site.world.org_id, page, BackfillMaintenanceIn.model_validate({"title": "past", "updates": [
            {"started_at": T0 - 2 * HOUR, "status": "in_progress", "description": "x", "components_affected": [{"id": site.ids["Primary"], "status": "maintenance"}]},
            {"started_at": T0 - HOUR, "status": "completed", "description": "y", "components_affected": [{"id": site.ids["Primary"], "status": "operational"}]}]}),
            site.user, T0)
    assert len(site.downtimes()) == 3


def test_the_downtime_mutes_during_the_window_only(site: Site) -> None:
    site.world.webhook()
    db = site.world.monitor(name="db up", tags=["service:db"])
    site.bind("Primary")
    site.maintenance(["Primary"], T0 + HOUR, T0 + 2 * HOUR)
    run(site.world, "db-1", 2, T0 + 30 * MIN)  # before the window
    run(site.world, "db-1", 0, T0 + 40 * MIN)
    run(site.world, "db-1", 2, T0 + 90 * MIN)  # during it
    run(site.world, "db-1", 0, T0 + 100 * MIN)
    run(site.world, "db-1", 2, T0 + 150 * MIN)  # after it
    assert [n["muted"] for n in history(site.world, db.id)] == [False, False, True, True, False]


def test_the_downtimes_follow_the_maintenance(site: Site) -> None:
    site.bind("Primary")
    site.bind("API", monitor_tags=["service:api"])
    moved = site.maintenance(["Primary", "API"], T0 + HOUR, T0 + 2 * HOUR)
    site.patch(moved, T0 + MIN, start_date=T0 + 2 * HOUR, completed_date=T0 + 4 * HOUR)
    assert [(d.start, d.end, d.canceled) for d in site.downtimes()] == [(T0 + 2 * HOUR, T0 + 4 * HOUR, None)] * 2
    # The maintenance no longer affects API: its downtime is canceled, Primary's stays.
    site.patch(moved, T0 + 2 * MIN, components_affected=[{"id": site.ids["Primary"], "status": "maintenance"}])
    assert {d.monitor_tags[0]: d.canceled for d in site.downtimes() if d.monitor_tags} == {"service:db": None, "service:api": T0 + 2 * MIN}
    # Canceling the maintenance cancels the rest.
    site.patch(moved, T0 + 3 * MIN, status="canceled")
    assert all(d.canceled is not None for d in site.downtimes())


def test_completing_early_cancels_and_on_time_expires_with_notify_end_as_usual(site: Site) -> None:
    site.world.webhook()
    db = site.world.monitor(name="db up", tags=["service:db"])
    site.bind("Primary")
    early = site.maintenance(["Primary"], T0 + HOUR, T0 + 3 * HOUR)
    site.advance(T0 + HOUR)
    assert site.maintenance_row(early)[0].status == "in_progress"
    run(site.world, "db-1", 2, T0 + 90 * MIN)  # muted alert
    site.patch(early, T0 + 2 * HOUR, status="completed")
    [downtime] = site.downtimes()
    assert downtime.canceled == T0 + 2 * HOUR
    # The downtime's notify_end_types are Datadog's default, expired only: a cancel notifies nothing.
    assert [n["kind"] for n in history(site.world, db.id)] == ["transition"]

    on_time = site.maintenance(["Primary"], T0 + 4 * HOUR, T0 + 5 * HOUR)
    site.advance(T0 + 4 * HOUR)
    run(site.world, "db-2", 2, T0 + 4 * HOUR + MIN)  # muted
    site.advance(T0 + 5 * HOUR)  # the downtime expires and the maintenance completes at once
    assert site.maintenance_row(on_time)[0].status == "completed"
    second = site.downtimes()[1]
    assert second.canceled is None and second.end == T0 + 5 * HOUR  # ended on its own, not canceled
    ends = [(n["group"], n["muted"]) for n in history(site.world, db.id) if n["kind"] == "downtime_end"]
    assert ends == [("host:db-1", False), ("host:db-2", False)]  # both still alerting: told again


def test_a_maintenance_started_early_mutes_from_then(site: Site) -> None:
    site.bind("Primary")
    early = site.maintenance(["Primary"], T0 + HOUR, T0 + 2 * HOUR)
    site.patch(early, T0 + 10 * MIN, status="in_progress")
    [downtime] = site.downtimes()
    assert (downtime.start, downtime.end) == (T0 + 10 * MIN, T0 + 2 * HOUR)
    site.patch(early, T0 + 20 * MIN, completed_date=T0 + 3 * HOUR)  # a start that has passed stays
    [downtime] = site.downtimes()
    assert (downtime.start, downtime.end) == (T0 + 10 * MIN, T0 + 3 * HOUR)


def test_a_hand_cancel_stays_and_is_told_on_the_next_update_once(site: Site) -> None:
    site.bind("Primary")
    made = site.maintenance(["Primary"], T0 + HOUR, T0 + 2 * HOUR)
    with site.world.session() as session:
        [row] = session.scalars(select(Downtime).where(Downtime.org_id == site.world.org_id)).all()
        downtimes.cancel(session, site.world.notifier, row, site.world.user_id, T0 + 5 * MIN)
        uuid = row.uuid
    site.patch(made, T0 + 6 * MIN, completed_date=T0 + 3 * HOUR)  # moving does not bring it back
    assert [(d.canceled, d.end) for d in site.downtimes()] == [(T0 + 5 * MIN, T0 + 2 * HOUR)]
    site.advance(T0 + HOUR)
    _, updates = site.maintenance_row(made)
    assert updates[-1].status == "in_progress" and updates[-1].description.startswith("now\n\nNote: the downtime ")
    assert uuid in updates[-1].description and "canceled by hand" in updates[-1].description
    site.advance(T0 + 3 * HOUR)
    _, updates = site.maintenance_row(made)
    assert updates[-1].status == "completed" and updates[-1].description == "done"  # told once


def test_deleting_the_binding_leaves_the_downtimes(site: Site) -> None:
    site.bind("Primary")
    made = site.maintenance(["Primary"], T0 + HOUR, T0 + 2 * HOUR)
    with site.world.session() as session:
        row = binding_store.binding(session, site.ids["Primary"])
        assert row is not None
        bindings.remove(session, row)
    assert [d.canceled for d in site.downtimes()] == [None]
    site.patch(made, T0 + MIN, completed_date=T0 + 3 * HOUR)  # still the maintenance's: it moves
    assert [(d.end, d.canceled) for d in site.downtimes()] == [(T0 + 3 * HOUR, None)]
    site.maintenance(["Primary"], T0 + 4 * HOUR, T0 + 5 * HOUR)  # no binding, no new downtime
    assert len(site.downtimes()) == 1


def test_binding_after_scheduling_mutes_open_maintenances(site: Site) -> None:
    made = site.maintenance(["Replica"], T0 + HOUR, T0 + 2 * HOUR)
    assert site.downtimes() == []
    site.bind("Database", T0 + MIN)
    [downtime] = site.downtimes()
    assert (downtime.start, downtime.end) == (T0 + HOUR, T0 + 2 * HOUR) and f"maintenance_id:{made}" in (downtime.message or "")
    site.bind("Database", T0 + 2 * MIN, scope="env:prod")  # a changed binding: its downtimes follow
    assert [d.scope for d in site.downtimes()] == ["env:prod"]


def test_invalid_bindings_are_refused(site: Site) -> None:
    with pytest.raises(BindingError, match="exactly one of monitor_id or monitor_tags"):
        site.bind("API", monitor_id=1, monitor_tags=["a"])
    with pytest.raises(BindingError):
        site.bind("API", scope="service:(db")
    with pytest.raises(BindingError, match="delay_minutes"):
        site.bind("API", auto={"delay_minutes": -1})


# --- monitors that move the page --------------------------------------------------------------


AUTO = {"alert": "major_outage", "warn": "degraded", "no_data": None, "delay_minutes": 5}


def test_a_bad_group_opens_one_degradation_that_joins_and_resolves(site: Site) -> None:
    db = site.world.monitor(name="db up", tags=["service:db"])
    site.bind("Primary", auto=AUTO)
    run(site.world, "db-1", 2, T0)
    site.advance(T0 + 4 * MIN)
    assert site.degradations() == []  # not past the delay yet
    site.advance(T0 + 5 * MIN)
    [opened] = site.degradations()
    assert opened["title"] == "Primary: db up (host:db-1)"
    assert opened["status"] == "investigating" and opened["description"].startswith(AUTOMATIC)
    assert "db up (host:db-1) is Alert since" in opened["description"]
    assert site.statuses()["Primary"] == "major_outage"
    run(site.world, "db-2", 1, T0 + 6 * MIN, tags=["role:replica"])  # a warning joins after its own delay
    site.advance(T0 + 7 * MIN)
    assert len(site.degradations()[0]["updates"]) == 1
    site.advance(T0 + 11 * MIN)
    [updated] = site.degradations()
    assert len(updated["updates"]) == 2 and "db up (host:db-2) is Warn" in updated["description"]
    assert updated["description"].startswith(AUTOMATIC)
    run(site.world, "db-1", 0, T0 + 12 * MIN)
    site.advance(T0 + 12 * MIN)
    [updated] = site.degradations()
    assert len(updated["updates"]) == 3 and site.statuses()["Primary"] == "degraded"  # only the warning is left
    run(site.world, "db-2", 0, T0 + 13 * MIN)
    site.advance(T0 + 13 * MIN)
    site.advance(T0 + 14 * MIN)
    [resolved] = site.degradations()
    assert resolved["status"] == "resolved" and resolved["description"].startswith(AUTOMATIC)
    assert len(resolved["updates"]) == 4 and site.statuses()["Primary"] == "operational"
    # A new episode gets a degradation of its own.
    run(site.world, "db-1", 2, T0 + 20 * MIN)
    site.advance(T0 + 26 * MIN)
    assert [d["status"] for d in site.degradations()] == ["resolved", "investigating"]
    assert db.id  # the monitor the binding holds by its tags


def test_a_group_binding_degrades_its_components_and_states_turned_off_never_do(site: Site) -> None:
    site.world.monitor(name="db up", tags=["service:db"])
    site.bind("Database", auto={**AUTO, "delay_minutes": 0}, scope="role:primary")
    run(site.world, "db-9", 2, T0, tags=["role:replica"])  # not in the scope
    site.advance(T0 + MIN)
    assert site.degradations() == []
    run(site.world, "db-1", 2, T0 + 2 * MIN, tags=["role:primary"])
    site.advance(T0 + 2 * MIN)
    [opened] = site.degradations()
    assert sorted(c["name"] for c in opened["components_affected"]) == ["Primary", "Replica"]
    assert site.statuses()["Replica"] == "major_outage"

    other = Site(site.world, site.user, site.page_id, site.ids, site.listener, site.automation)
    other.bind("API", auto={**AUTO, "alert": None, "delay_minutes": 0}, monitor_tags=["service:api"])
    site.world.monitor(name="api up", tags=["service:api"])
    run(site.world, "api-1", 2, T0 + 3 * MIN)
    site.advance(T0 + 10 * MIN)
    assert len(site.degradations()) == 1  # alerts are turned off for API


def test_muted_groups_never_open_and_the_delay_counts_from_the_end_of_muting(site: Site) -> None:
    site.world.monitor(name="db up", tags=["service:db"])
    site.bind("Primary", auto=AUTO)
    site.maintenance(["Primary"], T0 + HOUR, T0 + 2 * HOUR)
    site.advance(T0 + HOUR)
    run(site.world, "db-1", 2, T0 + 70 * MIN)  # during the maintenance: muted
    site.advance(T0 + 80 * MIN)
    site.advance(T0 + 110 * MIN)
    assert site.degradations() == []
    assert site.statuses()["Primary"] == "maintenance"
    site.advance(T0 + 2 * HOUR + 4 * MIN)  # still alerting after the window, for less than the delay
    assert site.degradations() == []
    site.advance(T0 + 2 * HOUR + 5 * MIN)
    [opened] = site.degradations()
    assert opened["status"] == "investigating" and site.statuses()["Primary"] == "major_outage"


def test_a_persons_update_stops_automation_for_that_degradation(site: Site) -> None:
    site.world.monitor(name="db up", tags=["service:db"])
    site.bind("Primary", auto={**AUTO, "delay_minutes": 0})
    run(site.world, "db-1", 2, T0)
    site.advance(T0)
    [opened] = site.degradations()
    with site.world.session() as session:
        page = pages.find(session, site.world.org_id, site.page_id)
        [row] = page_store.degradations(session, site.world.org_id, site.page_id)
        degradations.update(session, page, row, DegradationPatch.model_validate({"status": "identified", "description": "on it"}),
                            site.user, T0 + MIN)
    run(site.world, "db-2", 2, T0 + 2 * MIN)  # would join
    site.advance(T0 + 2 * MIN)
    run(site.world, "db-1", 0, T0 + 3 * MIN)
    run(site.world, "db-2", 0, T0 + 3 * MIN)
    site.advance(T0 + 3 * MIN)  # all recovered: no automatic resolve either
    [kept] = site.degradations()
    assert [u["status"] for u in kept["updates"]] == ["investigating", "identified"] and kept["description"] == "on it"
    run(site.world, "db-1", 2, T0 + 10 * MIN)  # a new episode is automated again
    site.advance(T0 + 10 * MIN)
    assert [d["status"] for d in site.degradations()] == ["identified", "investigating"]


def test_automation_state_survives_a_restart(site: Site) -> None:
    """A new process (a new index, muter and job) carries on from the database: no second
    degradation, and the recovery resolves the first."""
    from recess.downtimes.matching import DowntimeIndex
    from recess.downtimes.muter import DowntimeMuter
    from recess.notifications.service import Notifier

    site.world.monitor(name="db up", tags=["service:db"])
    site.bind("Primary", auto={**AUTO, "delay_minutes": 0})
    run(site.world, "db-1", 2, T0)
    site.advance(T0)
    fresh = DowntimeMuter(DowntimeIndex())
    restarted = Site(site.world, site.user, site.page_id, site.ids, MaintenanceDowntimes(Notifier(fresh, "https://x.example")),
                     Automation(fresh))
    restarted.advance(T0 + MIN)
    assert len(site.degradations()) == 1 and len(site.degradations()[0]["updates"]) == 1
    run(site.world, "db-1", 0, T0 + 2 * MIN)
    restarted.advance(T0 + 2 * MIN)
    assert [d["status"] for d in site.degradations()] == ["resolved"]


def test_deleting_the_page_takes_bindings_and_automation_and_leaves_downtimes(site: Site) -> None:
    site.world.monitor(name="db up", tags=["service:db"])
    site.bind("Database", auto={**AUTO, "delay_minutes": 0})
    site.maintenance(["Primary"], T0 + HOUR, T0 + 2 * HOUR)
    run(site.world, "db-1", 2, T0)
    site.advance(T0)
    assert len(site.degradations()) == 1
    with site.world.session() as session:
        pages.delete(session, pages.find(session, site.world.org_id, site.page_id))
    with site.world.db.read() as session:
        assert binding_store.binding(session, site.ids["Database"]) is None
        assert binding_store.automation(session, site.ids["Database"]) is None
        assert binding_store.bound_groups(session, site.ids["Database"]) == []
    assert [d.canceled for d in site.downtimes()] == [None]
    site.advance(T0 + MIN)  # nothing left to automate
