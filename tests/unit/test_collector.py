"""The idle collector (core.collector): young objects are collected while no request is being
answered, never during one."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from recess.app import create_app
from recess.core.collector import IdleCollector
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
