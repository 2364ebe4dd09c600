"""What every status page route shares: who acts, path ids, include=, transactions, answers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request, Response
from sqlalchemy.orm import Session

from recess.accounts.auth import require
from recess.accounts.permissions import STATUS_PAGES_INCIDENT_WRITE, STATUS_PAGES_SETTINGS_READ, STATUS_PAGES_SETTINGS_WRITE
from recess.core.application import services
from recess.core.db import Database
from recess.core.errors import ApiError
from recess.core.jsonapi import parse_include
from recess.core.params import uuid_id
from recess.notifications import targets
from recess.statuspages import service_pages as pages
from recess.statuspages.service_subscriptions import Outbound
from recess.statuspages.documents import Answer
from recess.statuspages.model import StatusPage
from recess.statuspages.rules import PageError

PREFIX = "/api/v2/statuspages"
_INVALID_INCLUDE = "invalid include value {value!r}: supported values are {supported}"


can_read = require(STATUS_PAGES_SETTINGS_READ)
can_write_settings = require(STATUS_PAGES_SETTINGS_WRITE)
can_write_incidents = require(STATUS_PAGES_INCIDENT_WRITE)


async def public_url(request: Request) -> str:
    """The dependency that gives the base of `page_url`s: the app's settings."""
    return services(request).settings.public_url


async def outbound(request: Request) -> Outbound:
    """The dependency that gives what subscribers' mails and posts need from the app's settings."""
    settings = services(request).settings
    return Outbound(settings.public_url, settings.smtp_from, targets.parse_allow(settings.webhook_allow))


def includes(text: str | None, allowed: tuple[str, ...]) -> set[str]:
    return parse_include(text, allowed, _INVALID_INCLUDE)


def status_filter(text: str | None, allowed: tuple[str, ...]) -> set[str]:
    """`filter[status]=a,b` -> {"a", "b"}; an unknown status is a 400."""
    statuses = {s.strip() for s in (text or "").split(",") if s.strip()}
    if statuses - set(allowed):
        raise ApiError(400, f"filter[status] must be among {', '.join(allowed)}")
    return statuses


def path_id(text: str, name: str) -> str:
    """A UUID from the path (or a filter), lower-cased; else a 400 naming it."""
    return uuid_id(text, name, f"{name} must be a UUID")


@contextmanager
def _rules_answered() -> Iterator[None]:
    try:
        yield
    except PageError as exc:
        raise ApiError(exc.status, str(exc)) from None


@contextmanager
def writing(db: Database) -> Iterator[Session]:
    """One transaction; a broken status page rule is answered with its status and message."""
    with _rules_answered(), db.session() as session:
        yield session


@contextmanager
def reading(db: Database) -> Iterator[Session]:
    with _rules_answered(), db.read() as session:
        yield session


def page_or_404(session: Session, org_id: int, page_id: str) -> StatusPage:
    return pages.find(session, org_id, path_id(page_id, "page_id"))


def answer(document: Answer, status: int = 200) -> Response:
    return document.response(status)


def no_content() -> Response:
    return Response(status_code=204)
