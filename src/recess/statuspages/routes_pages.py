"""Status pages and their components on the wire."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Response

from recess.accounts.store import Principal
from recess.core import clock
from recess.core.db import Database
from recess.core.http import database
from recess.statuspages import documents, resources, store
from recess.statuspages import service_pages as pages
from recess.statuspages.http import (
    PREFIX, answer, can_read, can_write_settings, includes, no_content, page_or_404, path_id, public_url, reading,
    writing,
)
from recess.statuspages.schemas import ComponentPatchRequest, ComponentRequest, PagePatchRequest, PageRequest

router = APIRouter(prefix=PREFIX, tags=["Status Pages"])
USER_INCLUDES = ("created_by_user", "last_modified_by_user")
COMPONENT_INCLUDES = ("created_by_user", "last_modified_by_user", "status_page", "group")


@router.post("", summary="Create status page", status_code=201)
def create_page(request: PageRequest, include: str | None = Query(None), actor: Principal = Depends(can_write_settings),
                db: Database = Depends(database), base: str = Depends(public_url)) -> Response:
    wanted = includes(include, USER_INCLUDES)
    now = clock.now()
    with writing(db) as session:
        page = pages.create(session, actor.org_id, request.data.attributes, actor.user_uuid, now)
        return answer(documents.document(session, documents.page(session, page, base), wanted, base), 201)


@router.get("", summary="List status pages")
def list_pages(
    page_offset: int = Query(0, alias="page[offset]", ge=0), page_limit: int = Query(50, alias="page[limit]", ge=1, le=1000),
    domain_prefix: str | None = Query(None, alias="filter[domain_prefix]"), name: str | None = Query(None, alias="filter[name]"),
    include: str | None = Query(None),
    actor: Principal = Depends(can_read), db: Database = Depends(database), base: str = Depends(public_url),
) -> Response:
    wanted = includes(include, USER_INCLUDES)
    with reading(db) as session:
        rows = [p for p in store.pages(session, actor.org_id, domain_prefix) if not name or name.lower() in p.name.lower()]
        data = documents.pages(session, rows[page_offset : page_offset + page_limit], base)
        return answer(documents.document(session, data, wanted, base, resources.offset_meta(page_offset, page_limit, len(rows))))


@router.get("/{page_id:id}", summary="Get status page")
def get_page(page_id: str, include: str | None = Query(None), actor: Principal = Depends(can_read), db: Database = Depends(database),
             base: str = Depends(public_url)) -> Response:
    wanted = includes(include, USER_INCLUDES)
    with reading(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        return answer(documents.document(session, documents.page(session, page, base), wanted, base))


@router.patch("/{page_id:id}", summary="Update status page")
def update_page(page_id: str, request: PagePatchRequest, include: str | None = Query(None), delete_subscribers: bool = Query(False),
                actor: Principal = Depends(can_write_settings), db: Database = Depends(database),
                base: str = Depends(public_url)) -> Response:
    wanted = includes(include, USER_INCLUDES)
    now = clock.now()
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        pages.update(session, page, request.data.id, request.data.attributes, actor.user_uuid, now)
        return answer(documents.document(session, documents.page(session, page, base), wanted, base))


@router.delete("/{page_id:id}", summary="Delete status page", status_code=204, response_class=Response)
def delete_page(page_id: str, actor: Principal = Depends(can_write_settings), db: Database = Depends(database)) -> Response:
    with writing(db) as session:
        pages.delete(session, page_or_404(session, actor.org_id, page_id))
    return no_content()


def _publish(page_id: str, actor: Principal, db: Database, enabled: bool) -> Response:
    now = clock.now()
    with writing(db) as session:
        pages.publish(page_or_404(session, actor.org_id, page_id), enabled, actor.user_uuid, now)
    return no_content()


@router.post("/{page_id:id}/publish", summary="Publish status page", status_code=204, response_class=Response)
def publish(page_id: str, actor: Principal = Depends(can_write_settings), db: Database = Depends(database)) -> Response:
    return _publish(page_id, actor, db, True)


@router.post("/{page_id:id}/unpublish", summary="Unpublish status page", status_code=204, response_class=Response)
def unpublish(page_id: str, actor: Principal = Depends(can_write_settings), db: Database = Depends(database)) -> Response:
    return _publish(page_id, actor, db, False)


# --- components -------------------------------------------------------------------------------


@router.post("/{page_id:id}/components", summary="Create component", status_code=201)
def create_component(page_id: str, request: ComponentRequest, include: str | None = Query(None),
                     actor: Principal = Depends(can_write_settings), db: Database = Depends(database),
                     base: str = Depends(public_url)) -> Response:
    wanted = includes(include, COMPONENT_INCLUDES)
    now = clock.now()
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        row = pages.create_component(session, page, request.data.attributes, actor.user_uuid, now)
        return answer(documents.component(session, page, row, wanted, base), 201)


@router.get("/{page_id:id}/components", summary="List components")
def list_components(page_id: str, include: str | None = Query(None), actor: Principal = Depends(can_read),
                    db: Database = Depends(database), base: str = Depends(public_url)) -> Response:
    wanted = includes(include, COMPONENT_INCLUDES)
    with reading(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        # As listed, groups are not included: each one is in the list already.
        data = documents.components(session, page)
        return answer(documents.document(session, data, wanted, base, own=frozenset({"group"})))


@router.get("/{page_id:id}/components/{component_id:id}", summary="Get component")
def get_component(page_id: str, component_id: str, include: str | None = Query(None), actor: Principal = Depends(can_read),
                  db: Database = Depends(database), base: str = Depends(public_url)) -> Response:
    wanted = includes(include, COMPONENT_INCLUDES)
    with reading(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        row = pages.find_component(session, page, path_id(component_id, "component_id"))
        return answer(documents.component(session, page, row, wanted, base))


@router.patch("/{page_id:id}/components/{component_id:id}", summary="Update component")
def update_component(page_id: str, component_id: str, request: ComponentPatchRequest, include: str | None = Query(None),
                     actor: Principal = Depends(can_write_settings), db: Database = Depends(database),
                     base: str = Depends(public_url)) -> Response:
    wanted = includes(include, COMPONENT_INCLUDES)
    now = clock.now()
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        row = pages.find_component(session, page, path_id(component_id, "component_id"))
        pages.update_component(session, page, row, request.data.attributes, actor.user_uuid, now)
        return answer(documents.component(session, page, row, wanted, base))


@router.delete("/{page_id:id}/components/{component_id:id}", summary="Delete component", status_code=204, response_class=Response)
def delete_component(page_id: str, component_id: str, actor: Principal = Depends(can_write_settings),
                     db: Database = Depends(database)) -> Response:
    now = clock.now()
    with writing(db) as session:
        page = page_or_404(session, actor.org_id, page_id)
        pages.delete_component(session, page, pages.find_component(session, page, path_id(component_id, "component_id")), now)
    return no_content()
