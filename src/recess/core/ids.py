"""Identifier formats."""

import re
import secrets
import uuid


def time_uuid() -> str:
    """A time-based (version 1) UUID, as Datadog's downtime ids; the node is random, not a MAC."""
    return str(uuid.uuid1(node=secrets.randbits(48) | 0x010000000000))


def random_uuid() -> str:
    return str(uuid.uuid4())


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_uuid(text: str) -> bool:
    """A UUID in its canonical 8-4-4-4-12 hex form (either case)."""
    return isinstance(text, str) and _UUID.fullmatch(text) is not None
