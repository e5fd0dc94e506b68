"""Cached public pages answered on the server's event loop, before Django's ASGI handler.

A page-cache hit costs Django about half a millisecond, yet through Django's ASGI handler each
request also pays its thread hops, which on 2 cores set the tail at 64 connections (bench/
RESULTS.md "Production server and load"). This wrapper keeps, per process, the exact answer
Django gave for a page the page cache (rostra.public.pagecache) replayed, and gives it again to
the next reader who asks the same thing, without entering Django.

What it may keep is decided by Django, not here: only answers the page-cache middleware marked
(a ``@public_page`` view, a reader without a session or flash messages, no per-reader CSRF token
in the page), with status 200 and no cookie set. On top of that this wrapper only answers GET
requests with no session or messages cookie, no Authorization and no conditional headers
(those go to Django, which answers 304). The key holds everything Django reads to choose the
page: scheme, host and forwarded host/proto, path, query string, Accept-Language and the
language cookie.

Freshness: an entry is served only while the content generation it was rendered under is the
current one. The current token is re-read from the database when the generation file
(DATA_DIR/cache/page-generation, rewritten at each committed change) differs from what this
process last saw — so a publish or edit on this machine shows at once — and at least every
RECHECK_SECONDS otherwise, the bound for changes made on another machine sharing the database.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from http.cookies import SimpleCookie

from rostra.public.pagecache import (ENTRY_SECONDS, FRONT_CACHE_HEADER, FRONT_CACHE_SCOPE_KEY,
                                     current_generation, generation_file)

RECHECK_SECONDS = 1.0
MAX_ENTRIES = 1000
MAX_BYTES = 64 * 1024 * 1024  # per process: a sitemap file is ~0.6 MB, a page 10-40 KB
MARK_HEADER = FRONT_CACHE_HEADER.lower().encode("latin-1")
# Headers that choose the page (besides path and query string).
KEY_HEADERS = (b"host", b"x-forwarded-host", b"x-forwarded-proto", b"accept-language")
# A request with any of these goes to Django: it is per reader, or asks for a 304.
PASS_HEADERS = (b"authorization", b"if-none-match", b"if-modified-since")
PER_ANSWER_HEADERS = (b"x-request-id", b"date", b"server")
# As rostra.core.logs.request_logging: an id a proxy sent is kept when it is a plain token.
FOREIGN_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{8,64}")


@dataclass(frozen=True)
class Entry:
    token: str
    status: int
    headers: tuple  # (name, value) byte pairs, without the per-answer ones
    body: bytes
    stored_at: float


class GenerationWatch:
    """The current content generation token, cheap to ask for on every request."""

    def __init__(self, recheck_seconds: float = RECHECK_SECONDS):
        self.recheck_seconds = recheck_seconds
        self.token: str | None = None
        self.stamp: str | None = None
        self.read_at = float("-inf")
        self._lock = asyncio.Lock()

    @staticmethod
    def _stamp() -> str | None:
        try:
            return generation_file().read_text()
        except OSError:
            return None

    def _fresh(self, stamp) -> bool:
        return (self.token is not None and stamp == self.stamp
                and time.monotonic() - self.read_at < self.recheck_seconds)

    async def current(self) -> str:
        stamp = self._stamp()
        if self._fresh(stamp):
            return self.token
        async with self._lock:
            if not self._fresh(stamp):
                from asgiref.sync import sync_to_async

                # The stamp is taken before the read: a change committed after the read has
                # rewritten the file by then, and the next request reads again.
                read_at = time.monotonic()
                generation = await sync_to_async(_read_generation)()
                self.token, self.stamp, self.read_at = generation.token, stamp, read_at
            return self.token


def _read_generation():
    """The token, on asgiref's shared thread: outside any request, so nothing else closes a
    connection there that broke (a database restart) or outlived CONN_MAX_AGE."""
    from django.db import close_old_connections, connection

    # Inside a transaction (a test's, which wraps this thread's work) the connection is in use,
    # and closing it for its autocommit state would end that transaction (PostgreSQL).
    if not connection.in_atomic_block:
        close_old_connections()
    return current_generation()


def request_id_header(scope) -> tuple[bytes, bytes]:
    """Each answer given without Django names its own request, as
    rostra.core.logs.request_logging does."""
    offered = next((value for name, value in scope["headers"] if name == b"x-request-id"), b"")
    if not FOREIGN_REQUEST_ID.fullmatch(offered):
        offered = uuid.uuid4().hex.encode("ascii")
    return b"x-request-id", offered


def _cookie(headers: dict, name: str) -> str | None:
    raw = headers.get(b"cookie")
    if not raw:
        return None
    cookies = SimpleCookie()
    try:
        cookies.load(raw.decode("latin-1"))
    except Exception:  # a cookie header Python cannot parse: let Django judge it
        return "\0unparsed"
    morsel = cookies.get(name)
    return morsel.value if morsel is not None else None


class DjangoSettingsLater:
    """``self.settings``: the ones given, else Django's, looked up on first use (a front is
    built before Django's settings may be read)."""

    _settings = None

    @property
    def settings(self):
        if self._settings is None:
            from django.conf import settings

            self._settings = settings
        return self._settings


class FrontPageCache(DjangoSettingsLater):
    """ASGI middleware around Django's application (see the module docstring)."""

    def __init__(self, app, *, settings=None, max_entries: int = MAX_ENTRIES,
                 max_bytes: int = MAX_BYTES, generation: GenerationWatch | None = None):
        self.app = app
        self._settings = settings
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()
        self.stored_bytes = 0
        self.generation = generation or GenerationWatch()

    def key_for(self, scope) -> tuple | None:
        """The cache key, or None when the request must go to Django."""
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        if not self.settings.ROSTRA_PAGE_CACHE:
            return None
        headers = {}
        for name, value in scope["headers"]:
            if name in headers:  # repeated headers: rare, and Django's reading rules apply
                return None
            headers[name] = value
        if any(name in headers for name in PASS_HEADERS):
            return None
        for name in (self.settings.SESSION_COOKIE_NAME, "messages"):
            if _cookie(headers, name) is not None:
                return None
        language = _cookie(headers, self.settings.LANGUAGE_COOKIE_NAME)
        return (scope.get("scheme", "http"), scope.get("root_path", ""), scope["path"],
                scope.get("query_string", b""), language,
                *(headers.get(name) for name in KEY_HEADERS))

    async def __call__(self, scope, receive, send):
        key = self.key_for(scope)
        if key is None:
            return await self.app(scope, receive, send)
        entry = self.entries.get(key)
        if entry is not None:
            try:
                current = await self.generation.current()
            except Exception:  # the database is down: Django answers (and logs) that
                current = None
            if entry.token == current and time.monotonic() - entry.stored_at < ENTRY_SECONDS:
                self.entries.move_to_end(key)
                return await self._replay(entry, scope, send)
            self._forget(key)
        scope = dict(scope)
        scope[FRONT_CACHE_SCOPE_KEY] = True
        await self.app(scope, receive, self._capturing(key, send))

    def _capturing(self, key, send):
        """``send`` that strips the mark and keeps a marked, cookie-free 200 answer."""
        state = {"keep": False, "token": None, "status": 0, "headers": (), "body": []}

        async def capture(message):
            if message["type"] == "http.response.start":
                headers, token, sets_cookie = [], None, False
                for name, value in message.get("headers", ()):
                    lowered = name.lower()
                    if lowered == MARK_HEADER:
                        token = value.decode("latin-1")
                        continue
                    sets_cookie = sets_cookie or lowered == b"set-cookie"
                    headers.append((name, value))
                message = dict(message, headers=headers)
                state.update(keep=token is not None and message["status"] == 200
                             and not sets_cookie, token=token, status=message["status"],
                             headers=tuple((n, v) for n, v in headers
                                           if n.lower() not in PER_ANSWER_HEADERS))
            elif message["type"] == "http.response.body" and state["keep"]:
                state["body"].append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._store(key, Entry(state["token"], state["status"], state["headers"],
                                           b"".join(state["body"]), time.monotonic()))
            await send(message)

        return capture

    def _store(self, key, entry: Entry) -> None:
        if len(entry.body) > self.max_bytes:
            return
        self._forget(key)
        self.entries[key] = entry
        self.stored_bytes += len(entry.body)
        while len(self.entries) > self.max_entries or self.stored_bytes > self.max_bytes:
            self._forget(next(iter(self.entries)))  # the least recently used

    def _forget(self, key) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.stored_bytes -= len(entry.body)

    async def _replay(self, entry: Entry, scope, send) -> None:
        headers = [*entry.headers, request_id_header(scope)]
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        await send({"type": "http.response.body", "body": entry.body})


def wrap(app):
    return FrontPageCache(app)
