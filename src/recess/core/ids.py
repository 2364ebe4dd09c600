"""Identifier formats."""

import re
import secrets
import threading
import uuid

# This process's node: random (the multicast bit set, as RFC 4122 asks of a node that is not a
# MAC), drawn once. A draw per id cost a system call per downtime created.
_NODE = secrets.randbits(48) | 0x010000000000
_ONE_AT_A_TIME = threading.Lock()  # uuid1 keeps its last timestamp in a module global


def time_uuid() -> str:
    """A time-based (version 1) UUID, as Datadog's downtime ids. Unique: within this process
    uuid1 never repeats a timestamp (one caller at a time), and processes have their own node."""
    with _ONE_AT_A_TIME:
        return str(uuid.uuid1(node=_NODE))


def random_uuid() -> str:
    return str(uuid.uuid4())


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_uuid(text: str) -> bool:
    """A UUID in its canonical 8-4-4-4-12 hex form (either case)."""
    return isinstance(text, str) and _UUID.fullmatch(text) is not None
