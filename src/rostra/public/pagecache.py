"""Public pages and feeds served from memory until something public changes.

A page costs tens of milliseconds of CPU to render (templates, prefetches, transcript HTML);
most readers ask for the same few pages. Views marked ``@public_page`` are kept per language,
host and query string, for readers without a session (staff and anyone with a flash message get
a fresh page). Every write to the archive, transcripts or comments replaces the one
ContentGeneration token (signals connected in PublicConfig.ready), and a cached page is valid
only under the token it was rendered with: publishing, editing or a new comment shows at once,
in every worker process and on every machine sharing the database.

A CSRF token in a page is per reader: it is stored as a placeholder and filled in for each
reader (the speech page's comment form carries none: it fetches the reader's own when used, see
comments/form.html, so that page is the same for everyone). Each answer carries an ETag and Last-Modified, so a browser that has the page gets
304 Not Modified without the page being rebuilt.

In front of Django, rostra.public.front_cache answers repeated requests for the pages this
middleware marks (no per-reader CSRF token in them) on the server's event loop; it learns of
changes from the generation file this module rewrites whenever a new token is committed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from datetime import timezone as dt_timezone

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.translation import get_language

CACHE_ALIAS = "pages"
# Anything a signal does not see (a raw UPDATE) shows within this bound anyway.
ENTRY_SECONDS = 600
CSRF_PLACEHOLDER = "__rostra_csrf_token__"
# The generation a replayed page was rendered under, for rostra.public.front_cache; that
# wrapper removes the header before the answer leaves the server.
FRONT_CACHE_HEADER = "X-Rostra-Page-Generation"
FRONT_CACHE_SCOPE_KEY = "rostra.front_cache"
GENERATION_FILE_NAME = "page-generation"
CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')
STORED_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition")
PAGE_CACHE_CONTROL = {"no_cache": True}  # a browser keeps it and asks again (304 when unchanged)


def public_page(view=None, *, max_age: int | None = None):
    """Mark a view as a public page the cache may keep; ``max_age`` lets browsers and shared
    caches keep it without asking (feeds, sitemaps: nothing per reader in them)."""
    def mark(function):
        function.rostra_public_page = {"max_age": max_age}
        return function
    return mark(view) if view is not None else mark


def public_feed(view):
    return public_page(view, max_age=300)


@dataclass(frozen=True)
class Generation:
    token: str
    changed_at: object  # datetime, or None before the first change


def current_generation() -> Generation:
    """The token and the time of the last change, read on every cached answer: one indexed row
    through a bare cursor, because building that query with the ORM cost more than the rest of
    a cache hit together (pyinstrument, bench/RESULTS.md "Production server and load")."""
    from django.db import connection

    from rostra.public.models import ContentGeneration

    table = connection.ops.quote_name(ContentGeneration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token, changed_at FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        return Generation("initial", None)
    return Generation(row[0], _aware(row[1]))


def _aware(value):
    """SQLite hands the column back as text (UTC, as Django stored it); PostgreSQL as a
    datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt_timezone.utc)
    return value


def content_changed(**_ignored) -> None:
    """Make every cached page stale (a signal receiver; also callable directly)."""
    from rostra.public.models import ContentGeneration

    token, now = secrets.token_hex(16), timezone.now()
    updated = ContentGeneration.objects.filter(pk=1).update(token=token, changed_at=now)
    if not updated:
        ContentGeneration.objects.get_or_create(pk=1, defaults={"token": token,
                                                                "changed_at": now})
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        write_generation_file(token)
    # The change may still be rolled back: then the token goes back too, and the pages cached
    # meanwhile name a token that will never come again. After commit, once more, for pages
    # rendered by other processes between this write and the commit (once per transaction,
    # however many rows it wrote).
    pending = any(entry[1] is _bump_after_commit for entry in connection.run_on_commit)
    if connection.in_atomic_block and not pending:
        transaction.on_commit(_bump_after_commit)


def _bump_after_commit() -> None:
    from rostra.public.models import ContentGeneration

    token = secrets.token_hex(16)
    ContentGeneration.objects.filter(pk=1).update(token=token, changed_at=timezone.now())
    write_generation_file(token)


def generation_file():
    return settings.DATA_DIR / "cache" / GENERATION_FILE_NAME


def write_generation_file(token: str) -> None:
    """Tell every server process on this machine that the committed token changed (they read
    this small file on each request; the database stays the authority). Replaced in one step,
    so a reader never sees half a token. A data dir that cannot be written only costs the
    front cache's freshness bound (front_cache.RECHECK_SECONDS) instead of "at once"."""
    path = generation_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".generation-")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(token)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _eligible(request) -> bool:
    if request.method not in ("GET", "HEAD") or not settings.ROSTRA_PAGE_CACHE:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _key(request, token: str) -> str:
    raw = "|".join((token, get_language() or "", request.scheme, request.get_host(),
                    request.get_full_path()))
    return "page:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


class PublicPageCacheMiddleware:
    """Serve ``@public_page`` views from the cache; keep what they render. Sits inside the CSRF,
    session and message middleware, so their response handling still runs on a cached page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        options = getattr(view_func, "rostra_public_page", None)
        if options is None or not _eligible(request):
            return None
        # Read before rendering: a change during the render makes the entry stale at once.
        generation = current_generation()
        key = _key(request, generation.token)
        entry = caches[CACHE_ALIAS].get(key)
        if entry is None:
            response = view_func(request, *view_args, **view_kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            entry = self._store(request, key, response, generation)
            if entry is None:
                return response
        response = self._replay(request, entry, options)
        scope = getattr(request, "scope", None)
        if (scope is not None and scope.get(FRONT_CACHE_SCOPE_KEY) and not entry["has_csrf"]
                and response.status_code == 200):
            response[FRONT_CACHE_HEADER] = generation.token
        return response

    def _store(self, request, key, response, generation):
        if response.status_code != 200 or response.streaming or response.cookies:
            return None
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return None
        messages = getattr(request, "_messages", None)
        if messages is not None and getattr(messages, "_queued_messages", None):
            return None
        body = CSRF_VALUE.sub(rb"\g<1>" + CSRF_PLACEHOLDER.encode() + rb"\g<2>",
                              response.content)
        entry = {
            "body": body,
            "headers": {name: response[name] for name in STORED_HEADERS if name in response},
            "etag": '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"',
            "xframe_exempt": getattr(response, "xframe_options_exempt", False),
            "has_csrf": CSRF_PLACEHOLDER.encode() in body,
            "changed_at": generation.changed_at.timestamp() if generation.changed_at else None,
        }
        caches[CACHE_ALIAS].set(key, entry, ENTRY_SECONDS)
        return entry

    def _replay(self, request, entry, options):
        last_modified = entry["changed_at"]
        body = entry["body"]
        if entry["has_csrf"]:
            body = body.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
        response = HttpResponse(body)
        for name, value in entry["headers"].items():
            response[name] = value
        response["ETag"] = entry["etag"]
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        if entry["xframe_exempt"]:
            response.xframe_options_exempt = True
        if options["max_age"] is not None and not entry["has_csrf"]:
            patch_cache_control(response, public=True, max_age=options["max_age"])
        else:
            patch_cache_control(response, **PAGE_CACHE_CONTROL)
        return get_conditional_response(request, etag=entry["etag"],
                                        last_modified=last_modified, response=response)
