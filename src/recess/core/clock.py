"""The one place recess asks for the time, so that tests and rules can be given another."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
