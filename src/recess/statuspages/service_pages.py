"""Status pages and their components: creating, changing, publishing and deleting them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from recess.core.db import claiming
from recess.core.ids import random_uuid
from recess.statuspages import rules, store
from recess.statuspages.model import Component, StatusPage
from recess.statuspages.rules import PageError
from recess.statuspages.schemas import ComponentIn, ComponentPatch, PageAttributes, PagePatch

_REQUIRED = ("name", "domain_prefix", "type", "visualization_type")
_FLAGS = ("subscriptions_enabled", "slack_subscriptions_enabled")  # null is false


def find(session: Session, org_id: int, page_id: str) -> StatusPage:
    found = store.page(session, org_id, page_id)
    if found is None:
        raise PageError("status page not found", 404)
    return found


def _taken(domain_prefix: str) -> PageError:
    return PageError(f"domain_prefix {domain_prefix!r} is already taken", 409)


def create(session: Session, org_id: int, given: PageAttributes, user: str, now: datetime) -> StatusPage:
    """An unpublished page with its components; its domain_prefix must be free (else 409)."""
    if store.prefix_taken(session, given.domain_prefix):
        raise _taken(given.domain_prefix)
    page = StatusPage(
        id=random_uuid(), org_id=org_id, name=given.name, domain_prefix=given.domain_prefix, type=given.type,
        visualization_type=given.visualization_type, enabled=False, company_logo=given.company_logo, favicon=given.favicon,
        email_header_image=given.email_header_image, subscriptions_enabled=bool(given.subscriptions_enabled),
        slack_subscriptions_enabled=bool(given.slack_subscriptions_enabled),
        custom_domain=None, created_at=now, modified_at=now, created_by=user, modified_by=user,
    )
    with claiming(session, lambda: _taken(given.domain_prefix)):  # taken meanwhile by another request
        session.add(page)
    add_components(session, page, given.components or [], None, user, now)
    session.flush()
    return page


def update(session: Session, page: StatusPage, data_id: str | None, given: PagePatch, user: str, now: datetime) -> None:
    """The attributes given (null clears the optional ones); `data_id`, when given, must be the page's."""
    changes = {name: getattr(given, name) for name in type(given).model_fields if name in given.model_fields_set}
    if data_id is not None and data_id.lower() != page.id:
        raise PageError("data.id does not match page_id in the URL")
    for required in _REQUIRED:
        if required in changes and changes[required] is None:
            raise PageError(f"{required} must not be null")
    if changes.get("domain_prefix") and store.prefix_taken(session, changes["domain_prefix"], other_than=page.id):
        raise _taken(changes["domain_prefix"])
    with claiming(session, lambda: _taken(str(changes.get("domain_prefix", page.domain_prefix)))):
        for key, value in changes.items():
            setattr(page, key, bool(value) if key in _FLAGS else value)
        page.modified_at, page.modified_by = now, user


def delete(session: Session, page: StatusPage) -> None:
    """The page, with its components, degradations, maintenances, their timelines and templates."""
    store.delete_page(session, page)


def publish(page: StatusPage, enabled: bool, user: str, now: datetime) -> None:
    page.enabled = enabled
    page.modified_at, page.modified_by = now, user


# --- components -------------------------------------------------------------------------------


def find_component(session: Session, page: StatusPage, component_id: str) -> Component:
    row = store.component(session, page.id, component_id)
    if row is None:
        raise PageError("component not found", 404)
    return row


def add_components(session: Session, page: StatusPage, items: Sequence[ComponentIn], parent: str | None, user: str,
                   now: datetime) -> None:
    """Components and groups (holding components, not groups) under `parent`, in given order."""
    for index, item in enumerate(items):
        if parent is not None and item.type == "group":
            raise PageError("a group cannot hold another group")
        if item.type == "component" and item.components:
            raise PageError(f"component {item.name!r} is not a group and cannot hold components")
        row = Component(id=random_uuid(), page_id=page.id, parent_id=parent, type=item.type, name=item.name,
                        position=item.position if item.position is not None else index,
                        created_at=now, modified_at=now, created_by=user, modified_by=user)
        session.add(row)
        if item.type == "group":
            add_components(session, page, item.components or [], row.id, user, now)


def create_component(session: Session, page: StatusPage, given: ComponentIn, user: str, now: datetime) -> Component:
    """A top-level component or group, at `position` (default: the end); the others make room."""
    before = {c.id: c.position for c in store.siblings(session, page.id, None)}
    add_components(session, page, [given], None, user, now)
    session.flush()
    new = next(c for c in store.siblings(session, page.id, None) if c.id not in before)
    _renumber(session, page.id, None, rules.place({**before, new.id: 0}, new.id, given.position), now)
    session.flush()
    return new


def update_component(session: Session, page: StatusPage, row: Component, given: ComponentPatch, user: str, now: datetime) -> None:
    if given.name is not None:
        row.name = given.name
    if given.position is not None:
        siblings = {c.id: c.position for c in store.siblings(session, page.id, row.parent_id)}
        _renumber(session, page.id, row.parent_id, rules.place(siblings, row.id, given.position), now)
    row.modified_at, row.modified_by = now, user
    session.flush()


def delete_component(session: Session, page: StatusPage, row: Component, now: datetime) -> None:
    """A component, or a group with its components; the siblings close the gap."""
    siblings = {c.id: c.position for c in store.siblings(session, page.id, row.parent_id)}
    for child in store.siblings(session, page.id, row.id):
        session.delete(child)
    session.delete(row)
    session.flush()
    _renumber(session, page.id, row.parent_id, rules.close_gap(siblings, row.id), now)


def _renumber(session: Session, page_id: str, parent_id: str | None, positions: dict[str, int], now: datetime) -> None:
    for sibling in store.siblings(session, page_id, parent_id):
        if sibling.id in positions and sibling.position != positions[sibling.id]:
            sibling.position = positions[sibling.id]
            sibling.modified_at = now
