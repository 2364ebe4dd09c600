"""Datadog error bodies, for both API families, and the translation of every failure into one.

Most Datadog APIs answer `{"errors": ["message"]}`; Status Pages answer JSON:API error objects
`{"errors": [{"title": ..., "detail": ...}]}`. Each app knows the path prefixes its features
answer in the object form (`ErrorShapes`, given to `install`); everything else, unknown routes
included, gets the string form.

Failures that are not the client's are answered here too: a database that stays locked or busy
past its timeout (or cannot be reached) is a 503 with `Retry-After`, never a 500; a 405 carries
`Allow` with every method the path answers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

_TITLES = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Entity",
           500: "Internal Server Error", 503: "Service Unavailable"}
RETRY_AFTER_SECONDS = 1
# PostgreSQL SQLSTATEs that mean "busy, try again": serialization failure, deadlock, lock not
# available (lock_timeout), query canceled (statement_timeout), too many connections.
_PG_BUSY = {"40001", "40P01", "55P03", "57014", "53300"}
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


class ApiError(Exception):
    """An answer other than success, with the message users see."""

    def __init__(self, status: int, *messages: str, title: str | None = None) -> None:
        super().__init__(messages[0] if messages else "")
        self.status = status
        self.messages = list(messages) or [_TITLES.get(status, "Error")]
        self.title = title


def bad_request(*messages: str) -> ApiError:
    return ApiError(400, *messages)


def not_found(message: str = "Not found") -> ApiError:
    return ApiError(404, message)


def forbidden(message: str = "Forbidden") -> ApiError:
    return ApiError(403, message)


class ErrorShapes:
    """Which paths of one app answer errors as JSON:API error objects (Status Pages)."""

    def __init__(self, object_prefixes: Sequence[str] = ()) -> None:
        self.object_prefixes = tuple(object_prefixes)

    def object_style(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.object_prefixes)

    def response(self, path: str, status: int, messages: list[str], title: str | None = None,
                 headers: dict[str, str] | None = None) -> JSONResponse:
        return error_response(status, messages, title, objects=self.object_style(path), headers=headers)


def error_response(status: int, messages: list[str], title: str | None = None, *, objects: bool = False,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    if objects:
        errors: list[Any] = [{"title": title or "Generic Error", "detail": m} for m in messages]
        return JSONResponse({"errors": errors}, status_code=status, media_type="application/vnd.api+json", headers=headers)
    return JSONResponse({"errors": messages}, status_code=status, headers=headers)


def database_unavailable(exc: BaseException) -> str | None:
    """Why a database error means "try again later" (a 503), or None when it does not."""
    if isinstance(exc, PoolTimeout):
        return "The database is busy: try again shortly"
    if not isinstance(exc, DBAPIError):
        return None
    code = getattr(exc.orig, "sqlstate", None)
    if isinstance(code, str):
        if code in _PG_BUSY:
            return "The database is busy: try again shortly"
        if code.startswith("08"):
            return "The database cannot be reached: try again shortly"
        return None
    text = str(exc.orig).lower()
    if any(sign in text for sign in _SQLITE_BUSY):
        return "The database is busy: try again shortly"
    return None


_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> str:
    """Every method some route of the app answers at this path (for a 405's `Allow`): each is
    tried against the app's routes, included routers too, as routing itself would."""
    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


def json_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _shown(value: Any, most: int = 100) -> str:
    """A value as a message quotes it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= most else text[:most] + "…"


def describe(error: dict[str, Any]) -> str:
    """One Pydantic error as a message naming the field, in the jsonschema style Datadog uses."""
    loc = tuple(error.get("loc", ()))
    kind = error.get("type", "")
    where, loc = (loc[0], loc[1:]) if loc and loc[0] in ("body", "query", "path", "header") else ("body", loc)
    if kind == "json_invalid":
        return f"Malformed JSON body: {error.get('ctx', {}).get('error', error.get('msg'))}"
    if where == "query":
        return f"Invalid query parameter '{json_path(loc)}': {error.get('msg')}"
    if where == "path":
        return f"Invalid URL param: {json_path(loc)}: {error.get('msg')}"
    if not loc and kind in ("missing", "model_attributes_type", "dict_type"):
        return "Invalid JSON body: an object is required"
    field = json_path(loc)
    if kind == "missing":
        parent, name = json_path(loc[:-1]), loc[-1]
        return f"'{name}' is a required property" + (f" of {parent}" if parent else "")
    if kind == "extra_forbidden":
        return f"Additional properties are not allowed ('{loc[-1]}' was unexpected)"
    if kind in ("literal_error", "enum"):
        expected = error.get("ctx", {}).get("expected", "")
        return f"Invalid value for {field}: {_shown(error.get('input'))} is not one of {expected}"
    return f"Invalid value for {field}: {error.get('msg')}"


def unavailable(shapes: ErrorShapes, method: str, path: str, exc: Exception) -> JSONResponse | None:
    """The 503 for a database that is busy or unreachable (logged); None for any other failure."""
    reason = database_unavailable(exc)
    if reason is None:
        return None
    # The driver's message only: the statement and its parameters stay out of the log.
    logging.getLogger("recess").warning("database unavailable on %s %s: %s", method, path, getattr(exc, "orig", None) or exc)
    return shapes.response(path, 503, [reason], headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def install(app: FastAPI, shapes: ErrorShapes) -> None:
    """Route every failure through `shapes`, so no client ever sees another shape."""
    error_response = shapes.response

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(request.url.path, exc.status, exc.messages, exc.title)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        messages = list(dict.fromkeys(describe(e) for e in exc.errors()))
        return error_response(request.url.path, 400, messages[:10])

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
        if exc.status_code == 404 and message == "Not Found":
            message = f"Not found: {request.method} {request.url.path}"
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
        return error_response(request.url.path, exc.status_code, [message], headers=headers or None)

    def _internal(request: Request, exc: Exception) -> JSONResponse:
        logging.getLogger("recess").error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(request.url.path, 500, ["Internal Server Error"])

    async def _database(request: Request, exc: Exception) -> JSONResponse:
        answer = unavailable(shapes, request.method, request.url.path, exc)
        return answer if answer is not None else _internal(request, exc)

    app.add_exception_handler(DBAPIError, _database)
    app.add_exception_handler(PoolTimeout, _database)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return _internal(request, exc)
