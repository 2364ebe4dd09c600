"""The collector (core.collector): young objects are collected while no request is being
answered, never during one; what lives on (startup's objects, the loaded index) is frozen."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from recess.app import create_app
from recess.core.collector import IdleCollector, settle
from recess.core.db import Database
from recess.downtimes import feature
from recess.downtimes.matching import DowntimeIndex
from recess.settings import Settings


@pytest.fixture
def young() -> Iterator[list[object]]:
    """Thousands of young container objects, kept alive, the collector's own collections off."""
    gc.collect()
    gc.disable()
    kept = [[i] for i in range(5_000)]
    yield kept
    gc.enable()


def test_nothing_is_collected_while_a_request_is_answered(young: list[object]) -> None:
    collector = IdleCollector(after=0.05, least=1_000)
    collector.begin()
    assert not collector.collect_if_idle(time.monotonic() + 10)
    assert gc.get_count()[0] >= 5_000


def test_nothing_is_collected_right_after_a_request(young: list[object]) -> None:
    collector = IdleCollector(after=0.05, least=1_000)
    collector.begin()
    collector.end()
    assert not collector.collect_if_idle(time.monotonic())


def test_young_objects_are_collected_once_idle(young: list[object]) -> None:
    collector = IdleCollector(after=0.05, least=1_000)
    collector.begin()
    collector.end()
    assert collector.collect_if_idle(collector.last + 0.06)
    assert gc.get_count()[0] < 1_000 and collector.collections == 1
    assert not collector.collect_if_idle(collector.last + 1)  # nothing young left worth it


def test_an_app_collects_while_idle(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}")
    app = create_app(settings)
    with TestClient(app) as client:
        assert client.get("/api/v1/validate").status_code in (200, 403)
        kept = [[i] for i in range(5_000)]  # noqa: F841  # young, alive
        deadline = time.monotonic() + 5
        while app.collector.collections == 0:  # type: ignore[attr-defined]
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert app.collector.in_flight == 0  # type: ignore[attr-defined]


def test_settle_takes_what_exists_out_of_the_walk() -> None:
    kept = [[i] for i in range(100)]
    settle()
    try:
        walked = {id(o) for o in gc.get_objects()}
        assert not any(id(o) in walked for o in kept)  # frozen: no generation holds them
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()


def test_a_loaded_downtime_index_is_settled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settled: list[bool] = []
    monkeypatch.setattr(feature.collector, "settle", lambda: settled.append(True))
    db = Database(f"sqlite:///{tmp_path / 'index.db'}")
    db.migrate()
    feature._warm(SimpleNamespace(db=db), DowntimeIndex())  # type: ignore[arg-type]
    assert settled == [True]
    # An index that could not be loaded (the first request loads it) leaves the collector be.
    broken = SimpleNamespace(db=SimpleNamespace(read=lambda: (_ for _ in ()).throw(RuntimeError("down"))))
    feature._warm(broken, DowntimeIndex())  # type: ignore[arg-type]
    assert settled == [True]
