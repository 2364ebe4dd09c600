"""Storage: read transactions see one snapshot on every backend; statements run on the driver
store what SQLAlchemy would."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, MetaData, String, Table, bindparam, func, insert, select, update

from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError, OperationalError

from fastapi.testclient import TestClient

from recess.accounts import store as accounts
from recess.accounts.model import Org
from recess.app import create_app
from recess.core import changes, errors
from recess.core.db import Database, UTCDateTime, normalize_url
from recess.core.driver import DriverStatement
from recess.settings import Settings
from tests.conftest import BACKENDS, pg_database_for


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    url = f"sqlite:///{tmp_path / 'snap.db'}" if request.param == "sqlite" else pg_database_for("snap", request)
    database = Database(url)
    database.migrate()
    request.addfinalizer(database.dispose)
    return database


def test_a_read_does_not_straddle_a_commit(db: Database) -> None:
    with db.read() as reader:
        before = reader.scalar(select(func.count()).select_from(Org))
        with db.session() as writer:
            accounts.get_or_create_org(writer, "committed meanwhile")
        assert reader.scalar(select(func.count()).select_from(Org)) == before  # still the first snapshot
    with db.read() as reader:
        assert reader.scalar(select(func.count()).select_from(Org)) == before + 1


def test_plain_urls_get_recess_drivers() -> None:
    assert normalize_url("postgresql://u@h:5432/d").startswith("postgresql+psycopg://")
    assert normalize_url("postgres://u@h/d").startswith("postgresql+psycopg://")
    assert normalize_url("sqlite:///x.db") == "sqlite+pysqlite:///x.db"
    with pytest.raises(ValueError):
        normalize_url("mysql://u@h/d")


# --- statements run on the driver (core.driver) ---------------------------------------------------

_SAMPLES = Table(
    "driver_samples", MetaData(),
    Column("id", Integer, primary_key=True), Column("at", UTCDateTime()), Column("doc", JSON),
    Column("flag", Boolean), Column("name", String(40)),
)


def test_a_driver_statement_stores_what_sqlalchemy_would(db: Database) -> None:
    """Written through the driver or through SQLAlchemy, rows read back the same: datetimes in
    any zone as UTC, JSON (a None as JSON null), booleans, text."""
    at = datetime(2026, 12, 1, 17, 44, 8, 139285, tzinfo=timezone(timedelta(hours=5)))
    rows = [{"id": 1, "at": at, "doc": {"a": [1, "x"]}, "flag": True, "name": "é"},
            {"id": 2, "at": None, "doc": None, "flag": False, "name": "b"}]
    with db.writing() as connection:
        _SAMPLES.create(connection)
        DriverStatement(insert(_SAMPLES)).many(connection, rows)
        connection.execute(insert(_SAMPLES), [dict(row, id=row["id"] + 10) for row in rows])
    try:
        with db.writing() as connection:
            stored = {row.id: row[1:] for row in connection.execute(select(_SAMPLES))}
            raw = {row.id: row[1:] for row in connection.execute(select(_SAMPLES.c.id, _SAMPLES.c.at.cast(String), _SAMPLES.c.doc.cast(String)))}
            found = DriverStatement(select(_SAMPLES).where(_SAMPLES.c.id == bindparam("id"))).objects(connection, {"id": 1})
        assert stored[1] == stored[11] and stored[2] == stored[12]
        assert raw[1] == raw[11] and raw[2] == raw[12]  # the very same stored text
        assert stored[1][0] == at.astimezone(UTC) and stored[2][1] is None
        [one] = found
        assert (one.at, one.doc, one.flag, one.name) == (at.astimezone(UTC), {"a": [1, "x"]}, True, "é")
    finally:
        with db.writing() as connection:
            _SAMPLES.drop(connection)


def test_a_driver_statement_keeps_the_values_it_holds_and_wants_every_other(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'counters.db'}")
    counters = Table("counters", MetaData(), Column("name", String(10), primary_key=True), Column("value", Integer))
    raise_one = DriverStatement(update(counters).where(counters.c.name == bindparam("counter"))
                                .values(value=counters.c.value + 1).returning(counters.c.value))
    with db.writing() as connection:
        counters.create(connection)
        connection.execute(insert(counters), {"name": "a", "value": 41})
        assert raise_one.rows(connection, {"counter": "a"}) == [(42,)]
        with pytest.raises(KeyError):
            raise_one.rows(connection, {})


@pytest.mark.parametrize("at", [datetime(2026, 12, 1, 12, 44, 8, 139285, tzinfo=UTC), datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
                                datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-7))), datetime(2026, 1, 1)])
def test_utc_datetimes_are_written_as_sqlalchemys_own_sqlite_text(at: datetime) -> None:
    dialect = sqlite.dialect()
    sqlalchemys = DateTime().dialect_impl(dialect).bind_processor(dialect)
    ours = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert sqlalchemys is not None and ours is not None
    naive_utc = at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at
    assert ours(at) == sqlalchemys(naive_utc) and ours(None) is None


def test_the_hot_writer_leaves_checkpoints_to_the_checkpoint_loop(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()

    def in_database_file() -> int:
        """The counter as the database file alone has it (what a checkpoint copied there)."""
        alone = tmp_path / "alone.db"
        shutil.copyfile(path, alone)
        with sqlite3.connect(alone) as copy:
            return copy.execute("SELECT value FROM change_counters WHERE name = 'downtimes'").fetchone()[0]

    db.checkpoint()
    before = in_database_file()
    for _ in range(1300):  # a WAL frame each: past SQLite's autocheckpoint of 1,000
        with db.writing() as connection:
            last = changes.raise_in(connection, "downtimes")
    assert path.with_name("wal.db-wal").stat().st_size > 1250 * 4096  # never restarted by a checkpoint
    assert in_database_file() == before  # nothing copied meanwhile
    db.checkpoint()
    assert in_database_file() == last
    for _ in range(10):  # the log was started over: these are its only pages
        with db.writing() as connection:
            changes.raise_in(connection, "downtimes")
    with sqlite3.connect(path) as probe:
        _, pages, _ = probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert 0 < pages <= 20
    db.dispose()


def test_checkpoints_keep_the_log_short_while_writes_keep_coming(tmp_path: Path) -> None:
    """A log copied while writers keep adding to it is never all copied, and SQLite starts it
    over only then: the checkpoint holds this process's writers for the last pages."""
    path = tmp_path / "busy.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    stop = threading.Event()
    written = [0]

    def write() -> None:
        while not stop.is_set():
            with db.writing() as connection:
                changes.raise_in(connection, "downtimes")
            written[0] += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        for _ in range(15):
            time.sleep(0.05)
            db.checkpoint()
    finally:
        stop.set()
        writer.join()
    with sqlite3.connect(path) as probe:
        _, pages, _ = probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert written[0] > 1000 and pages < written[0] / 4, (pages, written[0])
    db.dispose()


def test_an_app_on_sqlite_runs_the_checkpoint_loop(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}")
    with TestClient(create_app(settings)):
        assert any(thread.name == "recess-checkpoint" for thread in threading.enumerate())


def test_a_driver_statements_error_is_sqlalchemys(db: Database) -> None:
    """As SQLAlchemy raises it, so that it is handled as any other (a busy database: a 503)."""
    with db.writing() as connection:
        _SAMPLES.create(connection)
    try:
        with pytest.raises(IntegrityError) as raised:
            with db.writing() as connection:
                DriverStatement(insert(_SAMPLES)).many(connection, [{"id": 1, "at": None, "doc": None, "flag": True, "name": "a"}] * 2)
        assert raised.value.orig is not None
        busy = OperationalError("SELECT 1", None, sqlite3.OperationalError("database is locked"))
        assert errors.database_unavailable(busy) is not None  # what the driver's would become
    finally:
        with db.writing() as connection:
            _SAMPLES.drop(connection)
