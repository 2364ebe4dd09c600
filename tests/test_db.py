"""Storage: read transactions see one snapshot on every backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from recess.accounts import store as accounts
from recess.accounts.model import Org
from recess.core.db import Database, normalize_url
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
