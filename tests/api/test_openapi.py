"""`/docs` without internet, and `/openapi.json` as a generated client or a fuzzer needs it."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from tests.conftest import Server

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


class _Assets(HTMLParser):
    """Every URL a page makes the browser load: script src and link href."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


@pytest.fixture(scope="module")
def document(server: Server) -> dict[str, Any]:
    with server.http() as http:
        answer = http.get("/openapi.json")
    assert answer.status_code == 200, answer.text
    return answer.json()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in document["paths"].items() for method, op in item.items()
            if method in METHODS]


def error_schema(operation: dict[str, Any], code: str) -> tuple[str, str]:
    """(media type, schema name) of an operation's documented error answer."""
    content = operation["responses"][code]["content"]
    assert len(content) == 1, content
    media_type, body = next(iter(content.items()))
    return media_type, body["schema"]["$ref"].rsplit("/", 1)[1]


def test_docs_page_loads_only_from_recess(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:  # no keys: the page is public
        page = http.get("/docs")
        assert page.status_code == 200, page.text
        assert page.headers["content-type"].startswith("text/html")
        assert "cdn" not in page.text.lower()
        parser = _Assets()
        parser.feed(page.text)
        assert len(parser.urls) >= 3, parser.urls  # the script, the stylesheet, the icon
        own = urlsplit(server.url).netloc
        kinds = set()
        for url in parser.urls:
            absolute = urljoin(f"{server.url}/docs", url)
            assert urlsplit(absolute).netloc == own, url
            assert "cdn" not in url.lower(), url
            asset = http.get(absolute)
            assert asset.status_code == 200, (url, asset.status_code)
            kind = asset.headers["content-type"]
            kinds.add(kind.split(";")[0])
            if url.endswith(".js"):
                assert "javascript" in kind, (url, kind)
            if url.endswith(".css"):
                assert kind.startswith("text/css"), (url, kind)
        assert "text/css" in kinds and any("javascript" in k for k in kinds), kinds
        # The page's inline script asks for the document on recess itself.
        assert "url: '/openapi.json'" in page.text or 'url: "/openapi.json"' in page.text
        assert "http://" not in page.text.replace(server.url, "") and "https://" not in page.text


def test_security_schemes_are_datadogs(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["apiKeyAuth"] == {"type": "apiKey", "in": "header", "name": "DD-API-KEY"}
    assert schemes["appKeyAuth"] == {"type": "apiKey", "in": "header", "name": "DD-APPLICATION-KEY"}


def test_operations_require_the_keys_they_need(document: dict[str, Any]) -> None:
    paths = document["paths"]
    # Both keys at once: one requirement naming both, not two alternatives.
    assert paths["/api/v2/downtime"]["get"]["security"] == [{"apiKeyAuth": [], "appKeyAuth": []}]
    assert paths["/api/v1/downtime"]["post"]["security"] == [{"apiKeyAuth": [], "appKeyAuth": []}]
    assert paths["/api/v2/statuspages"]["get"]["security"] == [{"apiKeyAuth": [], "appKeyAuth": []}]
    assert paths["/api/v1/validate"]["get"]["security"] == [{"apiKeyAuth": []}]
    assert paths["/api/v1/check_run"]["post"]["security"] == [{"apiKeyAuth": []}]
    # The public status page needs no key, and is HTML for people, not part of the API.
    assert not any(path.startswith("/status/") for path in paths)
    assert "/docs" not in paths
    # The key headers are security, never plain parameters a client would have to fill in.
    for path, method, op in operations(document):
        names = {p["name"].lower() for p in op.get("parameters", [])}
        assert not names & {"dd-api-key", "dd-application-key"}, (method, path)


def test_error_answers_are_documented_per_family(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["APIErrorResponse"]["properties"]["errors"]["items"] == {"type": "string"}
    item = schemas["JSONAPIErrorResponse"]["properties"]["errors"]["items"]
    assert set(item["required"]) == {"title", "detail"} and item["properties"]["status"]["type"] == "string"

    secured = 0
    for path, method, op in operations(document):
        responses = op["responses"]
        assert "422" not in responses, (method, path)
        expected = ({"application/vnd.api+json"}, "JSONAPIErrorResponse") if path.startswith("/api/v2/statuspages") \
            else ({"application/json"}, "APIErrorResponse")
        codes = ["400", "404", "429"] + (["403"] if op.get("security") else []) \
            + (["409"] if method in ("post", "put", "patch", "delete") else [])
        secured += bool(op.get("security"))
        for code in codes:
            media_type, schema = error_schema(op, code)
            assert (media_type, schema) == (next(iter(expected[0])), expected[1]), (method, path, code)
    assert secured >= 60

    paths = document["paths"]
    assert error_schema(paths["/api/v1/downtime/{downtime_id}"]["put"], "403") == ("application/json", "APIErrorResponse")
    assert error_schema(paths["/api/v1/downtime/{downtime_id}"]["get"], "404") == ("application/json", "APIErrorResponse")
    assert "409" not in paths["/api/v1/downtime/{downtime_id}"]["get"]["responses"]
    assert error_schema(paths["/api/v2/statuspages"]["post"], "409") == ("application/vnd.api+json", "JSONAPIErrorResponse")
    assert error_schema(paths["/api/v2/statuspages/{page_id}"]["get"], "403") \
        == ("application/vnd.api+json", "JSONAPIErrorResponse")
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas


def test_documented_errors_are_what_recess_answers(server: Server, document: dict[str, Any]) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        # No key: 403 in each family's shape, as documented.
        answer = http.get("/api/v2/downtime")
        assert answer.status_code == 403 and answer.json() == {"errors": ["Forbidden"]}
        answer = http.get("/api/v1/validate", headers={"DD-API-KEY": "unknown"})
        assert answer.status_code == 403 and answer.json() == {"errors": ["Forbidden"]}
        answer = http.get("/api/v2/statuspages")
        assert answer.status_code == 403
        assert answer.headers["content-type"].startswith("application/vnd.api+json")
        assert answer.json()["errors"][0]["detail"] == "Forbidden"
        # Validation failures are 400, never 422.
        answer = http.post("/api/v2/downtime", headers=server.headers(), json={"data": {}})
        assert answer.status_code == 400 and all(isinstance(e, str) for e in answer.json()["errors"])
    with server.http() as http:
        assert http.get("/api/v1/validate").json() == {"valid": True}


def test_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    assert document["openapi"].startswith("3.")
    validator.validate(document)


def test_success_bodies_and_path_parameters_are_described(document: dict[str, Any]) -> None:
    """Routes build their own answers: each feature describes them (`Feature.answers`)."""
    for path, method, op in operations(document):
        if path.startswith("/api/v1/_recess/") or path == "/metrics":
            continue  # the test clock (test servers only); Prometheus text
        for code, answer in op["responses"].items():
            if code == "204" or not code.startswith("2"):
                continue
            if path == "/api/v1/integration/webhooks/configuration/webhooks/{webhook_name}" and method == "delete":
                assert "content" not in answer  # Datadog answers an empty 200
                continue
            (media_type, body), = answer["content"].items()
            assert body["schema"] not in ({}, None), (method, path, code)
            assert media_type == ("application/vnd.api+json" if path.startswith("/api/v2/statuspages") else "application/json")
        for parameter in op.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"].endswith("_id"):
                assert parameter["schema"].get("format") in ("int64", "uuid"), (method, path, parameter)

    paths, schemas = document["paths"], document["components"]["schemas"]
    formats = {(path, p["name"]): p["schema"] for path in paths for op in paths[path].values() if isinstance(op, dict)
               for p in op.get("parameters", []) if p["in"] == "path"}
    assert formats[("/api/v1/downtime/{downtime_id}", "downtime_id")]["format"] == "int64"
    assert formats[("/api/v1/downtime/{downtime_id}", "downtime_id")]["type"] == "integer"
    assert formats[("/api/v2/downtime/{downtime_id}", "downtime_id")] == {"type": "string", "format": "uuid", "title": "Downtime Id"}
    assert formats[("/api/v1/monitor/{monitor_id}", "monitor_id")]["maximum"] == 2**63 - 1
    assert formats[("/api/v2/statuspages/{page_id}/degradations/{degradation_id}/updates/{update_id}", "update_id")]["format"] == "uuid"

    page = paths["/api/v2/statuspages/{page_id}"]["get"]["responses"]["200"]["content"]["application/vnd.api+json"]["schema"]
    assert page["properties"]["data"] == {"$ref": "#/components/schemas/StatusPageAnswer"}
    assert set(schemas["PageAttributesAnswer"]["required"]) >= {"domain_prefix", "page_url", "components", "favicon"}
    v2 = paths["/api/v2/downtime"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert v2["properties"]["data"] == {"$ref": "#/components/schemas/DowntimeResourceAnswer"}
    v1_list = paths["/api/v1/downtime"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert v1_list == {"type": "array", "items": {"$ref": "#/components/schemas/DowntimeV1Answer"}}
    ready = paths["/readyz"]["get"]["responses"]
    assert ready["503"]["content"]["application/json"]["schema"]["title"] == "ReadyAnswer"
    assert "content" not in paths["/api/v2/downtime/{downtime_id}"]["delete"]["responses"]["204"]
