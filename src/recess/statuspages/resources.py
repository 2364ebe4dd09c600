"""Status page rows as JSON:API resources (attributes with `Z` timestamps); pure functions."""

from __future__ import annotations

import hashlib
from typing import Any

from recess.accounts.model import User
from recess.core.jsonapi import Relationship, Resource, relation
from recess.core.timefmt import iso_z
from recess.statuspages.model import Component, Degradation, Maintenance, StatusPage, Template, Update

Attributes = dict[str, Any]
Doc = Resource[Attributes]


def user(uuid: str) -> Relationship:
    return relation(uuid, "users")


def page_ref(page_id: str) -> Relationship:
    return relation(page_id, "status_pages")


def user_resource(u: User) -> Doc:
    digest = hashlib.md5(u.email.strip().lower().encode(), usedforsecurity=False).hexdigest()
    return Doc(type="users", id=u.uuid, attributes={
        "email": u.email, "handle": u.email, "icon": f"https://secure.gravatar.com/avatar/{digest}?s=48&d=retro",
        "name": u.name or "", "uuid": u.uuid})


def page_url(page: StatusPage, public_url: str) -> str:
    base = public_url.rstrip("/")
    if page.type == "public":
        return f"{base}/status/{page.domain_prefix}"
    return f"{base}/status-pages/{page.id}/view"


def component_tree(rows: list[Component], statuses: dict[str, str]) -> list[dict[str, Any]]:
    """Top-level components and groups (groups holding their children), in position order."""
    children: dict[str, list[Component]] = {}
    for row in rows:
        if row.parent_id:
            children.setdefault(row.parent_id, []).append(row)

    def item(row: Component) -> dict[str, Any]:
        out: dict[str, Any] = {"id": row.id, "name": row.name, "type": row.type, "position": row.position}
        if row.type == "group":
            out["components"] = [item(c) for c in sorted(children.get(row.id, []), key=lambda c: c.position)]
        else:
            out["status"] = statuses.get(row.id, "operational")
        return out

    return [item(r) for r in sorted((r for r in rows if not r.parent_id), key=lambda r: r.position)]


def find_in_tree(items: list[dict[str, Any]], component_id: str) -> dict[str, Any] | None:
    for item in items:
        if item["id"] == component_id:
            return item
        found = find_in_tree(item.get("components", []), component_id)
        if found:
            return found
    return None


def page_attributes(page: StatusPage, tree: list[dict[str, Any]], public_url: str) -> Attributes:
    return {
        "company_logo": page.company_logo, "components": tree, "created_at": iso_z(page.created_at),
        "custom_domain": page.custom_domain, "custom_domain_enabled": page.custom_domain is not None,
        "domain_prefix": page.domain_prefix, "email_header_image": page.email_header_image, "enabled": page.enabled,
        "favicon": page.favicon, "modified_at": iso_z(page.modified_at), "name": page.name,
        "page_url": page_url(page, public_url), "slack_subscriptions_enabled": page.slack_subscriptions_enabled,
        "subscriptions_enabled": page.subscriptions_enabled, "type": page.type,
        "visualization_type": page.visualization_type,
    }


def page_resource(page: StatusPage, tree: list[dict[str, Any]], public_url: str) -> Doc:
    return Doc(id=page.id, type="status_pages", attributes=page_attributes(page, tree, public_url), relationships={
        "created_by_user": user(page.created_by), "last_modified_by_user": user(page.modified_by)})


def component_resource(row: Component, subtree: dict[str, Any]) -> Doc:
    attributes: Attributes = {"created_at": iso_z(row.created_at), "modified_at": iso_z(row.modified_at),
                              "name": row.name, "position": row.position, "type": row.type}
    if row.type == "group":
        attributes["components"] = [dict(c) for c in subtree.get("components", [])]
    else:
        attributes["status"] = subtree.get("status", "operational")
    return Doc(id=row.id, type="components", attributes=attributes, relationships={
        "created_by_user": user(row.created_by), "group": relation(row.parent_id or None, "components"),
        "last_modified_by_user": user(row.modified_by), "status_page": page_ref(row.page_id)})


def _affected(items: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    return [{"id": i["id"], "name": names.get(i["id"], i.get("name", "")), "status": i["status"]} for i in items]


def degradation_update(u: Update, names: dict[str, str]) -> Attributes:
    out: Attributes = {"id": u.id, "created_at": iso_z(u.created_at), "modified_at": iso_z(u.modified_at),
                       "started_at": iso_z(u.started_at), "status": u.status, "description": u.description,
                       "components_affected": _affected(u.components_affected, names)}
    if u.deleted_at is not None:
        out["deleted_at"] = iso_z(u.deleted_at)
        out["deleted_by_user_uuid"] = u.deleted_by
    return out


def degradation_resource(d: Degradation, timeline: list[Update], names: dict[str, str]) -> Doc:
    live = [u for u in timeline if u.deleted_at is None] or timeline
    last = live[-1]
    attributes: Attributes = {
        "components_affected": _affected(last.components_affected, names), "created_at": iso_z(d.created_at),
        "description": last.description, "modified_at": iso_z(d.modified_at), "status": last.status, "title": d.title,
        "updates": [degradation_update(u, names) for u in timeline],
    }
    if d.is_backfilled:
        attributes["is_backfilled"] = True
    return Doc(id=d.id, type="degradations", attributes=attributes, relationships={
        "created_by_user": user(d.created_by), "last_modified_by_user": user(d.modified_by), "status_page": page_ref(d.page_id)})


def maintenance_update(u: Update, names: dict[str, str]) -> Attributes:
    return {"id": u.id, "created_at": iso_z(u.created_at), "modified_at": iso_z(u.modified_at), "started_at": iso_z(u.started_at),
            "manual_transition": u.manual_transition, "status": u.status, "description": u.description,
            "components_affected": _affected(u.components_affected, names)}


def maintenance_resource(m: Maintenance, timeline: list[Update], names: dict[str, str], newest_first: bool = False) -> Doc:
    shown = list(reversed(timeline)) if newest_first else timeline
    attributes: Attributes = {
        "completed_date": iso_z(m.completed_date), "completed_description": m.completed_description,
        "components_affected": _affected(timeline[-1].components_affected if timeline else m.components_affected, names),
        "in_progress_description": m.in_progress_description, "modified_at": iso_z(m.modified_at),
        "published_date": iso_z(m.published_date), "scheduled_description": m.scheduled_description,
        "start_date": iso_z(m.start_date), "status": m.status, "title": m.title,
        "updates": [maintenance_update(u, names) for u in shown],
    }
    if m.canceled_description is not None:
        attributes["canceled_description"] = m.canceled_description
    if m.is_backfilled:
        attributes["is_backfilled"] = True
    return Doc(id=m.id, type="maintenances", attributes=attributes, relationships={
        "created_by_user": user(m.created_by), "last_modified_by_user": user(m.modified_by), "status_page": page_ref(m.page_id)})


def update_resource(row: Update, parent: Degradation | Maintenance, names: dict[str, str]) -> Doc:
    """One timeline entry on its own, related to its degradation (and page) or maintenance."""
    relationships = {"created_by_user": user(row.created_by), "last_modified_by_user": user(row.modified_by)}
    if isinstance(parent, Degradation):
        kind, attributes = "degradation", degradation_update(row, names)
        relationships |= {"degradation": relation(parent.id, "degradations"), "status_page": page_ref(parent.page_id)}
        if row.deleted_by:
            relationships["deleted_by_user"] = user(row.deleted_by)
    else:
        kind, attributes = "maintenance", maintenance_update(row, names)
        relationships["maintenance"] = relation(parent.id, "maintenances")
    attributes.pop("id")
    return Doc(id=row.id, type=f"{kind}_updates", attributes=attributes, relationships=relationships)


def template_resource(t: Template) -> Doc:
    kind = "degradation_templates" if t.kind == "degradation" else "maintenance_templates"
    return Doc(id=t.id, type=kind,
               attributes={**t.attributes, "created_at": iso_z(t.created_at), "modified_at": iso_z(t.modified_at)},
               relationships={"created_by_user": user(t.created_by), "last_modified_by_user": user(t.modified_by),
                              "status_page": page_ref(t.page_id)})


def offset_meta(offset: int, limit: int, total: int) -> dict[str, Any]:
    last = ((total - 1) // limit) * limit if total else 0
    return {"page": {"type": "offset_limit", "offset": offset, "limit": limit, "total": total, "first_offset": 0,
                     "prev_offset": max(0, offset - limit) if offset > 0 else None,
                     "next_offset": offset + limit if offset + limit < total else None, "last_offset": last}}
