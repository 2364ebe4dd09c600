"""Whole status page answers: JSON:API documents read from the session, with what include= asks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from recess.core.jsonapi import Document
from recess.statuspages import resources, rules, store
from recess.statuspages.model import Component, Degradation, Maintenance, StatusPage, Template
from recess.statuspages.resources import Doc

Answer = Document[Doc | list[Doc]]


def statuses(session: Session, page_ids: list[str]) -> dict[str, str]:
    """Component id -> status, derived from what is open on these pages now."""
    affected = store.open_affected(session, page_ids)
    return rules.component_statuses(item for items in affected.values() for item in items)


def tree(session: Session, page: StatusPage) -> list[dict[str, Any]]:
    return resources.component_tree(store.components(session, [page.id]), statuses(session, [page.id]))


def component_names(session: Session, page_ids: Iterable[str]) -> dict[str, str]:
    return {c.id: c.name for c in store.components(session, list(page_ids))}


def included(session: Session, data: list[Doc], wanted: set[str], public_url: str) -> list[Doc]:
    """The users and status pages that `data`'s relationships point at, as asked."""
    if not wanted:
        return []
    user_ids: list[str] = []
    page_ids: list[str] = []
    for item in data:
        related = item.relationships or {}
        for name in ("created_by_user", "last_modified_by_user"):
            target = related[name].data if name in wanted and name in related else None
            if target is not None:
                user_ids.append(str(target.id))
        shown_on = related["status_page"].data if "status_page" in wanted and "status_page" in related else None
        if shown_on is not None:
            page_ids.append(str(shown_on.id))
    out = [resources.user_resource(u) for u in store.users_by_uuid(session, user_ids).values()]
    for page_id in dict.fromkeys(page_ids):
        row = session.get(StatusPage, page_id)
        if row is not None:
            out.append(Doc(type="status_pages", id=row.id, attributes=resources.page_attributes(row, tree(session, row), public_url)))
    return out


def document(session: Session, data: Doc | list[Doc], wanted: set[str], public_url: str, meta: dict[str, Any] | None = None,
             *, own: frozenset[str] = frozenset(), extra: Sequence[Doc] = ()) -> Answer:
    """`data` with `meta`, and when anything is wanted, `included`: the related users and pages,
    then `extra` (what the caller includes itself for the include= paths in `own`)."""
    members: dict[str, Any] = {"data": data}
    if meta is not None:
        members["meta"] = meta
    if wanted:
        members["included"] = included(session, data if isinstance(data, list) else [data], wanted - own, public_url) + list(extra)
    return Answer(**members)


# --- one resource, read with what it shows -----------------------------------------------------


def page(session: Session, row: StatusPage, public_url: str) -> Doc:
    return resources.page_resource(row, tree(session, row), public_url)


def pages(session: Session, rows: Sequence[StatusPage], public_url: str) -> list[Doc]:
    components = store.components(session, [p.id for p in rows])
    derived = statuses(session, [p.id for p in rows])
    return [resources.page_resource(p, resources.component_tree([c for c in components if c.page_id == p.id], derived), public_url)
            for p in rows]


def component(session: Session, page: StatusPage, row: Component, wanted: set[str], public_url: str) -> Answer:
    """A component, and its group when include=group asks."""
    items = tree(session, page)
    data = resources.component_resource(row, resources.find_in_tree(items, row.id) or {})
    extra = []
    if "group" in wanted and row.parent_id:
        group = store.component(session, page.id, row.parent_id)
        if group is not None:
            extra.append(resources.component_resource(group, resources.find_in_tree(items, group.id) or {}))
    return document(session, data, wanted, public_url, own=frozenset({"group"}), extra=extra)


def components(session: Session, page: StatusPage) -> list[Doc]:
    items = tree(session, page)
    rows = {c.id: c for c in store.components(session, [page.id])}
    return [resources.component_resource(rows[item["id"]], item) for item in items]


def degradation(session: Session, row: Degradation) -> Doc:
    return resources.degradation_resource(row, store.updates(session, [row.id])[row.id], component_names(session, [row.page_id]))


def maintenance(session: Session, row: Maintenance) -> Doc:
    return resources.maintenance_resource(row, store.updates(session, [row.id])[row.id], component_names(session, [row.page_id]))


def templates(rows: Iterable[Template]) -> list[Doc]:
    return [resources.template_resource(t) for t in rows]


# --- lists --------------------------------------------------------------------------------------


def degradations(session: Session, rows: Sequence[Degradation], in_status: set[str], sort: str) -> list[Doc]:
    """All of `rows` in `in_status` (all when empty), ordered by `sort` (`created_at`,
    `-modified_at`, ...: the shown timestamps, then ids)."""
    timelines = store.updates(session, [r.id for r in rows])
    names = component_names(session, {r.page_id for r in rows})
    data = [resources.degradation_resource(r, timelines[r.id], names) for r in rows]
    if in_status:
        data = [d for d in data if d.attributes["status"] in in_status]
    key = sort.lstrip("-")
    data.sort(key=lambda d: (d.attributes[key], d.id), reverse=sort.startswith("-"))
    return data


def maintenances(session: Session, rows: Sequence[Maintenance]) -> list[Doc]:
    """Maintenances as lists show them: timelines newest first."""
    timelines = store.updates(session, [r.id for r in rows])
    names = component_names(session, {r.page_id for r in rows})
    return [resources.maintenance_resource(r, timelines[r.id], names, newest_first=True) for r in rows]
