"""GET routes read in read-only sessions: no GET opens a write transaction (on SQLite that would
take the database's one write lock for every list)."""

from __future__ import annotations

import inspect
from typing import Any

from fastapi.routing import APIRoute

from recess.app import create_app
from recess.settings import Settings


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    out: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.append(route)
        elif (router := getattr(route, "original_router", None)) is not None:  # an included router
            out += _api_routes(router.routes)
    return out


def test_no_get_route_opens_a_write_session() -> None:
    app = create_app(Settings(database_url="sqlite:///:memory:"))
    gets = [r for r in _api_routes(app.routes) if "GET" in r.methods]
    assert len(gets) > 30
    writers = [r.path for r in gets if ".session()" in inspect.getsource(r.endpoint)]
    assert writers == []
