"""Identifier formats."""

import secrets
import uuid


def time_uuid() -> str:
    """A time-based (version 1) UUID, as Datadog's downtime ids; the node is random, not a MAC."""
    return str(uuid.uuid1(node=secrets.randbits(48) | 0x010000000000))


def random_uuid() -> str:
    return str(uuid.uuid4())


def is_uuid(text: str) -> bool:
    try:
        return len(text) == 36 and str(uuid.UUID(text)) == text.lower()
    except (ValueError, AttributeError, TypeError):
        return False
