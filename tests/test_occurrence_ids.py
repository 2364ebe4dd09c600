"""v1 occurrence ids are allocated by writes and by the end of each occurrence, never by reads."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from recess.core.db import Database
from recess.downtimes import rules, store
from recess.downtimes.matching import DowntimeIndex
from recess.downtimes.model import Occurrence
from recess.downtimes import service
from recess.downtimes.muter import DowntimeMuter
from recess.notifications.service import Notifier
from tests.test_index_sequence import T0, _owner, db  # noqa: F401 - the fixture

DAILY = {"scope": "env:prod", "monitor_identifier": {"monitor_tags": ["*"]}, "schedule": {
    "timezone": "UTC", "recurrences": [{"rrule": "FREQ=DAILY", "duration": "1h", "start": "2026-06-01T12:00"}]}}


def _count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Occurrence)) or 0


def test_the_shown_occurrence_and_the_next_have_ids_before_anyone_reads(db: Database) -> None:  # noqa: F811 - the fixture
    org_id, user_id = _owner(db)
    with db.session() as session:
        row = store.insert(session, org_id, user_id, rules.create(DAILY, T0), T0, api_version=1)
    with db.read() as session:
        today = store.occurrence_id(session, row.id, T0)
        tomorrow = store.occurrence_id(session, row.id, T0 + timedelta(days=1))
    assert today is not None and tomorrow is not None and today != tomorrow and row.id not in (today, tomorrow)
    assert _count(db) == 2
    # The scheduler handles the end of today's window: the day after tomorrow gets its id, and the
    # ids already given stay as they were.
    with db.session() as session:
        assert service.expire_due(session, Notifier(DowntimeMuter(DowntimeIndex()), "http://127.0.0.1"), T0 + timedelta(hours=1)) == 1
    with db.read() as session:
        assert store.occurrence_id(session, row.id, T0) == today
        assert store.occurrence_id(session, row.id, T0 + timedelta(days=1)) == tomorrow
        assert store.occurrence_id(session, row.id, T0 + timedelta(days=2)) is not None
    assert _count(db) == 3


def test_one_time_downtimes_have_no_occurrences(db: Database) -> None:  # noqa: F811 - the fixture
    org_id, user_id = _owner(db)
    with db.session() as session:
        store.insert(session, org_id, user_id, rules.create({"scope": "a:b", "monitor_identifier": {"monitor_id": 1}}, T0),
                     T0, api_version=1)
    assert _count(db) == 0

