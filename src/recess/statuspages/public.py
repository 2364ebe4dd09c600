"""What a published public status page serves without authentication, under `/status/{prefix}`:
the page, one page per incident and per maintenance, the history by month, Atom/RSS/iCalendar
feeds, Statuspage's public JSON API, a badge, the logo and favicon.

Why it is built this way: every answer is rendered from one snapshot (snapshot.py) by pure
functions, kept in the app's RenderCache, and checked against the page's version with one small
query run on the event loop; only a miss goes to a worker thread to read and render. Internal
pages serve the same answers to signed-in readers under their own path (internal.py), built by
the functions defined here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from recess.core import clock
from recess.core.application import services
from recess.core.db import Database
from recess.statuspages import badge, feeds, images, public_api, render, snapshot, store
from recess.statuspages.cache import CACHE, Rendered, RenderCache, expiry, matches, rendered
from recess.statuspages.model import StatusPage

router = APIRouter(tags=["Status Pages"], include_in_schema=False)

HTML = "text/html; charset=utf-8"
Built = tuple[bytes, str] | None
Builder = Callable[[snapshot.Snapshot, StatusPage], Built]
API_DOCUMENTS = frozenset({"summary", "status", "components", "incidents", "incidents/unresolved", "scheduled-maintenances",
                           "scheduled-maintenances/upcoming", "scheduled-maintenances/active"})
_NOT_FOUND = b"<!doctype html><html lang=en><meta charset=utf-8><title>Not found</title><h1>No such status page</h1></html>"


def _headers(item: Rendered, etag: str) -> dict[str, str]:
    """Caching for browsers and proxies, and what each kind of answer may do once loaded."""
    headers = {"ETag": etag, "X-Content-Type-Options": "nosniff", "Vary": "Accept-Encoding"}
    if item.media_type == HTML:
        headers |= {"Cache-Control": "public, max-age=10", "Content-Security-Policy": render.CSP, "Referrer-Policy": "same-origin"}
    else:  # feeds, JSON, badge, images: read by other sites' scripts and by aggregators
        headers |= {"Cache-Control": "public, max-age=30", "Access-Control-Allow-Origin": "*"}
    if item.media_type == "image/svg+xml":
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return headers


def build_answer(db: Database, page_id: str, url: str, version: tuple[object, ...], now: datetime, build: Builder,
                 base: str | None = None, internal: bool = False) -> Rendered | None:
    """Read the page and render one answer (in a worker thread); None when there is nothing to show."""
    with db.read() as session:
        page = session.get(StatusPage, page_id)
        if page is None:
            return None
        snap = snapshot.read(session, page, url, now, base, internal)
        built = build(snap, page)
    if built is None:
        return None
    body, media_type = built
    return rendered(body, media_type, version, expiry(snap))


def _version(db: Database, cache: RenderCache, prefix: str) -> tuple[object, ...] | None:
    """The page's version: remembered for a second, else one small query (on the event loop:
    an indexed row and six aggregates never wait on a writer)."""
    moment = time.monotonic()
    known = cache.known_version(prefix, moment)
    if known is not None:
        return known
    generation = cache.generation  # read before the query: a commit during it is seen next time
    with db.read() as session:
        version = store.page_version(session, prefix)
    if version is not None:
        cache.remember_version(prefix, version, moment, generation)
    return version


async def _serve(request: Request, prefix: str, what: str, build: Builder) -> Response:
    """The answer `what` of the page at `prefix`, from the cache when the page has not changed."""
    shared = services(request)
    cache = shared.get(CACHE)
    version = _version(shared.db, cache, prefix)
    if version is None or version[1] != "public" or not version[2]:
        return HTMLResponse(_NOT_FOUND, status_code=404)
    now = clock.now()
    key = (version[0], what)
    item = cache.get(key, version, now)
    if item is None:
        url = f"{shared.settings.public_url.rstrip('/')}/status/{prefix}"
        item = await run_in_threadpool(build_answer, shared.db, str(version[0]), url, version, now, build)
        if item is None:
            return HTMLResponse(_NOT_FOUND, status_code=404)
        cache.put(key, item)
    packed = item.gzipped is not None and "gzip" in request.headers.get("accept-encoding", "")
    etag = item.gzip_etag if packed else item.etag
    headers = _headers(item, etag)
    if matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    if packed:
        headers["Content-Encoding"] = "gzip"
    return Response(item.gzipped if packed else item.body, media_type=item.media_type, headers=headers)


def _html(text: str) -> Built:
    return text.encode(), HTML


# What each path shows, for public pages here and for internal ones (internal.py) alike.
def page_html(snap: snapshot.Snapshot, _: StatusPage) -> Built:
    return _html(render.page(snap))


def history_html(number: int) -> Builder:
    return lambda snap, _: _html(render.history_page(snap, number))


def event_html(kind: str, event_id: str) -> Builder:
    def build(snap: snapshot.Snapshot, _: StatusPage) -> Built:
        shown = snap.event(kind, event_id.lower())
        return _html(render.event(snap, shown)) if shown is not None else None

    return build


def atom_feed(snap: snapshot.Snapshot, _: StatusPage) -> Built:
    return feeds.atom(snap), "application/atom+xml; charset=utf-8"


def rss_feed(snap: snapshot.Snapshot, _: StatusPage) -> Built:
    return feeds.rss(snap), "application/rss+xml; charset=utf-8"


def calendar_of(request: Request) -> Builder:
    host = urlsplit(services(request).settings.public_url).hostname or "recess"
    return lambda snap, _: (feeds.ics(snap, host), "text/calendar; charset=utf-8")


def api_json(name: str) -> Builder:
    return lambda snap, _: (json.dumps(public_api.answer(snap, name), separators=(",", ":")).encode(), "application/json")


def badge_svg(snap: snapshot.Snapshot, _: StatusPage) -> Built:
    return badge.svg("status", render.overall(snap)).encode(), "image/svg+xml"


def logo_image(_: snapshot.Snapshot, page: StatusPage) -> Built:
    return images.decode(page.company_logo)


def favicon_image(_: snapshot.Snapshot, page: StatusPage) -> Built:
    return images.decode(page.favicon)


def api_not_found() -> Response:
    return Response(b'{"error": "not found"}', status_code=404, media_type="application/json")


def api_name(document: str) -> str | None:
    name = document.removesuffix(".json")
    return name if document.endswith(".json") and name in API_DOCUMENTS else None


@router.get("/status/{domain_prefix}", response_class=HTMLResponse)
async def public_page(domain_prefix: str, request: Request) -> Response:
    return await _serve(request, domain_prefix, "page", page_html)


@router.get("/status/{domain_prefix}/history", response_class=HTMLResponse)
async def history(domain_prefix: str, request: Request, page: int = Query(1, ge=1, le=1000)) -> Response:
    return await _serve(request, domain_prefix, f"history:{page}", history_html(page))


@router.get("/status/{domain_prefix}/incidents/{event_id}", response_class=HTMLResponse)
async def incident(domain_prefix: str, event_id: str, request: Request) -> Response:
    return await _serve(request, domain_prefix, f"incident:{event_id}", event_html("incident", event_id))


@router.get("/status/{domain_prefix}/maintenances/{event_id}", response_class=HTMLResponse)
async def maintenance(domain_prefix: str, event_id: str, request: Request) -> Response:
    return await _serve(request, domain_prefix, f"maintenance:{event_id}", event_html("maintenance", event_id))


@router.get("/status/{domain_prefix}/history.atom")
async def atom(domain_prefix: str, request: Request) -> Response:
    return await _serve(request, domain_prefix, "atom", atom_feed)


@router.get("/status/{domain_prefix}/history.rss")
async def rss(domain_prefix: str, request: Request) -> Response:
    return await _serve(request, domain_prefix, "rss", rss_feed)


@router.get("/status/{domain_prefix}/maintenances.ics")
async def calendar(domain_prefix: str, request: Request) -> Response:
    return await _serve(request, domain_prefix, "ics", calendar_of(request))


@router.get("/status/{domain_prefix}/api/v2/{document:path}")
async def api_document(domain_prefix: str, document: str, request: Request) -> Response:
    """Statuspage's public API v2: summary.json, status.json, components.json, ..."""
    name = api_name(document)
    if name is None:
        return api_not_found()
    return await _serve(request, domain_prefix, f"api:{name}", api_json(name))


@router.get("/status/{domain_prefix}/badge.svg")
async def status_badge(domain_prefix: str, request: Request) -> Response:
    return await _serve(request, domain_prefix, "badge", badge_svg)


@router.get("/status/{domain_prefix}/logo")
async def logo(domain_prefix: str, request: Request) -> Response:
    return await _serve(request, domain_prefix, "logo", logo_image)


@router.get("/status/{domain_prefix}/favicon")
async def favicon(domain_prefix: str, request: Request) -> Response:
    return await _serve(request, domain_prefix, "favicon", favicon_image)
