"""Small pieces every route uses: the database of the running app, and response types."""

from __future__ import annotations

from typing import Any

import json as stdlib_json

import orjson
from fastapi import Request, Response
from fastapi.responses import JSONResponse

from recess.core.db import Database


async def database(request: Request) -> Database:
    db: Database = request.app.state.services.db
    return db


def render(content: Any) -> bytes:
    """JSON written by orjson: a page of 1,000 items renders several times faster than with the
    standard library. The bytes are the same compact JSON."""
    try:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:  # an integer past 64 bits: the standard library writes it
        return stdlib_json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


class JsonAnswer(JSONResponse):
    def render(self, content: Any) -> bytes:
        return render(content)


def json(body: Any, status: int = 200) -> JSONResponse:
    return JsonAnswer(body, status_code=status)


def no_content() -> Response:
    # Datadog answers 204 for downtimes with this content type and no body.
    return Response(status_code=204, media_type="text/html; charset=utf-8")


class JsonBodies:
    """ASGI middleware: a request body without a JSON content type is still read as JSON.

    `curl -d` sends application/x-www-form-urlencoded; Datadog reads such bodies as JSON too.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH"):
            headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
            current = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
            if b"json" not in current.lower():
                # In place, not a copy: outer middleware reads what routing adds to this scope.
                scope["headers"] = [*headers, (b"content-type", b"application/json")]
        await self.app(scope, receive, send)
