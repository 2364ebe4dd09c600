"""Status page subscribers told of maintenances the scheduler moves, over the services on each
backend with instants passed in: announced at start and completion only when created with
notify_subscribers, once (completed) when both steps were due together, never for backfills;
what is queued in the outbox, per channel and component."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from recess.accounts.model import User
from recess.notifications import posts, targets
from recess.notifications.model import Delivery
from recess.statuspages import service_maintenances as maintenances
from recess.statuspages import service_pages as pages
from recess.statuspages import service_subscriptions as subscriptions
from recess.statuspages import store as page_store
from recess.statuspages.schemas import BackfillMaintenanceIn, MaintenanceIn, PageAttributes
from tests.services.conftest import T0, World

HOUR = timedelta(hours=1)
OUT = subscriptions.Outbound("https://status.example", "status@example.com", targets.parse_allow("127.0.0.1/32"))


class Page:
    def __init__(self, world: World) -> None:
        self.world = world
        with world.session() as session:
            user = session.get(User, world.user_id)
            assert user is not None
            attributes = PageAttributes.model_validate({
                "name": "Acme", "domain_prefix": f"subs-{world.org_id}", "type": "public", "visualization_type": "bars_only",
                "subscriptions_enabled": True, "slack_subscriptions_enabled": True,
                "components": [{"name": "API"}, {"name": "Web"}]})
            page = pages.create(session, world.org_id, attributes, user.uuid, T0)
            pages.publish(page, True, user.uuid, T0)
            self.id, self.prefix, self.user = page.id, page.domain_prefix, user.uuid
            self.ids = {c.name: c.id for c in page_store.components(session, [page.id])}

    def subscribe(self, channel: str, url: str, components: list[str] | None = None) -> None:
        with self.world.session() as session:
            chosen = None if components is None else [self.ids[c] for c in components]
            subscriptions.subscribe(session, self.prefix, channel, url, chosen, OUT, T0)

    def maintenance(self, start: datetime, notify: bool, component: str = "API") -> str:
        given = MaintenanceIn.model_validate({
            "title": "Upgrade", "scheduled_description": "soon", "in_progress_description": "now", "completed_description": "done",
            "start_date": start, "completed_date": start + HOUR, "components_affected": [{"id": self.ids[component], "status": "maintenance"}]})
        with self.world.session() as session:
            page = pages.find(session, self.world.org_id, self.id)
            row = maintenances.create(session, self.world.org_id, page, given, maintenances.window(start, start + HOUR), self.user, T0,
                                      notify_subscribers=notify)
            if notify:
                subscriptions.notify(session, page, "maintenance", row, OUT, T0)
            return row.id

    def advance(self, at: datetime) -> None:
        """The scheduler's maintenance job at `at`, as statuspages/feature.py wires it."""
        with self.world.session() as session:
            maintenances.advance_maintenances(session, at, announce=lambda s, row, now: subscriptions.announce_maintenance(s, row, OUT, now))

    def posted(self, url: str) -> list[dict[str, Any]]:
        with self.world.db.read() as session:
            rows = session.scalars(select(Delivery).where(Delivery.org_id == self.world.org_id, Delivery.url == url).order_by(Delivery.id))
            return [json.loads(r.body) for r in rows]


@pytest.fixture
def page(world: World) -> Page:
    return Page(world)


def statuses(bodies: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(b["incident"]["name"], b["incident"]["status"]) for b in bodies]


def test_the_scheduler_announces_what_asked_to_be(page: Page) -> None:
    hook, slack_web = "http://127.0.0.1:9/hook", "http://127.0.0.1:9/slack-web"
    page.subscribe("webhook", hook)
    page.subscribe("slack", slack_web, ["Web"])
    told = page.maintenance(T0 + HOUR, notify=True)
    quiet = page.maintenance(T0 + HOUR, notify=False)
    assert statuses(page.posted(hook)) == [("Upgrade", "scheduled")]

    page.advance(T0 + HOUR)
    page.advance(T0 + HOUR + timedelta(minutes=1))  # nothing due: nothing more
    page.advance(T0 + 2 * HOUR)
    bodies = page.posted(hook)
    assert statuses(bodies) == [("Upgrade", "scheduled"), ("Upgrade", "in_progress"), ("Upgrade", "completed")]
    assert {b["incident"]["id"] for b in bodies} == {told} and quiet not in json.dumps(bodies)
    assert bodies[1]["page"]["status_indicator"] == "maintenance" and bodies[2]["page"]["status_indicator"] == "none"
    assert [len(b["incident"]["incident_updates"]) for b in bodies] == [1, 2, 3]
    assert len(page.posted(slack_web)) == 1  # its welcome: the maintenance is API's
    with page.world.db.read() as session:
        channels = {r.channel for r in session.scalars(select(Delivery).where(Delivery.org_id == page.world.org_id))}
    assert channels == {posts.STATUSPAGE, posts.SLACK}


def test_both_steps_due_together_are_announced_once(page: Page) -> None:
    hook = "http://127.0.0.1:9/late"
    page.subscribe("webhook", hook, ["Web"])
    page.maintenance(T0 + HOUR, notify=True, component="Web")
    page.advance(T0 + 3 * HOUR)  # the scheduler was away past the whole window
    assert statuses(page.posted(hook)) == [("Upgrade", "scheduled"), ("Upgrade", "completed")]


def test_backfills_announce_nothing(page: Page) -> None:
    hook = "http://127.0.0.1:9/backfill"
    page.subscribe("webhook", hook)
    given = BackfillMaintenanceIn.model_validate({"title": "Old", "updates": [
        {"status": "in_progress", "started_at": T0 - 3 * HOUR, "description": "working",
         "components_affected": [{"id": page.ids["API"], "status": "maintenance"}]},
        {"status": "completed", "started_at": T0 - 2 * HOUR, "description": "done",
         "components_affected": [{"id": page.ids["API"], "status": "operational"}]}]})
    with page.world.session() as session:
        found = pages.find(session, page.world.org_id, page.id)
        row = maintenances.backfill(session, page.world.org_id, found, given, page.user, T0)
        assert subscriptions.announce_maintenance(session, row, OUT, T0) == 0
    page.advance(T0 + HOUR)
    assert page.posted(hook) == []
