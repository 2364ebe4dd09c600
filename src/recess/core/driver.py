"""Statements that SQLAlchemy compiles and the database driver's own cursor runs: for the
hottest write (a batch of downtime creates, downtimes.lanes).

Why: SQLAlchemy's work around each statement it runs (execution context, result object,
converting each value) cost 4 to 6 times the statement itself on SQLite: ~15 µs against
~2.5 µs for a one-row UPDATE, and more inside a busy server, where a batch of creates spent
most of its time there. Here SQLAlchemy still writes the SQL, in each backend's dialect and
parameter style, and each value is still converted by its column type's own bind processor;
only the running is the driver's, and its errors are raised as SQLAlchemy's. The transaction
stays SQLAlchemy's: these run on the connection that `Database.writing()` opened, and commit or
roll back with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the bound parameters, in the order a positional style wants them
    positional: bool
    processors: tuple[Callable[[Any], Any] | None, ...]  # per name: the column type's bind processor
    for_none: tuple[Any, ...]  # per name: what its processor makes of None (a JSON column: 'null')
    fixed: dict[str, Any]  # values the statement itself holds (`value + 1`: the 1)
    columns: tuple[str, ...]  # what a SELECT or RETURNING answers
    readers: tuple[Callable[[Any], Any] | None, ...]  # per column: its type's result processor


class DriverStatement:
    """`statement`, compiled once per dialect, run on the driver's cursor. Parameters are given
    by bind name, every one the statement does not hold itself (a missing one is a KeyError:
    no column defaults are applied)."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            assert isinstance(compiled, SQLCompiler)
            names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(compiled.binds)
            binds = [compiled.binds[name] for name in names]
            processors = tuple(bind.type.dialect_impl(dialect).bind_processor(dialect) for bind in binds)
            fixed = {name: bind.effective_value for name, bind in zip(names, binds) if not bind.required}
            for_none = tuple(None if process is None else process(None) for process in processors)
            answered = list(getattr(self.statement, "exported_columns", ()))  # none for text()
            readers = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in answered)
            found = self._compiled[dialect.name] = _Compiled(
                compiled.string, names, compiled.positional, processors, for_none, fixed, tuple(c.key for c in answered), readers)
        return found

    @staticmethod
    def _values(compiled: _Compiled, given: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        # A None becomes what its processor made of None once (a JSON column writes 'null').
        if compiled.fixed:
            given = {**compiled.fixed, **given}
        values = [none if value is None else value if process is None else process(value)
                  for value, process, none in zip(map(given.__getitem__, compiled.names), compiled.processors, compiled.for_none)]
        return tuple(values) if compiled.positional else dict(zip(compiled.names, values))

    def rows(self, connection: Connection, given: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run once; the rows it answers (SELECT, RETURNING), each value read by its column's
        type as SQLAlchemy would (text() columns as the driver gives them)."""
        compiled = self._for(connection.dialect)
        cursor = _cursor(connection)
        try:
            cursor.execute(compiled.sql, self._values(compiled, given))
            found = cursor.fetchall()
        except connection.dialect.loaded_dbapi.Error as exc:
            raise _as_sqlalchemys(connection, compiled, exc) from exc
        finally:
            cursor.close()
        if not any(compiled.readers):
            return [tuple(row) for row in found]
        return [tuple(value if read is None else read(value) for read, value in zip(compiled.readers, row)) for row in found]

    def objects(self, connection: Connection, given: Mapping[str, Any]) -> list[SimpleNamespace]:
        """`rows`, each as an object with the columns as attributes."""
        names = self._for(connection.dialect).columns
        return [SimpleNamespace(**dict(zip(names, row))) for row in self.rows(connection, given)]

    def many(self, connection: Connection, given: Sequence[Mapping[str, Any]]) -> None:
        """Run once for each of `given`, in one call to the driver (executemany)."""
        compiled = self._for(connection.dialect)
        cursor = _cursor(connection)
        try:
            cursor.executemany(compiled.sql, [self._values(compiled, one) for one in given])
        except connection.dialect.loaded_dbapi.Error as exc:
            raise _as_sqlalchemys(connection, compiled, exc) from exc
        finally:
            cursor.close()


def _cursor(connection: Connection) -> Any:
    driver = connection.connection.dbapi_connection
    assert driver is not None, "the connection was closed"
    return driver.cursor()


def _as_sqlalchemys(connection: Connection, compiled: _Compiled, error: Exception) -> BaseException:
    """The driver's error as SQLAlchemy would have raised it (IntegrityError, OperationalError...),
    so that it is handled as any other: a busy database is a 503 (core.errors). No parameters."""
    return DBAPIError.instance(compiled.sql, None, error, connection.dialect.loaded_dbapi.Error,
                               hide_parameters=True, dialect=connection.dialect)
