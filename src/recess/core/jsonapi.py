"""JSON:API pieces shared by the v2 APIs: include= lists, included documents, paging."""

from __future__ import annotations

from typing import Any

from recess.core.errors import bad_request


def parse_include(text: str | None, allowed: tuple[str, ...]) -> set[str]:
    """`include=created_by,monitor` -> {"created_by", "monitor"}; unknown paths are a 400."""
    if not text:
        return set()
    wanted = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(wanted - set(allowed))
    if unknown:
        raise bad_request(f"Invalid include value {unknown[0]!r}: supported values are {', '.join(allowed)}")
    return wanted


def dedupe(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Included resources, each once, in first-seen order."""
    seen: set[tuple[str, Any]] = set()
    out = []
    for doc in documents:
        key = (doc["type"], doc["id"])
        if key not in seen:
            seen.add(key)
            out.append(doc)
    return out
