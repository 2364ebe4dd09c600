from __future__ import annotations

from collections.abc import Iterator

import pytest
from datadog_api_client import ApiClient, Configuration

from tests.conftest import Server


def configuration(server: Server, api_key: str | None = None, app_key: str | None = None) -> Configuration:
    config = Configuration(host=server.url)
    config.api_key["apiKeyAuth"] = api_key or server.api_key
    config.api_key["appKeyAuth"] = app_key or server.app_key
    assert config.check_return_type  # responses are type-checked against Datadog's models
    return config


@pytest.fixture
def api_client(server: Server) -> Iterator[ApiClient]:
    with ApiClient(configuration(server)) as client:
        yield client


def errors_of(exc: Exception) -> list[object]:
    """The `errors` list of a client exception's body (the client parses JSON bodies)."""
    body = getattr(exc, "body", None)
    if isinstance(body, (bytes, str)):
        import json

        body = json.loads(body)
    assert isinstance(body, dict), body
    return body["errors"]
