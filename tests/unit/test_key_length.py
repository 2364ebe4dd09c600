"""Key values: at least 16 characters, and the 4 shown of them never a whole key."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from recess.accounts import store
from recess.settings import Settings


def test_short_keys_are_refused_without_being_quoted() -> None:
    assert store.key_too_short("k" * 16) is None
    problem = store.key_too_short("dev-api-key")
    assert problem is not None and "16" in problem and "dev-api-key" not in problem


def test_last4_is_never_a_whole_key() -> None:
    assert store.last4("0123456789abcdef") == "cdef"
    for short in ("", "abc", "abcd", "abcde", "x" * 15):
        assert store.last4(short) == ""


@pytest.mark.parametrize("name", ["api_key", "app_key"])
def test_short_bootstrap_values_are_an_invalid_setting(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(**{name: "dev-key"})  # type: ignore[arg-type]
    assert "at least 16 characters" in str(caught.value)
    assert Settings(**{name: "local-dev-api-key"}).model_dump()[name] == "local-dev-api-key"  # type: ignore[arg-type]
    assert Settings(**{name: None}).model_dump()[name] is None  # type: ignore[arg-type]
