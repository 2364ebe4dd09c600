"""What a case and a project may be, in Datadog's words. Plain functions over plain data.

Case Management names a wrong resource type as `got type "userx" expected one of "user"` (a
400, checked before anything is looked up), and a missing project as `project not found` (404).
"""

from __future__ import annotations

import re

USER = "user"
PROJECT = "project"
CASE = "case"
RESERVED_KEY = "CASE"
_KEY = re.compile(r"[A-Z][A-Z0-9]{0,9}")

# The deprecated `status` and the `status_group` and display name each stands for.
STATUS_GROUPS = {"OPEN": "SG_OPEN", "IN_PROGRESS": "SG_IN_PROGRESS", "CLOSED": "SG_CLOSED"}
STATUS_NAMES = {"OPEN": "Open", "IN_PROGRESS": "In Progress", "CLOSED": "Closed"}


class CaseError(ValueError):
    """A request Case Management refuses; `status` is the answer's code (400, 404 or 409)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def check_type(given: str, expected: str) -> None:
    """A resource identifier's `type` must be the one its place calls for."""
    if given != expected:
        raise CaseError(f'got type "{given}" expected one of "{expected}"')


def check_project_key(key: str) -> str:
    """A project key prefixes its cases' keys (SEC-1): 1-10 upper-case letters and digits, not CASE."""
    if key == RESERVED_KEY:
        raise CaseError('Invalid value for key: a project key cannot be "CASE"')
    if not _KEY.fullmatch(key):
        raise CaseError("Invalid value for key: 1 to 10 upper-case letters and digits, starting with a letter")
    return key


def check_name(name: str) -> str:
    if not name.strip():
        raise CaseError("Invalid value for name: it must not be empty")
    return name


def project_not_found() -> CaseError:
    return CaseError("project not found", 404)


def case_key(project_key: str, number: int) -> str:
    return f"{project_key}-{number}"
