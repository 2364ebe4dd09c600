"""The served API description: `/openapi.json` as Datadog's clients see the API, and `/docs` offline.

FastAPI generates the document; `document` then states what the generator cannot know:
- both keys together: an operation needing the API and the application key gets one security
  requirement naming both (`apiKeyAuth` AND `appKeyAuth`), not two alternatives;
- the error answers: 400 (validation, recess never answers 422), 403 (a missing or unknown key,
  or a missing permission), 404, 409 for writes, and 429, each with the body of the operation's
  API family (`{"errors": ["…"]}`, or JSON:API error objects where the app's `ErrorShapes`);
- the success answers: routes build their bodies themselves (a `Response`), so each feature
  describes them (`Feature.answers`: an `Answer` per route function): the body's model, in the
  family's media type, and the formats of the path parameters the route parses itself (int64
  ids, UUIDs), which FastAPI sees as plain strings.

`/docs` is Swagger UI from the `fastapi-offline` package, served by recess itself: it needs no
CDN and no network.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.routing import APIRoute
from pydantic import TypeAdapter
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


INT64: dict[str, Any] = {"type": "integer", "format": "int64", "minimum": -(2**63), "maximum": 2**63 - 1}
POSITIVE_INT64: dict[str, Any] = {**INT64, "minimum": 0}
UUID: dict[str, Any] = {"type": "string", "format": "uuid"}
_REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Answer:
    """How one route answers, for the document: `body`, the type of its success body (a Pydantic
    model, or `list[Model]`; None for no body), `path`, the JSON schema of each path parameter
    the route parses itself (`INT64`, `POSITIVE_INT64`, `UUID`), and `others`, answers beyond
    the usual ones (status code -> (description, body type))."""

    body: Any = None
    path: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    others: Mapping[str, tuple[str, Any]] = field(default_factory=dict)
    # True: the route declares its body itself (`response_model`); only `path` is added.
    declared: bool = False


def _schema(body: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of `body`, its models added to the document's `schemas`."""
    schema = TypeAdapter(body).json_schema(mode="serialization", ref_template=_REF)
    for name, definition in schema.pop("$defs", {}).items():
        if schemas.setdefault(name, definition) != definition:
            raise ValueError(f"two different schemas are named {name}: rename one answer model")
    return schema


Answers = Mapping[Callable[..., Any], Answer]


def _describe_success(operation: dict[str, Any], answer: Answer, media_type: str, schemas: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path" and parameter["name"] in answer.path:
            parameter["schema"] = {**answer.path[parameter["name"]], "title": parameter["schema"].get("title", "")}
    unknown = set(answer.path) - {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
    if unknown:
        raise ValueError(f"{operation.get('summary')}: no path parameter {sorted(unknown)}")
    for code, (description, body) in answer.others.items():
        operation["responses"][code] = {"description": description,
                                        "content": {media_type: {"schema": _schema(body, schemas)}}}
    success = [code for code in operation["responses"] if code.startswith("2")]
    if answer.declared:
        return
    if answer.body is None:  # no body at all
        for code in success:
            operation["responses"][code].pop("content", None)
        return
    schema = _schema(answer.body, schemas)
    for code in success:
        if code != "204":
            operation["responses"][code]["content"] = {media_type: {"schema": schema}}


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


def document(doc: dict[str, Any], shapes: errors.ErrorShapes,
             answers: Mapping[tuple[str, str], Answer] | None = None) -> dict[str, Any]:
    """Add the key requirements, error answers and, from `answers` (by method and path), success
    bodies and path parameter formats to a generated document (in place), and return it."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            answer = (answers or {}).get((method, path))
            if answer is not None:
                media_type = "application/vnd.api+json" if shapes.object_style(path) else "application/json"
                _describe_success(operation, answer, media_type, schemas)
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
    schemas.update(_SCHEMAS)
    # FastAPI's 422 body schemas, now that nothing refers to them.
    for name in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{name}"' not in json.dumps(doc):
            schemas.pop(name, None)
    return doc


def by_operation(routers: Iterable[APIRouter], answers: Answers) -> dict[tuple[str, str], Answer]:
    """`answers` by (method, path) of the routes of `routers` (mounted without a further prefix);
    an answer for a route none of them has is a mistake."""
    found: dict[tuple[str, str], Answer] = {}
    described = set()
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.endpoint in answers:
                described.add(route.endpoint)
                for method in route.methods or ():
                    found[(method.lower(), route.path_format)] = answers[route.endpoint]
    missing = [getattr(endpoint, "__qualname__", repr(endpoint)) for endpoint in answers if endpoint not in described]
    if missing:
        raise ValueError(f"answers for routes the app does not have: {missing}")
    return found


def install(app: FastAPI, shapes: errors.ErrorShapes, answers: Mapping[tuple[str, str], Answer] | None = None) -> None:
    """Serve `/openapi.json` with `document` applied (built once), and `/docs` from local assets."""
    generate = app.openapi
    built: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        if not built:
            built.append(document(generate(), shapes, answers))
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
