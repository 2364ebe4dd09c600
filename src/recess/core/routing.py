"""Finding a request's route without testing every route.

Why: Starlette and FastAPI test the routes one by one, in order, and FastAPI's included routers
make each test costly; with ~120 routes that walk was most of a request's time (a 404 cost
~0.8 ms). `RouteIndex` files each route under the literal segments its path template starts
with (`/api/v2/downtime/{id}` under `api/v2/downtime`), so a request tests only the routes
filed under a prefix of its own path, in their original order: the same route wins as in the
full walk. A request no indexed route matches (404s, trailing-slash redirects, non-HTTP
scopes) goes to the framework's own router unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from typing import Any

from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import Receive, Scope, Send

DEPTH = 3  # literal segments a route is filed under; deeper ones only narrow what is already few
_KNOWN_PREFIXES = 4096


def literal_segments(path_template: str) -> tuple[str, ...]:
    """The whole segments before the template's first parameter: `/status/{p}/x` -> ('status',)."""
    literal, brace, _ = path_template.partition("{")
    segments = literal.split("/")[1:]
    if brace:
        segments = segments[:-1]  # the one holding the parameter is not literal as a whole
    return tuple(s for s in segments[:DEPTH])


class RouteIndex:
    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self._filed: dict[tuple[str, ...], list[tuple[int, BaseRoute]]] = {}
        self._known: dict[tuple[str, ...], list[BaseRoute]] = {}  # candidates by a path's first segments
        for position, route in enumerate(routes):
            template = getattr(route, "path_format", None) or getattr(route, "path", None)
            if not isinstance(template, str):
                raise TypeError(f"route without a path cannot be indexed: {route!r}")
            self._filed.setdefault(literal_segments(template), []).append((position, route))

    def candidates(self, path: str) -> list[BaseRoute]:
        """Routes that could match `path`, in the order the full walk would test them."""
        segments = tuple(path.split("/", DEPTH + 1)[1:DEPTH + 1])
        known = self._known.get(segments)
        if known is not None:
            return known
        found: list[tuple[int, BaseRoute]] = []
        for depth in range(len(segments) + 1):
            found += self._filed.get(segments[:depth], ())
        found.sort(key=lambda filed: filed[0])
        routes = [route for _, route in found]
        if len(self._known) < _KNOWN_PREFIXES:  # prefixes with an id in them are many: keep the first ones
            self._known[segments] = routes
        return routes


    def route_for(self, path: str, method: str) -> tuple[Route, dict[str, Any]] | None:
        """The route the full walk would answer `method` `path` with, and its path parameters:
        the first whose pattern and method match. None when that is not a plain HTTP route
        (the router decides then) or none matches."""
        for route in self.candidates(path):
            if not isinstance(route, Route):  # a mount or a websocket route
                return None
            match = route.path_regex.match(path)
            if match is not None and method in (route.methods or ()):
                convertors = route.param_convertors
                return route, {name: convertors[name].convert(value) for name, value in match.groupdict().items()}
        return None


class IndexedDispatch:
    """The router's dispatch through a `RouteIndex`; the router itself handles the rest."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.fallback = router.middleware_stack
        self.index = RouteIndex(router.routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("root_path"):
            await self.fallback(scope, receive, send)
            return
        scope.setdefault("router", self.router)
        partial: tuple[BaseRoute, Scope] | None = None
        for route in self.index.candidates(scope["path"]):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial = (route, child_scope)
        if partial is not None:  # the path is known, the method is not: the route answers 405
            route, child_scope = partial
            scope.update(child_scope)
            await route.handle(scope, receive, send)
            return
        await self.fallback(scope, receive, send)


def index_of(router: Router) -> RouteIndex:
    """The index the router dispatches through (`install`), or one of its routes as they are now."""
    stack = router.middleware_stack
    return stack.index if isinstance(stack, IndexedDispatch) else RouteIndex(router.routes)


def install(router: Router) -> None:
    """Dispatch through an index of the router's routes as they are now (add them all first)."""
    router.middleware_stack = IndexedDispatch(router)
