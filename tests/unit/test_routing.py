"""The route index picks the route the framework's full walk would pick, for every route of the app."""

from __future__ import annotations

import re

import pytest
from starlette.routing import BaseRoute, Match, Route

from recess.app import create_app
from recess.core.routing import RouteIndex, literal_segments
from recess.settings import Settings


def _walk(routes: list[BaseRoute], scope: dict[str, object]) -> tuple[BaseRoute | None, Match]:
    """Starlette's own rule: the first full match, else the first partial one."""
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route, match
        if match is Match.PARTIAL and partial is None:
            partial = route
    return partial, Match.PARTIAL if partial else Match.NONE


def _indexed(index: RouteIndex, scope: dict[str, object]) -> tuple[BaseRoute | None, Match]:
    return _walk(index.candidates(str(scope["path"])), scope)


def _scope(method: str, path: str) -> dict[str, object]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "query_string": b"", "headers": []}


def _example(template: str) -> str:
    """A concrete path for a template: ids for id parameters, a word for the others."""
    return re.sub(r"\{([^}:]+)(?::([^}]+))?\}", lambda m: "1234" if m.group(2) in ("id", "int") else "x1", template)


@pytest.fixture(scope="module")
def routes() -> list[BaseRoute]:
    return list(create_app(Settings(database_url="sqlite:///:memory:")).router.routes)


def test_literal_segments() -> None:
    assert literal_segments("/api/v2/downtime/{downtime_id:id}") == ("api", "v2", "downtime")
    assert literal_segments("/status/{prefix}/history") == ("status",)
    assert literal_segments("/api/v2/statuspages/{page_id:id}/degradations") == ("api", "v2", "statuspages")
    assert literal_segments("/healthz") == ("healthz",)
    assert literal_segments("/api/v1/monitor/x{y}") == ("api", "v1", "monitor")


def test_every_route_is_found_as_the_full_walk_finds_it(routes: list[BaseRoute]) -> None:
    index = RouteIndex(routes)
    paths = {_example(getattr(r, "path_format", None) or getattr(r, "path")) for r in routes}
    paths |= {p + "/extra" for p in paths} | {"/", "/nothing", "/api", "/api/v2", "/status/x1/nothing/more"}
    tried = 0
    for path in sorted(paths):
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            scope = _scope(method, path)
            assert _indexed(index, scope) == _walk(routes, scope), (method, path)
            tried += 1
    assert tried > 500


def test_route_for_names_the_full_walks_route_and_its_parameters(routes: list[BaseRoute]) -> None:
    """What lanes (core.lanes) bind to: the full match the walk finds, never a partial one."""
    index = RouteIndex(routes)
    paths = {_example(getattr(r, "path_format", None) or getattr(r, "path")) for r in routes} | {"/nothing", "/api/v2"}
    found = 0
    for path in sorted(paths):
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            scope = _scope(method, path)
            route, match = _walk(routes, scope)
            got = index.route_for(path, method)
            if match is Match.FULL and isinstance(route, Route):
                assert got is not None and got[0] is route, (method, path)
                assert got[1] == route.matches(scope)[1]["path_params"], (method, path)
                found += 1
            else:
                assert got is None, (method, path)
    assert found > 100


def test_a_request_tests_few_routes(routes: list[BaseRoute]) -> None:
    index = RouteIndex(routes)
    assert len(index.candidates("/api/v2/downtime/1234")) < 10 < len(routes)
