"""The served API description: `/openapi.json` as Datadog's clients see the API, and `/docs` offline.

FastAPI generates the document; `document` then states what the generator cannot know:
- both keys together: an operation needing the API and the application key gets one security
  requirement naming both (`apiKeyAuth` AND `appKeyAuth`), not two alternatives;
- the error answers: 400 (validation, recess never answers 422), 403 (a missing or unknown key,
  or a missing permission), 404, 409 for writes, and 429, each with the body of the operation's
  API family (`{"errors": ["…"]}`, or JSON:API error objects where the app's `ErrorShapes`).

`/docs` is Swagger UI from the `fastapi-offline` package, served by recess itself: it needs no
CDN and no network.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from recess.core import errors

DOCS_URL = "/docs"
STATIC_URL = "/docs/static"
# Swagger UI 5 (OpenAPI 3.1, the version FastAPI writes); the package ships only these assets.
_SWAGGER_UI = files("fastapi_offline") / "static"

_API_ERROR = "APIErrorResponse"
_JSONAPI_ERROR = "JSONAPIErrorResponse"
_SCHEMAS: dict[str, dict[str, Any]] = {
    _API_ERROR: {
        "title": _API_ERROR,
        "description": "An error answer: one message per problem.",
        "type": "object",
        "required": ["errors"],
        "properties": {"errors": {"type": "array", "items": {"type": "string"}, "description": "The messages."}},
    },
    _JSONAPI_ERROR: {
        "title": _JSONAPI_ERROR,
        "description": "An error answer as JSON:API error objects (Status Pages).",
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["title", "detail"],
                    "properties": {
                        "title": {"type": "string", "description": "What kind of error."},
                        "detail": {"type": "string", "description": "The message."},
                        "status": {"type": "string", "description": "The HTTP status code."},
                    },
                },
            }
        },
    },
}
_DESCRIPTIONS = {"400": "Bad Request", "403": "Forbidden", "404": "Not Found", "409": "Conflict",
                 "429": "Too many requests"}
_WRITES = {"post", "put", "patch", "delete"}
_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _error_response(code: str, path: str, shapes: errors.ErrorShapes) -> dict[str, Any]:
    if shapes.object_style(path):
        media_type, schema = "application/vnd.api+json", _JSONAPI_ERROR
    else:
        media_type, schema = "application/json", _API_ERROR
    return {"description": _DESCRIPTIONS[code],
            "content": {media_type: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _merge_security(requirements: list[dict[str, list[str]]]) -> list[dict[str, list[str]]]:
    """FastAPI lists each scheme as an alternative; recess needs every one of them at once."""
    merged: dict[str, list[str]] = {}
    for requirement in requirements:
        for name, scopes in requirement.items():
            merged.setdefault(name, list(scopes))
    return [merged] if merged else []


def document(doc: dict[str, Any], shapes: errors.ErrorShapes) -> dict[str, Any]:
    """Add the key requirements and error answers to a generated document (in place) and return it."""
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            codes = ["400", "404", "429"]
            if operation.get("security"):
                operation["security"] = _merge_security(operation["security"])
                codes.append("403")
            if method in _WRITES:
                codes.append("409")
            for code in sorted(codes):
                answer = responses.setdefault(code, {})
                answer.setdefault("description", _DESCRIPTIONS[code])
                answer.setdefault("content", _error_response(code, path, shapes)["content"])
            operation["responses"] = dict(sorted(responses.items()))
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(_SCHEMAS)
    # FastAPI's 422 body schemas, now that nothing refers to them.
    for name in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{name}"' not in json.dumps(doc):
            schemas.pop(name, None)
    return doc


def install(app: FastAPI, shapes: errors.ErrorShapes) -> None:
    """Serve `/openapi.json` with `document` applied (built once), and `/docs` from local assets."""
    generate = app.openapi
    built: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        if not built:
            built.append(document(generate(), shapes))
        return built[0]

    app.openapi = openapi  # type: ignore[method-assign]
    app.mount(STATIC_URL, StaticFiles(directory=str(_SWAGGER_UI)), name="swagger-ui")

    @app.get(DOCS_URL, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{STATIC_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC_URL}/favicon.png",
            oauth2_redirect_url=None,
            swagger_ui_parameters={"validatorUrl": "none"},  # never the online validator
        )
