"""The downtime index follows the change sequence: a late commit is never missed.

Two indexes stand for two processes sharing one database. The writer's transaction is stamped
with a time long before it commits (as when it waited on a lock); the other index refreshes in
between, and still mutes the group once the write commits.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recess.accounts import store as accounts
from recess.accounts.permissions import ADMIN
from recess.core.db import Database
from recess.downtimes import live, rules, store
from recess.downtimes.matching import DowntimeIndex, group_of
from recess.downtimes.model import Downtime
from tests.conftest import BACKENDS, pg_database_for

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    url = f"sqlite:///{tmp_path / 'seq.db'}" if request.param == "sqlite" else pg_database_for("seq", request)
    database = Database(url)
    database.migrate()
    request.addfinalizer(database.dispose)
    return database


def _owner(db: Database) -> tuple[int, int]:
    with db.session() as session:
        org = accounts.get_or_create_org(session, "seq")
        user = accounts.get_or_create_user(session, org, "seq@example.com", [ADMIN])
        return org.id, user.id


def _fields(scope: str) -> rules.Fields:
    return rules.create({"scope": scope, "monitor_identifier": {"monitor_tags": ["*"]}}, T0)


def _muting(db: Database, index: DowntimeIndex, org_id: int, scope_tag: str, at: datetime) -> list[str]:
    with db.read() as session:
        live.refresh(session, index, at)
    return [e.uuid for e in index.matching(org_id, 1, frozenset(), group_of(scope_tag, [scope_tag]), at)]


def test_a_commit_long_after_its_timestamp_is_still_applied(db: Database) -> None:
    org_id, user_id = _owner(db)
    other = DowntimeIndex()
    assert _muting(db, other, org_id, "env:prod", T0) == []

    writer = db._sessions()  # one transaction held open, as a writer stuck behind a lock
    writer.begin()
    row = store.insert(writer, org_id, user_id, _fields("env:prod"), T0, api_version=2)
    writer.flush()
    # Long past any clock overlap, the other process refreshes: nothing is committed yet.
    assert _muting(db, other, org_id, "env:prod", T0 + timedelta(minutes=10)) == []
    writer.commit()
    writer.close()
    assert _muting(db, other, org_id, "env:prod", T0 + timedelta(minutes=10, seconds=1)) == [row.uuid]


def test_changes_apply_in_commit_order_and_cancel_removes(db: Database) -> None:
    org_id, user_id = _owner(db)
    other = DowntimeIndex()
    _muting(db, other, org_id, "env:a", T0)

    first = db._sessions()
    first.begin()
    a = store.insert(first, org_id, user_id, _fields("env:a"), T0, api_version=2)
    first.flush()
    # A second writer starts while the first is open. On SQLite it waits for the first (BEGIN
    # IMMEDIATE); on PostgreSQL it commits first, and the first, numbered at its own commit,
    # comes after it. Either way the other index sees exactly what has committed.
    done = threading.Event()
    b_uuid: list[str] = []

    def second_writer() -> None:
        with db.session() as session:
            b_uuid.append(store.insert(session, org_id, user_id, _fields("env:b"), T0, api_version=2).uuid)
        done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    second_first = done.wait(2 if db.is_postgres else 0.5)
    assert second_first == db.is_postgres
    assert _muting(db, other, org_id, "env:a", T0) == []
    assert _muting(db, other, org_id, "env:b", T0) == (b_uuid if second_first else [])
    first.commit()
    first.close()
    thread.join(10)
    assert done.is_set()
    assert _muting(db, other, org_id, "env:a", T0) == [a.uuid]
    assert _muting(db, other, org_id, "env:b", T0) == b_uuid

    with db.session() as session:
        row = store.by_uuid(session, org_id, a.uuid, for_update=True)
        assert row is not None
        store.cancel(row, user_id, T0 + timedelta(seconds=5))
    assert _muting(db, other, org_id, "env:a", T0 + timedelta(seconds=6)) == []
    assert _muting(db, other, org_id, "env:b", T0 + timedelta(seconds=6)) == b_uuid


def test_a_rolled_back_change_leaves_the_index_alone(db: Database) -> None:
    org_id, user_id = _owner(db)
    index = DowntimeIndex()
    with db.session() as session:
        kept = store.insert(session, org_id, user_id, _fields("env:c"), T0, api_version=2)
    assert _muting(db, index, org_id, "env:c", T0) == [kept.uuid]
    with pytest.raises(RuntimeError), db.session() as session:
        row = store.by_uuid(session, org_id, kept.uuid, for_update=True)
        assert row is not None
        store.cancel(row, user_id, T0)
        raise RuntimeError("the request failed after canceling")
    assert _muting(db, index, org_id, "env:c", T0) == [kept.uuid]


def _stored(db: Database, index: DowntimeIndex, org_id: int, at: datetime) -> int:
    with db.read() as session:
        live.refresh(session, index, at)
        counted = session.scalar(select(func.count()).select_from(Downtime).where(Downtime.org_id == org_id))
    assert index.stored_count(org_id) == counted
    return counted


def test_an_orgs_stored_count_follows_inserts_only(db: Database) -> None:
    """A list's total comes from the index: counted at load, then one more per row inserted,
    by either insert, however its changes arrive (canceled, or inserted and changed between two
    refreshes); other orgs keep their own."""
    org_id, user_id = _owner(db)
    with db.session() as session:
        other_org = accounts.get_or_create_org(session, "other").id
        store.insert(session, org_id, user_id, _fields("env:a"), T0, api_version=2)
        store.insert(session, other_org, user_id, _fields("env:a"), T0, api_version=2)
    index = DowntimeIndex()
    assert _stored(db, index, org_id, T0) == 1  # counted at load
    with db.session() as session:
        row = store.insert(session, org_id, user_id, _fields("env:b"), T0, api_version=2)
    with db.writing() as connection:  # the lanes' create
        store.insert_one_time(connection, [store.NewOneTime(org_id, user_id, _fields("env:c"), T0)] * 2)
    with db.session() as session:  # changed before the index saw it: still one new row
        found = store.by_uuid(session, org_id, row.uuid, for_update=True)
        assert found is not None
        store.cancel(found, user_id, T0 + timedelta(seconds=1))
    assert _stored(db, index, org_id, T0 + timedelta(seconds=2)) == 4
    with db.session() as session:  # a change of a row the index counted: none more
        found = store.by_uuid(session, org_id, row.uuid, for_update=True)
        assert found is not None
        store.write(found, _fields("env:d"), user_id, T0 + timedelta(seconds=3))
    assert _stored(db, index, org_id, T0 + timedelta(seconds=4)) == 4
    assert _stored(db, index, other_org, T0 + timedelta(seconds=4)) == 1
    assert _stored(db, DowntimeIndex(), org_id, T0 + timedelta(seconds=4)) == 4  # and afresh
