"""Internal status pages (`type: internal`), served to signed-in users of the page's org only,
under `/status-pages/{id}/view` and the same sub-paths as public pages (`/history`,
`/incidents/{id}`, feeds, JSON API, badge, logo...).

Signing in: a reader posts an application key to the address they tried to open (the form has no
action, so the sign-in page is the same for every page id, existing or not: ids are not confirmed
to strangers). The key's user must be active, belong to the page's org and hold
`status_pages_settings_read`. The session is a cookie (HttpOnly, SameSite=Lax, Path=/status-pages/,
Secure when `public_url` is https) holding the key's row id, an expiry and an HMAC-SHA256 of both
keyed with the key's stored digest: never the key itself. Every request checks the key again, so
revoking the key, disabling its user or taking the permission away ends the session at once; a
forged cookie needs the digest, which only the database holds. Callers with DD-API-KEY and
DD-APPLICATION-KEY headers are let in as well (scripts, the API's own users).

Answers are rendered and cached like public ones (public.py), but marked `Cache-Control: private`
and `Vary: Cookie`, and never open to other sites' scripts.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from recess.accounts import store as accounts
from recess.accounts.auth import caller_of
from recess.accounts.model import User
from recess.accounts.permissions import STATUS_PAGES_SETTINGS_READ, grants
from recess.core import clock
from recess.core.application import services
from recess.core.ids import is_uuid
from recess.statuspages import public, render, resources, store
from recess.statuspages.cache import CACHE, matches
from recess.statuspages.model import StatusPage
from recess.statuspages.public import HTML, Builder

router = APIRouter(tags=["Status Pages"], include_in_schema=False)

COOKIE = "recess_status_session"
COOKIE_PATH = "/status-pages/"
SESSION_SECONDS = 12 * 3600
_TAG = b"recess status page session"


def _mac(key_digest: str, key_id: int, expires: int) -> str:
    secret = hmac.new(bytes.fromhex(key_digest), _TAG, hashlib.sha256).digest()
    return hmac.new(secret, f"{key_id}.{expires}".encode(), hashlib.sha256).hexdigest()


def session_value(key_id: int, key_digest: str, now: datetime) -> str:
    expires = int(now.timestamp()) + SESSION_SECONDS
    return f"{key_id}.{expires}.{_mac(key_digest, key_id, expires)}"


def session_user(session: Session, value: str | None, now: datetime) -> User | None:
    """The user a session cookie stands for, while it has not expired and its key is active."""
    parts = (value or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[0]) > 18:
        return None
    key_id, expires = int(parts[0]), int(parts[1])
    if expires <= now.timestamp():
        return None
    found = accounts.active_app_key(session, key_id=key_id)
    if found is None or not hmac.compare_digest(_mac(found[0].digest, key_id, expires), parts[2]):
        return None
    return found[1]


def may_read(user: User | None, page: StatusPage) -> bool:
    return (user is not None and not user.disabled and user.org_id == page.org_id
            and grants(frozenset(user.permissions), STATUS_PAGES_SETTINGS_READ))


@dataclass(frozen=True)
class Access:
    page_id: str = ""
    redirect: str | None = None  # a published public page: its public address
    version: tuple[object, ...] | None = None  # None: not allowed (or no such page)
    url: str = ""


def _access(request: Request, page_id: str, rest: str) -> Access:
    """Who may see what (in a worker thread: it reads accounts and the page)."""
    shared = services(request)
    db = shared.db
    if not is_uuid(page_id):
        return Access()
    caller = caller_of(request, db)
    with db.read() as session:
        page = session.get(StatusPage, page_id.lower())
        if page is None:
            return Access()
        if page.type == "public" and page.enabled:
            return Access(page.id, redirect=f"/status/{page.domain_prefix}{rest}")
        by_keys = (caller is not None and caller.user is not None and caller.user.org_id == page.org_id
                   and grants(caller.user.permissions, STATUS_PAGES_SETTINGS_READ))
        if not by_keys and not may_read(session_user(session, request.cookies.get(COOKIE), clock.now()), page):
            return Access()
        return Access(page.id, version=store.page_version(session, page.domain_prefix),
                      url=resources.page_url(page, shared.settings.public_url))


def sign_in_page(failed: bool = False) -> HTMLResponse:
    """What anyone not signed in gets, the same for every id: a form posting to where they are."""
    body = render.sign_in(failed)
    return HTMLResponse(body, status_code=401, headers={
        "Cache-Control": "no-store", "Content-Security-Policy": render.CSP, "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin"})


def _headers(media_type: str, etag: str) -> dict[str, str]:
    headers = {"ETag": etag, "X-Content-Type-Options": "nosniff", "Vary": "Accept-Encoding, Cookie",
               "Cache-Control": "private, no-cache"}
    if media_type == HTML:
        headers |= {"Content-Security-Policy": render.CSP, "Referrer-Policy": "same-origin"}
    if media_type == "image/svg+xml":
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return headers


async def _serve(request: Request, page_id: str, rest: str, what: str, build: Builder) -> Response:
    access = await run_in_threadpool(_access, request, page_id, rest)
    if access.redirect is not None:
        return Response(status_code=307, headers={"Location": access.redirect})
    if access.version is None:
        return sign_in_page()
    cache = services(request).get(CACHE)
    now = clock.now()
    key = (access.page_id, "internal", what)
    item = cache.get(key, access.version, now)
    if item is None:
        base = f"/status-pages/{access.page_id}/view"
        item = await run_in_threadpool(public.build_answer, services(request).db, access.page_id, access.url,
                                       access.version, now, build, base, True)
        if item is None:
            return HTMLResponse(public._NOT_FOUND, status_code=404, headers={"Cache-Control": "private, no-cache"})
        cache.put(key, item)
    packed = item.gzipped is not None and "gzip" in request.headers.get("accept-encoding", "")
    etag = item.gzip_etag if packed else item.etag
    headers = _headers(item.media_type, etag)
    if matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    if packed:
        headers["Content-Encoding"] = "gzip"
    return Response(item.gzipped if packed else item.body, media_type=item.media_type, headers=headers)


VIEW = "/status-pages/{page_id:id}/view"


@router.get(VIEW, response_class=HTMLResponse)
async def internal_page(page_id: str, request: Request) -> Response:
    """An internal page's `page_url`. Public pages' ids lead to their public address."""
    return await _serve(request, page_id, "", "page", public.page_html)


@router.get(VIEW + "/history", response_class=HTMLResponse)
async def history(page_id: str, request: Request, page: int = Query(1, ge=1, le=1000)) -> Response:
    return await _serve(request, page_id, "/history", f"history:{page}", public.history_html(page))


@router.get(VIEW + "/incidents/{event_id}", response_class=HTMLResponse)
async def incident(page_id: str, event_id: str, request: Request) -> Response:
    return await _serve(request, page_id, f"/incidents/{event_id}", f"incident:{event_id}",
                        public.event_html("incident", event_id))


@router.get(VIEW + "/maintenances/{event_id}", response_class=HTMLResponse)
async def maintenance(page_id: str, event_id: str, request: Request) -> Response:
    return await _serve(request, page_id, f"/maintenances/{event_id}", f"maintenance:{event_id}",
                        public.event_html("maintenance", event_id))


@router.get(VIEW + "/history.atom")
async def atom(page_id: str, request: Request) -> Response:
    return await _serve(request, page_id, "/history.atom", "atom", public.atom_feed)


@router.get(VIEW + "/history.rss")
async def rss(page_id: str, request: Request) -> Response:
    return await _serve(request, page_id, "/history.rss", "rss", public.rss_feed)


@router.get(VIEW + "/maintenances.ics")
async def calendar(page_id: str, request: Request) -> Response:
    return await _serve(request, page_id, "/maintenances.ics", "ics", public.calendar_of(request))


@router.get(VIEW + "/api/v2/{document:path}")
async def api_document(page_id: str, document: str, request: Request) -> Response:
    name = public.api_name(document)
    if name is None:
        return public.api_not_found()
    return await _serve(request, page_id, f"/api/v2/{document}", f"api:{name}", public.api_json(name))


@router.get(VIEW + "/badge.svg")
async def status_badge(page_id: str, request: Request) -> Response:
    return await _serve(request, page_id, "/badge.svg", "badge", public.badge_svg)


@router.get(VIEW + "/logo")
async def logo(page_id: str, request: Request) -> Response:
    return await _serve(request, page_id, "/logo", "logo", public.logo_image)


@router.get(VIEW + "/favicon")
async def favicon(page_id: str, request: Request) -> Response:
    return await _serve(request, page_id, "/favicon", "favicon", public.favicon_image)


def _same_origin(request: Request) -> bool:
    """A form post from this site (or from a client that sends no Origin): not another site's."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _signed_cookie(response: Response, request: Request, value: str, max_age: int) -> None:
    secure = services(request).settings.public_url.startswith("https:")
    response.set_cookie(COOKIE, value, max_age=max_age, path=COOKIE_PATH, httponly=True, samesite="lax", secure=secure)


@router.post(VIEW + "/sign-out")
async def sign_out(page_id: str, request: Request) -> Response:
    if not _same_origin(request):
        return Response(status_code=403)
    response = Response(status_code=303, headers={"Location": f"/status-pages/{page_id}/view", "Cache-Control": "no-store"})
    _signed_cookie(response, request, "", 0)
    return response


def _sign_in(request: Request, page_id: str, app_key: str) -> str | None:
    """A session cookie value for `app_key` if it may read the page, else None."""
    if not is_uuid(page_id) or not app_key or len(app_key) > 200:
        return None
    with services(request).db.read() as session:
        page = session.get(StatusPage, page_id.lower())
        found = accounts.active_app_key(session, key=app_key)
        if page is None or found is None or not may_read(found[1], page):
            return None
        return session_value(found[0].id, found[0].digest, clock.now())


@router.post(VIEW)
@router.post(VIEW + "/{rest:path}")
async def sign_in(page_id: str, request: Request, rest: str = "") -> Response:
    """The sign-in form posts here (to the address being opened); success goes back to it."""
    if not _same_origin(request):
        return Response(status_code=403)
    # Read as a form whatever the content type says (core.http.JsonBodies relabels every body JSON).
    form = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=10)
    value = await run_in_threadpool(_sign_in, request, page_id, form.get("application_key", [""])[0].strip())
    if value is None:
        return sign_in_page(failed=True)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = Response(status_code=303, headers={"Location": target, "Cache-Control": "no-store"})
    _signed_cookie(response, request, value, SESSION_SECONDS)
    return response
