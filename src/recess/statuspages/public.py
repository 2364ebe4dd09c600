"""The page people read: a published public status page as HTML, without authentication."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from recess.accounts.auth import caller_of
from recess.accounts.permissions import STATUS_PAGES_SETTINGS_READ, grants
from recess.core.db import Database
from recess.core.http import database
from recess.core.ids import is_uuid
from recess.core.timefmt import iso_z
from recess.statuspages import rules, store
from recess.statuspages.documents import tree
from recess.statuspages.model import StatusPage

router = APIRouter(tags=["Status Pages"])
_env = Environment(loader=PackageLoader("recess.statuspages", "templates"), autoescape=select_autoescape(["html"]))


def _leaves(items: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for item in items:
        out += _leaves(item.get("components", [])) if item["type"] == "group" else [item["status"]]
    return out


@router.get("/status/{domain_prefix}", response_class=HTMLResponse, include_in_schema=False)
def public_page(domain_prefix: str, db: Database = Depends(database)) -> HTMLResponse:
    with db.read() as session:
        page = store.page_by_prefix(session, domain_prefix)
        if page is None or page.type != "public" or not page.enabled:
            return HTMLResponse("<!doctype html><title>Not found</title><h1>No such status page</h1>", status_code=404)
        return HTMLResponse(_render(session, page))


@router.get("/status-pages/{page_id:id}/view", response_class=HTMLResponse, include_in_schema=False)
def internal_page(page_id: str, request: Request, db: Database = Depends(database)) -> HTMLResponse:
    """An internal page's `page_url`: shown to its org's users (their keys as headers), else a
    page saying it needs signing in. Public pages' ids lead to their public address."""
    caller = caller_of(request, db)
    principal = caller.user if caller is not None else None
    with db.read() as session:
        page = session.get(StatusPage, page_id.lower()) if is_uuid(page_id) else None
        if page is not None and page.type == "public" and page.enabled:
            return HTMLResponse(status_code=307, headers={"Location": f"/status/{page.domain_prefix}"})
        allowed = (principal is not None and page is not None and principal.org_id == page.org_id
                   and grants(principal.permissions, STATUS_PAGES_SETTINGS_READ))
        if not allowed:
            # The same answer whether or not the page exists: ids are not confirmed to strangers.
            return HTMLResponse(
                "<!doctype html><html lang=en><title>Sign in required</title><h1>Sign in required</h1>"
                "<p>This is an internal status page: it is shown to members of its organisation only.</p>",
                status_code=401)
        assert page is not None
        return HTMLResponse(_render(session, page))


def _render(session: Session, page: StatusPage) -> str:
    components = tree(session, page)
    timelines = store.updates(session, [d.id for d in store.degradations(session, page.org_id, page.id)])
    incidents = []
    for degradation in store.degradations(session, page.org_id, page.id):
        live = store.live_updates(timelines[degradation.id])
        if live and live[-1].status != "resolved" and not degradation.is_backfilled:
            incidents.append({"title": degradation.title, "status": live[-1].status, "updates": [
                {"status": u.status, "description": u.description, "started_at": iso_z(u.started_at)} for u in reversed(live)]})
    maintenances = [
        {"title": m.title, "status": m.status, "start_date": iso_z(m.start_date), "completed_date": iso_z(m.completed_date),
         "description": m.in_progress_description if m.status == "in_progress" else m.scheduled_description}
        for m in store.open_maintenances(session, page.id)
    ]
    return _env.get_template("public.html").render(
        page=page, components=components, worst=rules.worst(_leaves(components)), incidents=incidents, maintenances=maintenances)
