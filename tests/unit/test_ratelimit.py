"""Rate-limit windows, headers, names and the setting's format (plain functions, no server)."""

from __future__ import annotations

import pytest

from recess.accounts.auth import KEY_CACHE
from recess.core import ratelimit
from recess.core.ratelimit import Limit, MemoryCounts, classify, headers, parse_limits, window_end


def test_windows_are_aligned_to_the_epoch() -> None:
    assert window_end(0, 60) == 60
    assert window_end(59.999, 60) == 60
    assert window_end(60, 60) == 120  # a window's end is the next one's start
    assert window_end(1_700_000_005.5, 10) == 1_700_000_010
    assert window_end(1_700_000_005.5, 3600) == 1_700_002_800


def test_headers_count_down_and_reset_rounds_up() -> None:
    limit = Limit(3, 60)
    got = dict(headers("writes", limit, 1, 1000.2, window_end(1000.2, 60)))
    assert got == {b"X-RateLimit-Limit": b"3", b"X-RateLimit-Period": b"60", b"X-RateLimit-Remaining": b"2",
                   b"X-RateLimit-Reset": b"20", b"X-RateLimit-Name": b"writes"}
    over = dict(headers("writes", limit, 5, 1019.9, 1020))
    assert over[b"X-RateLimit-Remaining"] == b"0"
    assert over[b"X-RateLimit-Reset"] == b"1"  # never 0: waiting it must reach the next window
    assert dict(headers("writes", limit, 1, 1020.0, 1080))[b"X-RateLimit-Reset"] == b"60"


def test_routes_are_grouped_into_named_limits() -> None:
    assert classify("GET", "/api/v2/downtime") == "reads"
    assert classify("HEAD", "/api/v1/validate") == "reads"
    assert classify("POST", "/api/v2/downtime") == "writes"
    assert classify("DELETE", "/api/v2/statuspages/x") == "writes"
    assert classify("POST", "/api/v1/check_run") == "check_run"
    assert classify("GET", "/status/acme") == "public_status"
    for free in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/static/x.js", "/api/v1/_recess/clock"):
        assert classify("GET", free) is None


def test_the_setting_overrides_the_defaults_by_name() -> None:
    defaults = parse_limits("")
    assert set(defaults) == set(ratelimit.NAMES)
    custom = parse_limits(" writes = 10/2 , check_run=off")
    assert custom["writes"] == Limit(10, 2) and "check_run" not in custom and custom["reads"] == defaults["reads"]
    assert parse_limits("off") == {} and parse_limits(" OFF ") == {}
    for bad in ("wrtes=1/1", "writes=10", "writes=0/60", "writes=10/0", "writes=-1/60", "writes=1/²", "writes"):
        with pytest.raises(ValueError):
            parse_limits(bad)


def test_memory_counts_per_subject_name_and_window_and_prunes() -> None:
    counts = MemoryCounts()
    assert [counts.hit("org:1", "writes", 60, 1.0) for _ in range(3)] == [1, 2, 3]
    assert counts.hit("org:2", "writes", 60, 1.0) == 1
    assert counts.hit("org:1", "reads", 60, 1.0) == 1
    assert counts.hit("org:1", "writes", 120, 61.0) == 1  # the next window starts again
    assert counts.hit("org:1", "writes", 240, 200.0) == 1  # a minute on: windows that are over are gone
    assert list(counts._hits) == [("org:1", "writes", 240)]


def test_the_key_cache_is_found_under_the_name_accounts_provides() -> None:
    assert ratelimit.KEY_CACHE.name == KEY_CACHE.name
