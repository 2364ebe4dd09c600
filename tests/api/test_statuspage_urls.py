"""A status page's images (`favicon`, `company_logo`, `email_header_image`) are base64 image data,
as Datadog defines them, or http(s) URLs: anything else (`javascript:`, a relative URL, a data:
URI of HTML) is a 400 in the JSON:API error form, on create and on update, and never stored."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from tests.conftest import Server

PAGES = "/api/v2/statuspages"
FIELDS = ("favicon", "company_logo", "email_header_image")
REFUSED = ["javascript:alert(3)", "JavaScript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>",
           "file:///etc/passwd", "//evil.example/x.png", "/relative.png", "", "http://", "http://[::1",
           "https://x.example/a b", 'https://x.example/"onload="alert(1)', "\thttps://x.example/"]


def page_body(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "status_pages", "attributes": {
        "name": "Images", "domain_prefix": f"img-{secrets.token_hex(4)}", "type": "public",
        "visualization_type": "bars_and_uptime_percentage", **attributes}}}


def refused(answer: Any, field: str) -> None:
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.api+json")
    errors = answer.json()["errors"]
    assert any(field in e["detail"] and "http or https URL" in e["detail"] for e in errors), errors


@pytest.mark.parametrize("field", FIELDS)
def test_only_http_urls_are_stored(server: Server, field: str) -> None:
    with server.http() as http:
        for value in REFUSED:
            refused(http.post(PAGES, json=page_body(**{field: value})), field)
        ok = http.post(PAGES, json=page_body(**{field: "https://cdn.example/logo.png"}))
        assert ok.status_code == 201, ok.text
        page_id = ok.json()["data"]["id"]
        assert ok.json()["data"]["attributes"][field] == "https://cdn.example/logo.png"
        for value in REFUSED[:3]:
            refused(http.patch(f"{PAGES}/{page_id}", json={"data": {"type": "status_pages", "attributes": {field: value}}}), field)
        kept = http.get(f"{PAGES}/{page_id}").json()["data"]["attributes"][field]
        assert kept == "https://cdn.example/logo.png"
        patched = http.patch(f"{PAGES}/{page_id}", json={"data": {"type": "status_pages", "attributes": {
            field: "HTTP://plain.example:8080/x.ico?v=2"}}})
        assert patched.status_code == 200, patched.text
        cleared = http.patch(f"{PAGES}/{page_id}", json={"data": {"type": "status_pages", "attributes": {field: None}}})
        assert cleared.status_code == 200 and cleared.json()["data"]["attributes"][field] is None, cleared.text


def test_the_document_says_so(server: Server) -> None:
    with server.http() as http:
        schemas = http.get("/openapi.json").json()["components"]["schemas"]
    for name in ("PageAttributes", "PagePatch"):
        for field in FIELDS:
            options = schemas[name]["properties"][field]["anyOf"]
            text = next(o for o in options if o.get("type") == "string")
            assert "base64" in text["description"].lower() and "http(s) URL" in text["description"], (name, field, text)


PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


@pytest.mark.parametrize("field", FIELDS)
def test_base64_image_data_is_stored(server: Server, field: str) -> None:
    with server.http() as http:
        for value in (PNG, f"data:image/png;base64,{PNG}"):
            ok = http.post(PAGES, json=page_body(**{field: value}))
            assert ok.status_code == 201, ok.text
            assert ok.json()["data"]["attributes"][field] == value
