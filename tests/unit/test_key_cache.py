"""The key cache (accounts.auth.KeyCache): a pair is trusted for a few seconds after it was
resolved, and a pair in use is resolved again before that runs out."""

from __future__ import annotations

import time
from typing import Any

import pytest

from recess.accounts import auth
from recess.accounts.store import Caller, Principal

CALLER = Caller(1, Principal(org_id=1, user_id=2, user_uuid="u", permissions=frozenset({"monitors_downtime"})))


class Resolver:
    """Stands in for the database look-up: answers `answers` in turn (the last one again once
    they run out), counting the look-ups."""

    def __init__(self) -> None:
        self.answers: list[Caller | None] = [CALLER]
        self.count = 0

    def __call__(self, _db: Any, _api_key: str, _app_key: str) -> Caller | None:
        self.count += 1
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Resolver:
    found = Resolver()
    monkeypatch.setattr(auth, "_resolve", found)
    return found


@pytest.fixture
def renewing() -> Any:
    """A cache over a stand-in database, its renewal loop running."""
    cache = auth.KeyCache(seconds=2.0, db=object())  # type: ignore[arg-type]
    cache.start()
    yield cache
    cache.stop()


def _wait_for(condition: Any) -> None:
    deadline = time.monotonic() + 5
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.005)


def test_a_pair_in_use_is_renewed_before_it_expires(resolver: Resolver, renewing: auth.KeyCache) -> None:
    cache = renewing
    assert cache.caller(object(), "api", "app") == CALLER  # type: ignore[arg-type]
    assert resolver.count == 1
    assert cache.cached("api", "app") == CALLER and resolver.count == 1  # early on: no renewal
    time.sleep(1.4)  # inside the last 40% of its time (from 1.2 s to 2 s)
    assert cache.cached("api", "app") == CALLER  # answered at once, renewed beside
    _wait_for(lambda: resolver.count == 2)
    time.sleep(0.8)  # past the first resolution's time: the renewal's holds
    assert cache.cached("api", "app") == CALLER


def test_a_pair_found_invalid_on_renewal_is_dropped_at_once(resolver: Resolver, renewing: auth.KeyCache) -> None:
    cache = renewing
    resolver.answers = [CALLER, None]  # revoked after the first resolution
    assert cache.caller(object(), "api", "app") == CALLER  # type: ignore[arg-type]
    time.sleep(1.4)
    assert cache.cached("api", "app") == CALLER  # still within its time
    _wait_for(lambda: cache.cached("api", "app") is None)


def test_without_a_database_nothing_is_renewed_and_a_pair_expires(resolver: Resolver) -> None:
    cache = auth.KeyCache(seconds=1.0)
    cache.caller(object(), "api", "app")  # type: ignore[arg-type]
    time.sleep(0.7)  # in the renewal window, but there is no database to renew from
    assert cache.cached("api", "app") == CALLER
    time.sleep(0.5)
    assert cache.cached("api", "app") is None
    assert resolver.count == 1


def test_a_renewal_waits_for_the_request_that_asked_and_runs_once(resolver: Resolver, renewing: auth.KeyCache) -> None:
    cache = renewing
    cache.caller(object(), "api", "app")  # type: ignore[arg-type]
    time.sleep(1.4)
    asked = time.monotonic()
    for _ in range(50):  # a burst of requests in the renewal window: one renewal
        assert cache.cached("api", "app") == CALLER
    assert resolver.count == 1  # not during the requests that asked
    _wait_for(lambda: resolver.count == 2)
    assert time.monotonic() - asked >= auth.RENEW_AFTER
    time.sleep(0.2)
    assert resolver.count == 2


def test_a_cache_not_started_renews_nothing(resolver: Resolver) -> None:
    cache = auth.KeyCache(seconds=1.0, db=object())  # type: ignore[arg-type]
    cache.caller(object(), "api", "app")  # type: ignore[arg-type]
    time.sleep(0.7)
    assert cache.cached("api", "app") == CALLER
    time.sleep(0.5)
    assert cache.cached("api", "app") is None and resolver.count == 1
