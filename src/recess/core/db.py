"""Engine and sessions for one database URL (SQLite or PostgreSQL), and migrations at start."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import lru_cache
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import orjson
from sqlalchemy import BigInteger, Connection, DateTime, Engine, Integer, Table, create_engine, event, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from recess.core.metrics import Metrics

# Integer primary keys are int64 (Datadog's v1 ids pass 2^32); SQLite needs plain INTEGER to
# make the column its rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")

_MIGRATION_LOCK = 7_263_001  # PostgreSQL advisory lock id: one process migrates at a time.


class Base(DeclarativeBase):
    pass


class Busy(Exception):
    """This process is writing already: a caller that must not wait goes another way."""


class MigrationError(Exception):
    """Migrating would break the data: nothing was committed."""


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC on every backend, always read back as aware UTC."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        return _naive_utc(value)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)

    def bind_processor(self, dialect: Any) -> Callable[[datetime | None], Any] | None:
        # On SQLite the stored text is written here in one step: SQLAlchemy's own formatting
        # (the same text) cost ~1.7 µs a value, ~10 µs of every downtime written.
        if dialect.name == "sqlite":
            return _sqlite_text
        if self.impl_instance.dialect_impl(dialect).bind_processor(dialect) is None:
            # The driver takes the naive datetime as it is: one call a value, not TypeDecorator's
            # two (a batch of check runs writes ~10 instants a transition).
            return _naive_utc
        return super().bind_processor(dialect)


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is not UTC and value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None)


def _sqlite_text(value: datetime | None) -> str | None:
    """SQLAlchemy's SQLite DATETIME text (`2026-12-01 12:44:08.139285`) of a UTC instant."""
    if value is None:
        return None
    return _instant_text(value)


@lru_cache(maxsize=4096)
def _instant_text(value: datetime) -> str:
    # Kept: a downtime row writes the same instant up to three times (created, modified, start)
    # and its end twice. Equal aware instants have the same UTC text, whatever their zones.
    if value.tzinfo is UTC:  # the common case: the text is isoformat's, less its "+00:00"
        return value.isoformat(" ", "microseconds")[:-6]
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def normalize_url(url: str) -> str:
    """Accept plain URLs and choose recess's own driver for them."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+pysqlite")
    else:
        raise ValueError(f"unsupported database URL {url!r}: use sqlite:/// or postgresql://")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# JSON columns (group and monitor tags) are read on hot paths, a thousand rows at a time:
# orjson parses them several times faster than the standard library.


def _json_text(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:  # an integer past 64 bits: the standard library writes it
        return json.dumps(value)


def _sqlite_engine(url: str, begin: str) -> Engine:
    # pysqlite's own transaction handling is switched off (isolation_level=None) so that each
    # transaction starts with our BEGIN: IMMEDIATE for writers, so that two writers queue on the
    # busy timeout instead of one failing with "database is locked" when it upgrades its lock.
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30, "isolation_level": None}, pool_size=10, max_overflow=20,
        json_serializer=_json_text, json_deserializer=orjson.loads,
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    # Straight to the driver: as a statement of SQLAlchemy's, a BEGIN cost ~12 µs a transaction.
    event.listen(engine, "begin", lambda conn: conn.connection.driver_connection.execute(begin))
    return engine


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("recess") / "migrations"))
    return config


class Database:
    def __init__(self, url: str, metrics: Metrics | None = None) -> None:
        self.url = normalize_url(url)
        if self.url.startswith("sqlite"):
            self.engine: Engine = _sqlite_engine(self.url, "BEGIN IMMEDIATE")
            self._reader = _sqlite_engine(self.url, "BEGIN")
        else:
            # Small pools: several processes must fit under PostgreSQL's connection limit.
            # connect_timeout bounds how long a request (or /readyz) waits for an unreachable server.
            self.engine = create_engine(
                self.url, pool_size=5, max_overflow=10, pool_pre_ping=True, connect_args={"connect_timeout": 5},
                json_serializer=_json_text, json_deserializer=orjson.loads)
            # Reads see one snapshot for their whole transaction: an answer built from several
            # queries (a maintenance and its updates) must not straddle another commit. Read-only
            # transactions never fail at this level. Same pool, other isolation.
            self._reader = self.engine.execution_options(isolation_level="REPEATABLE READ")
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(self._reader, expire_on_commit=False)
        # SQLite takes one writer at a time. Left to SQLite, writers of this process that find
        # the lock taken sleep in its busy handler (1, 2, 5, 10 ms...) and the lock sits idle
        # between them: 8 concurrent creates ran at a quarter of the rate of one. They queue
        # here instead and each starts the moment the previous one commits. (Other processes
        # still meet the busy timeout.)
        self._write_lock = threading.RLock() if self.url.startswith("sqlite") else None
        self._write_turn: AbstractContextManager[Any] = self._write_lock or nullcontext()
        self._head: str | None = None
        self._counters: Any = None
        self._writer: Connection | None = None  # SQLite: the connection `writing` keeps
        # Wake-ups by name ("scheduler", "delivery"), registered by whoever runs that loop.
        # Each takes the instant the write is due at (None: maybe now), so a loop that will look
        # before then anyway is not woken: a create per request must not cost a tick per request.
        self.wakers: dict[str, Callable[[datetime | None], None]] = {}
        for sessions in (self._sessions, self._read_sessions):
            sessions.kw.setdefault("info", {})["db"] = self
            event.listen(sessions, "after_commit", _run_commit_hooks)
            event.listen(sessions, "after_rollback", _drop_commit_hooks)
            if metrics is not None:
                metrics.bind(sessions)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        """Where the data lives, for logs and errors: never the password."""
        url = make_url(self.url)
        if self.dialect == "sqlite":
            return f"sqlite {url.database or ':memory:'}"
        return f"postgresql {url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        with self._write_turn, self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def writing(self, *, wait: bool = True) -> Iterator[Connection]:
        """One transaction on a Core connection, without an ORM session: for a hot write that
        builds no objects (commit hooks and metrics of sessions do not apply). With `wait`
        False, raises Busy at once when this process has a write under way on SQLite (the
        caller then goes the long way rather than stall the event loop).

        On SQLite, where the write lock lets one writer of this process in at a time, these
        transactions share one connection kept open: checking one out of the pool and back
        cost ~20 µs a transaction."""
        lock = self._write_lock
        if lock is None:
            with self.engine.begin() as connection:
                yield connection
            return
        if not lock.acquire(blocking=wait):
            raise Busy()
        try:
            if self._writer is None or self._writer.closed or self._writer.invalidated:
                self._writer = self.engine.connect()
                # Its commits never checkpoint the WAL: copying ~1,000 pages and syncing took
                # milliseconds on the event loop every ~80 batches. `checkpoint` does it aside.
                _on_driver(self._writer, "PRAGMA wal_autocheckpoint=0")
            connection = self._writer
            with connection.begin():
                yield connection
        finally:
            lock.release()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction that only reads, on one snapshot (on SQLite it takes no write lock)."""
        with self._read_sessions() as session, session.begin():
            yield session

    def checkpoint(self) -> None:
        """SQLite: copy the WAL into the database file and start it over; a background loop
        calls this (the hot write path's connection leaves checkpoints to it). PostgreSQL:
        nothing to do.

        First without stopping anyone (PASSIVE). Under a stream of writes that never catches up
        (writers add pages as it copies), and SQLite starts the log over only once all of it is
        copied: the file grew ~50 MB a second. So when the log still holds pages, the rest is
        copied and the log restarted while this process's writers wait (RESTART, for at most
        100 ms: a long reader makes it give up until the next round)."""
        if self._write_lock is None:
            return
        with self.engine.connect() as connection:
            driver = connection.connection.driver_connection
            assert driver is not None
            _, pages, _ = driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if pages < 1:
                return
            with self._write_lock:
                driver.execute("PRAGMA busy_timeout=100")
                try:
                    driver.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
                finally:
                    driver.execute("PRAGMA busy_timeout=30000")

    def wake(self, name: str, due: datetime | None = None) -> None:
        """Tell the app's `name` loop that something it handles is due at `due` (None: now)."""
        waker = self.wakers.get(name)
        if waker is not None:
            waker(due)

    def migrate(self, target: str = "head") -> None:
        """Bring the schema to the newest revision, or to `target` (safe when several processes
        start at once)."""
        from alembic import command

        config = _alembic_config()
        with self.migration_connection() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, target)

    @contextmanager
    def migration_connection(self) -> Iterator[Connection]:
        """A connection in the one transaction that migrations run in (it commits when the block
        ends). PostgreSQL: under an advisory lock, so one process migrates at a time.

        SQLite: with foreign keys off. Batch mode rebuilds a table (create a copy, drop the old
        one, rename), and with foreign keys on, dropping a table other tables reference deletes
        its rows first: children with ON DELETE CASCADE would silently lose theirs, and other
        children make the drop, hence the upgrade, fail. Foreign keys are checked once the
        migrations ran instead: a violation raises MigrationError and nothing is committed."""
        with self.engine.connect() as connection:
            if self.is_postgres:
                with connection.begin():
                    connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
                    yield connection
                return
            # The pragma is a no-op inside a transaction, and anything run through `connection`
            # first begins one (our BEGIN IMMEDIATE): it goes to the DBAPI connection, which
            # (isolation_level=None) starts no transaction of its own.
            raw = connection.connection.dbapi_connection
            assert raw is not None
            try:
                raw.execute("PRAGMA foreign_keys=OFF")
                if raw.execute("PRAGMA foreign_keys").fetchone() != (0,):
                    raise MigrationError("could not turn SQLite foreign keys off to migrate (a transaction is open)")
                with connection.begin():
                    before = _schema_revisions(connection)
                    yield connection
                    # Checked only when a migration ran: a start at the newest schema reads no table.
                    broken = [] if _schema_revisions(connection) == before else connection.exec_driver_sql(
                        "PRAGMA foreign_key_check").all()
                    if broken:
                        shown = ", ".join(f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in broken[:10])
                        raise MigrationError(
                            f"migrating would leave {len(broken)} rows whose foreign keys point nowhere ({shown}); "
                            "nothing was changed")
            finally:
                # Never hand a connection with foreign keys off back to the pool: the next one is
                # opened with the usual pragmas.
                connection.invalidate()

    def revision(self) -> tuple[str | None, str | None]:
        """(the schema revision the database is at, the newest one this code knows)."""
        if self._head is None:
            from alembic.script import ScriptDirectory

            self._head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
        with self.read() as session:
            current = session.scalar(text("SELECT version_num FROM alembic_version"))
        return current, self._head

    @property
    def counters(self) -> Any:
        """Change counters as last committed (core.changes.CommittedCounters), read outside any session."""
        if self._counters is None:
            from recess.core.changes import CommittedCounters  # it imports this module (Base)

            self._counters = CommittedCounters(self.engine)
        return self._counters

    def dispose(self) -> None:
        if self._counters is not None:
            self._counters.close()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self.engine.dispose()
        if self._reader is not self.engine and self.engine.dialect.name == "sqlite":
            self._reader.dispose()


def _on_driver(connection: Connection, sql: str) -> None:
    """Run `sql` on the driver's connection itself, outside any transaction of SQLAlchemy's
    (SQLite will not checkpoint, nor change these settings, inside one)."""
    driver = connection.connection.driver_connection
    assert driver is not None, "the connection was closed"
    driver.execute(sql)


def _schema_revisions(connection: Connection) -> tuple[str, ...]:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_heads()


def is_unique_violation(exc: IntegrityError) -> bool:
    """Whether a unique constraint refused the write: the key is taken, typically by a
    transaction that committed it between our check and our insert."""
    code = getattr(exc.orig, "sqlstate", None)
    if isinstance(code, str):
        return code == "23505"  # PostgreSQL's unique_violation
    return str(exc.orig).startswith("UNIQUE constraint failed")  # SQLite


@contextmanager
def claiming(session: Session, taken: Callable[[], Exception]) -> Iterator[None]:
    """Write what the block adds or changes now, in a savepoint: when a unique constraint refuses it
    (a concurrent request took the key after this one checked it was free), `taken()` is raised
    instead of the database's error, so the race ends as the answer the check would have given."""
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise taken() from None


_COPY_FROM = 8  # rows: fewer go faster as an executemany than as a COPY (which takes more round trips)


def insert_rows(session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` of `model` (dicts with the same keys) in this transaction, when nothing needs
    their ids back. On PostgreSQL more than a few rows go as one COPY, which costs a third of an
    executemany per row (psycopg and SQLAlchemy treat each row of an executemany as a statement
    of its own); otherwise one executemany. Values go through the columns' types either way
    (UTCDateTime, JSON); a COPY applies no Python-side default, so rows must name such columns."""
    if not rows:
        return
    session.flush()  # what the session holds goes first, as an ORM statement's autoflush would
    table: Table = model.__table__  # type: ignore[assignment]
    if len(rows) < _COPY_FROM or session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    keys = list(rows[0])
    if missing := [c.key for c in table.columns if c.default is not None and c.key not in keys]:
        raise ValueError(f"insert_rows: {table.name} rows must give {missing} (a COPY applies no Python-side default)")
    connection = session.connection()
    columns = [table.c[key] for key in keys]
    convert = [column.type.dialect_impl(connection.dialect).bind_processor(connection.dialect) for column in columns]
    quote = connection.dialect.identifier_preparer
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {quote.format_table(table)} ({', '.join(quote.quote(c.name) for c in columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([value if to is None else to(value) for to, value in zip(convert, (row[key] for key in keys))])


def new_ids(session: Session, model: type[Base], count: int) -> list[int]:
    """Ids for `count` rows of `model` about to be written with insert_rows, so that rows naming
    them can be built first and everything written without reading ids back. PostgreSQL takes
    them from the id column's sequence, as its inserts do. SQLite numbers a row after the largest
    id, as it does itself: no other transaction can take them meanwhile, since a writer holds
    the database's write lock from its BEGIN IMMEDIATE to its commit."""
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
                                    {"table": model.__tablename__, "count": count}))
    session.flush()  # rows the session holds count
    largest = session.scalar(select(func.max(model.__table__.c.id))) or 0
    return list(range(largest + 1, largest + 1 + count))


def after_commit(session: Session, hook: Callable[[], None]) -> None:
    """Run `hook` only if, and when, the session's transaction commits."""
    session.info.setdefault("on_commit", []).append(hook)


def wake_after_commit(session: Session, name: str, due: datetime | None = None) -> None:
    """Once this transaction commits, wake the app's `name` loop ("scheduler", "delivery"): what
    it wrote is due at `due` (None: maybe now). Before the commit the loop would not see it."""
    db = session.info.get("db")
    if isinstance(db, Database):
        after_commit(session, lambda: db.wake(name, due))


def _run_commit_hooks(session: Session) -> None:
    for hook in session.info.pop("on_commit", []):
        hook()


def _drop_commit_hooks(session: Session) -> None:
    session.info.pop("on_commit", None)
