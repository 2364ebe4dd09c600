"""Upgrading keeps data: every migration, applied to a database that has rows in every table,
leaves every table that still exists with at least the rows it had.

The database is upgraded one revision at a time through `Database.migrate` (the app's own engine,
so SQLite connections have `PRAGMA foreign_keys=ON`, as when a user upgrades). Before each step a
row is added to every table of the schema at that revision, generated from the reflected schema:
each column gets a value of its type, and foreign keys point at the rows just added to their
parent tables (tables are filled parents first). On SQLite, batch mode rebuilds a table by
dropping it, and with foreign keys on dropping a parent deletes (ON DELETE CASCADE) or refuses
for its children: this test is what notices.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Connection, MetaData, Table, func, inspect, select, text, tuple_

from recess.core.db import Database, MigrationError, _alembic_config
from tests.conftest import BACKENDS, pg_database_for

# Migrations that are meant to remove rows: {revision: {table: why}}. None so far (0012 rewrites
# values, such as non-http status page images, but deletes no row).
DELETES_ON_PURPOSE: dict[str, dict[str, str]] = {}


def _revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions("base", "heads")))]


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'upgrade.db'}" if request.param == "sqlite" else pg_database_for("upgrade", request)
    database = Database(url)
    yield database
    database.dispose()


def _value(column: Any, n: int) -> Any:
    """A value of the column's type, distinct per row `n` (unique constraints hold)."""
    if isinstance(column.type, JSON):
        return []
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = str
    if kind is bool:
        return True
    if kind is int:
        return n
    if kind is datetime:
        return datetime(2026, 1, 1) + timedelta(minutes=n)
    if kind is str:
        length = getattr(column.type, "length", None)
        return f"r{n}"[: length or None]
    if kind is float:
        return float(n)
    raise AssertionError(f"no value for {column.table.name}.{column.name} of type {column.type!r}")


def _fill(connection: Connection, metadata: MetaData, counter: Iterator[int]) -> dict[str, set[tuple[Any, ...]]]:
    """One row in every table, parents first; answers the primary keys written, per table."""
    written: dict[str, dict[str, Any]] = {}
    keys: dict[str, set[tuple[Any, ...]]] = {}
    for table in metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        n = next(counter)
        row = {column.name: _value(column, n) for column in table.columns}
        for fk in table.foreign_keys:
            parent = written[fk.column.table.name]  # sorted_tables: the parent was filled already
            row[fk.parent.name] = parent[fk.column.name]
        connection.execute(table.insert().values(row))
        written[table.name] = row
        keys[table.name] = {tuple(row[c.name] for c in table.primary_key.columns)}
    return keys


def _counts(connection: Connection, tables: list[Table]) -> dict[str, int]:
    return {t.name: connection.scalar(select(func.count()).select_from(t)) or 0 for t in tables}


def test_every_upgrade_step_keeps_every_row(db: Database) -> None:
    revisions = _revisions()
    assert revisions[0] == "0001" and len(revisions) >= 14
    counter = itertools.count(1)
    db.migrate(revisions[0])
    lost: list[str] = []
    for revision in revisions[1:]:
        with db.engine.begin() as connection:
            metadata = MetaData()
            metadata.reflect(connection)
            tables = [t for t in metadata.sorted_tables if t.name != "alembic_version"]
            keys = _fill(connection, metadata, counter)
            before = _counts(connection, tables)

        try:
            db.migrate(revision)
        except Exception as exc:  # with rows in every table, which a fresh database never has
            pytest.fail(f"upgrading to {revision} failed: {exc}")

        with db.engine.begin() as connection:
            still = set(inspect(connection).get_table_names())
            kept = [t for t in tables if t.name in still]
            after = _counts(connection, kept)
            for table in kept:
                if table.name in DELETES_ON_PURPOSE.get(revision, {}):
                    continue
                if after[table.name] < before[table.name]:
                    lost.append(f"{revision}: {table.name} {before[table.name]} -> {after[table.name]} rows")
                    continue
                if table.primary_key.columns and all(c.name in {k["name"] for k in inspect(connection).get_columns(
                        table.name)} for c in table.primary_key.columns):
                    pk = tuple_(*(table.c[c.name] for c in table.primary_key.columns))
                    found = connection.scalar(select(func.count()).select_from(table).where(pk.in_(keys[table.name])))
                    if found != len(keys[table.name]):
                        lost.append(f"{revision}: {table.name} lost the row added before the step")
            if db.dialect == "sqlite":
                broken = connection.execute(text("PRAGMA foreign_key_check")).all()
                assert broken == [], f"{revision} left rows whose foreign keys point nowhere: {broken}"
    assert lost == [], "upgrades lost rows:\n" + "\n".join(lost)
    assert db.revision() == (revisions[-1], revisions[-1])


def test_sqlite_upgrades_check_foreign_keys_and_leave_them_on(tmp_path: Path) -> None:
    """Migrations run with foreign keys off on SQLite, and are checked after: a row left pointing
    nowhere fails the upgrade, which commits nothing. Sessions still get foreign keys on."""
    db = Database(f"sqlite:///{tmp_path / 'orphan.db'}")
    try:
        db.migrate("0007")
        with db.engine.connect() as connection:  # a row foreign keys would have refused
            raw = connection.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")
            raw.execute("INSERT INTO downtime_occurrences (id, downtime_id, start) VALUES (1, 404, '2026-01-01 00:00:00')")
            connection.invalidate()
        with pytest.raises(MigrationError, match="downtime_occurrences row 1 -> downtimes"):
            db.migrate()
        assert db.revision()[0] == "0007"
        with db.session() as session:
            assert session.scalar(text("PRAGMA foreign_keys")) == 1
            session.execute(text("DELETE FROM downtime_occurrences"))
        db.migrate()
        with db.session() as session:
            assert session.scalar(text("PRAGMA foreign_keys")) == 1
        assert db.revision()[0] == db.revision()[1]
    finally:
        db.dispose()
