"""The one place recess asks for the time, so that tests and rules can be given another.

A server started with RECESS_TEST_CLOCK=1 lets tests move its clock forward (see testing.py);
in normal operation the offset stays zero.
"""

from datetime import UTC, datetime, timedelta

_offset = timedelta(0)


def now() -> datetime:
    return datetime.now(UTC) + _offset


def advance(seconds: float) -> datetime:
    """Move this process's clock forward (test servers only)."""
    global _offset
    _offset += timedelta(seconds=seconds)
    return now()
