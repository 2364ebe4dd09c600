"""Checks before serving, each failing with one line an operator can act on (no traceback)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from recess.core.db import Database, MigrationError


class StartupError(Exception):
    """Why recess cannot start, in one line."""


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def _scheme(url: str) -> str:
    return url.split(":", 1)[0] if ":" in url else url


def _check_sqlite_path(url: str) -> None:
    path = make_url(url).database
    if not path or path == ":memory:":
        return
    file = Path(path).expanduser().absolute()
    folder = file.parent
    if not folder.is_dir():
        raise StartupError(f"the SQLite database's folder {folder} does not exist (RECESS_DATABASE_URL)")
    if file.exists() and not os.access(file, os.R_OK | os.W_OK):
        raise StartupError(f"the SQLite database {file} is not readable and writable by this user")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StartupError(f"the SQLite database's folder {folder} is not writable by this user")


def open_database(url: str) -> Database:
    """The database at `url`, reachable and migrated to the newest schema."""
    try:
        db = Database(url)
    except (ValueError, ArgumentError):
        raise StartupError(
            f"unsupported database URL scheme {_scheme(url)!r} in RECESS_DATABASE_URL: "
            "use sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE") from None
    if db.dialect == "sqlite":
        _check_sqlite_path(db.url)
    try:
        with db.engine.connect():
            pass
    except SQLAlchemyError as exc:
        db.dispose()
        raise StartupError(f"cannot reach the database ({db.describe()}): {_first_line(exc)}") from exc
    try:
        db.migrate()
    except (SQLAlchemyError, MigrationError) as exc:
        db.dispose()
        raise StartupError(f"migrating the database ({db.describe()}) failed: {_first_line(exc)}") from exc
    return db


def check_port(host: str, port: int) -> None:
    """Fail now, clearly, if the server could not listen on host:port."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind(address)
        except OSError as exc:
            reason = "the port is already in use" if exc.errno == 98 else exc.strerror or str(exc)
            raise StartupError(f"cannot listen on {host}:{port}: {reason}") from None
