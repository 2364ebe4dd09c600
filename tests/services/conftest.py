"""The middle test layer: features' services called in-process over a real database, no HTTP.

Each test gets its own org on a database shared by the module (SQLite file or a PostgreSQL
database), and the objects an app wires at start: the downtime index, the muter answering from
it and the notifier asking it. Instants are passed in, never waited for, so a scenario spanning
days runs in milliseconds.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from recess.accounts import store as accounts
from recess.accounts.permissions import ADMIN
from recess.core.db import Database
from recess.downtimes import rules as downtime_rules
from recess.downtimes import store as downtimes
from recess.downtimes.matching import DowntimeIndex
from recess.downtimes.model import Downtime
from recess.downtimes.muter import DowntimeMuter
from recess.monitors import rules as monitor_rules
from recess.monitors import store as monitors
from recess.monitors.model import Monitor
from recess.notifications.model import Webhook
from recess.notifications.service import Notifier
from tests.conftest import BACKENDS, pg_database_for

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CHECK = '"app.up".over("*").by("host").last(1).count_by_status()'


@pytest.fixture(scope="module", params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    tmp: Path = tmp_path_factory.mktemp("services")
    url = f"sqlite:///{tmp / 'services.db'}" if request.param == "sqlite" else pg_database_for("services", request)
    db = Database(url)
    db.migrate()
    yield db
    db.dispose()


@dataclass
class World:
    """One org on the shared database, with an app's in-process services."""

    db: Database
    org_id: int
    user_id: int
    index: DowntimeIndex
    notifier: Notifier

    def downtime(self, at: datetime = T0, **attributes: Any) -> Downtime:
        attributes.setdefault("monitor_identifier", {"monitor_tags": ["*"]})
        with self.db.session() as session:
            return downtimes.insert(session, self.org_id, self.user_id, downtime_rules.create(attributes, at), at, api_version=2)

    def monitor(self, message: str = "down @webhook-hook", **body: Any) -> Monitor:
        body = {"type": "service check", "query": CHECK, "name": "app up", "message": message, **body}
        with self.db.session() as session:
            return monitors.insert(session, self.org_id, self.user_id, monitor_rules.create(body), T0)

    def webhook(self, name: str = "hook", url: str = "https://hooks.example/in") -> None:
        with self.db.session() as session:
            session.add(Webhook(org_id=self.org_id, name=name, url=url, payload=None, custom_headers=None, encode_as="json"))

    def session(self) -> Any:
        return self.db.session()


@pytest.fixture
def world(database: Database) -> World:
    with database.session() as session:
        org = accounts.get_or_create_org(session, f"org-{secrets.token_hex(4)}")
        user = accounts.get_or_create_user(session, org, f"{secrets.token_hex(4)}@example.com", [ADMIN])
        org_id, user_id = org.id, user.id
    index = DowntimeIndex()
    return World(database, org_id, user_id, index, Notifier(DowntimeMuter(index), "https://recess.example"))


def notifications_of(session: Session, monitor_id: int) -> list[Any]:
    from recess.notifications.history import monitor_history

    return monitor_history(session, monitor_id)
