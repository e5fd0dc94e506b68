"""Recordings sent by the server process itself when no front web server does it.

Under ``rostra serve`` alone (ROSTRA_MEDIA_OFFLOAD=none) a media request used to run all of
Django for every range a player asks for: a thread hop, the middleware, a query for the speech
and one for its renditions, then the bytes read on the event loop. At 64 connections that was
353 requests/s with a p99 of 711 ms (bench/RESULTS.md). This wrapper plays, inside the process,
the part nginx plays with X-Accel-Redirect:

- *Whether* a reader may have a file stays Django's decision, made by the same views
  (rostra.public.views.speech.speech_media, .renditions): on the first request for a URL the
  request goes through Django with MEDIA_FRONT_SCOPE_KEY set, and the view, instead of sending
  the file, names it in MEDIA_FILE_HEADER (rostra.public.media_delivery). Anything else Django
  answers (404 for an unpublished speech, a 400 for a bad host) goes to the reader unchanged,
  and nothing is kept.
- The decision is kept per URL and host, with Django's headers, under the content generation it
  was made in (the token the page caches use, read *before* Django is asked): publishing,
  withdrawing or replacing a recording makes every kept decision stale at once on this machine,
  and within front_cache.RECHECK_SECONDS on another sharing the database; DECISION_SECONDS
  bounds what a raw UPDATE (no signal) could leave.
- The bytes: Range, If-Range, If-None-Match and Last-Modified as the view would answer them
  (rostra.public.ranged.plan_ranged_answer, one home for both), read with pread(2) in CHUNK
  pieces on READ_THREADS threads, never on the event loop. Each piece waits for the reader's
  socket to drain (the server's flow control) before the next is read, so a slow reader holds
  one piece of memory and no thread, and a reader who goes away stops the reads.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import unquote

from rostra.public.front_cache import DjangoSettingsLater, GenerationWatch, request_id_header
from rostra.public.media_delivery import MEDIA_FILE_HEADER, MEDIA_FRONT_SCOPE_KEY
from rostra.public.ranged import RangedAnswer, plan_ranged_answer

PREFIX = "/media/"
CHUNK = 128 * 1024
READ_THREADS = 4
DECISION_SECONDS = 60.0
MAX_DECISIONS = 4096
FILE_HEADER = MEDIA_FILE_HEADER.lower().encode("latin-1")
KEY_HEADERS = (b"host", b"x-forwarded-host", b"x-forwarded-proto")
# Django's headers that belong to one answer, or that the answer's range decides.
NOT_KEPT = {FILE_HEADER, b"content-length", b"date", b"server", b"x-request-id",
            b"transfer-encoding", b"accept-ranges", b"content-range", b"last-modified"}

_readers: ThreadPoolExecutor | None = None


def _reader_threads() -> ThreadPoolExecutor:
    global _readers
    if _readers is None:
        _readers = ThreadPoolExecutor(max_workers=READ_THREADS, thread_name_prefix="media-read")
    return _readers


@dataclass(frozen=True)
class Decision:
    """Django's yes for one URL: the file, and the headers its answer carries."""

    token: str
    path: str
    headers: tuple  # (name, value) byte pairs, lower-case names, none of NOT_KEPT
    quoted_etag: str
    decided_at: float


@dataclass
class Opened:
    fd: int
    answer: RangedAnswer
    first_piece: bytes
    pending: asyncio.Future | None = None  # a read still on a reader thread

    async def read(self, size: int, offset: int) -> bytes:
        loop = asyncio.get_running_loop()
        self.pending = loop.run_in_executor(_reader_threads(), os.pread, self.fd, size, offset)
        # Shielded: a cancelled answer (server shutdown) leaves the read to finish, and close()
        # waits for it, so the descriptor is never closed, and its number reused, under a read.
        return await asyncio.shield(self.pending)

    def close(self) -> None:
        if self.pending is not None and not self.pending.done():
            self.pending.add_done_callback(lambda _: os.close(self.fd))
        else:
            os.close(self.fd)


def _open_and_plan(path: str, request_headers: dict, quoted_etag: str, chunk: int,
                   head: bool) -> Opened:
    """On a reader thread: open, stat, choose the answer, read its first piece (one hop for a
    player's typical range)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        stat = os.fstat(fd)
        answer = plan_ranged_answer(
            size=stat.st_size, mtime=stat.st_mtime, quoted_etag=quoted_etag,
            range_header=request_headers.get(b"range", b"").decode("latin-1"),
            if_range=request_headers.get(b"if-range", b"").decode("latin-1"),
            if_none_match=request_headers.get(b"if-none-match", b"").decode("latin-1"))
        first_piece = b""
        if answer.length and not head:
            first_piece = os.pread(fd, min(chunk, answer.length), answer.first)
    except BaseException:
        os.close(fd)
        raise
    return Opened(fd, answer, first_piece)


class MediaFront(DjangoSettingsLater):
    """ASGI middleware in front of Django's application (see the module docstring)."""

    def __init__(self, app, *, settings=None, generation: GenerationWatch | None = None,
                 chunk: int = CHUNK, max_decisions: int = MAX_DECISIONS):
        self.app = app
        self._settings = settings
        self.generation = generation or GenerationWatch()
        self.chunk = chunk
        self.max_decisions = max_decisions
        self.decisions: OrderedDict[tuple, Decision] = OrderedDict()

    def _request_headers(self, scope) -> dict | None:
        """The request's headers by name, or None when this request is not the front's."""
        if (scope["type"] != "http" or scope["method"] not in ("GET", "HEAD")
                or not scope["path"].startswith(PREFIX)
                or self.settings.ROSTRA_MEDIA_OFFLOAD != "none"):
            return None
        headers = {}
        for name, value in scope["headers"]:
            if name in headers:  # repeated headers: Django's reading rules apply
                return None
            headers[name] = value
        return headers

    async def __call__(self, scope, receive, send):
        headers = self._request_headers(scope)
        if headers is None:
            return await self.app(scope, receive, send)
        key = (scope.get("scheme", "http"), scope.get("root_path", ""), scope["path"],
               scope.get("query_string", b""), *(headers.get(name) for name in KEY_HEADERS))
        try:
            token = await self.generation.current()
        except Exception:  # the database is down: Django answers (and logs) that
            return await self.app(scope, receive, send)
        decision = self.decisions.get(key)
        if decision is not None:
            if (decision.token == token
                    and time.monotonic() - decision.decided_at < DECISION_SECONDS):
                self.decisions.move_to_end(key)
                if await self._serve(decision, headers, scope, receive, send):
                    return
            self.decisions.pop(key, None)
        decision = await self._ask_django(token, scope, receive, send)
        if decision is None:
            return  # Django answered the reader itself
        self._keep(key, decision)
        if not await self._serve(decision, headers, scope, receive, send):
            await _send_missing(scope, send)

    async def _ask_django(self, token: str, scope, receive, send) -> Decision | None:
        """Run the request through Django; its answer goes to the reader unless it names a
        file, which is then returned as a Decision."""
        named = {}

        async def intercept(message):
            if message["type"] == "http.response.start":
                kept, path = [], None
                for name, value in message.get("headers", ()):
                    lowered = name.lower()
                    if lowered == FILE_HEADER:
                        path = unquote(value.decode("latin-1"))
                    elif lowered not in NOT_KEPT:
                        kept.append((lowered, value))
                if path is not None and message["status"] == 200:
                    etag = next((v.decode("latin-1") for n, v in kept if n == b"etag"), "")
                    named["decision"] = Decision(token, path, tuple(kept), etag,
                                                 time.monotonic())
                    return
                message = dict(message, headers=[(n, v) for n, v in message.get("headers", ())
                                                 if n.lower() != FILE_HEADER])
            elif "decision" in named:
                return  # the named answer's empty body
            await send(message)

        await self.app(dict(scope, **{MEDIA_FRONT_SCOPE_KEY: True}), receive, intercept)
        return named.get("decision")

    def _keep(self, key, decision: Decision) -> None:
        self.decisions[key] = decision
        self.decisions.move_to_end(key)
        while len(self.decisions) > self.max_decisions:
            self.decisions.popitem(last=False)

    async def _serve(self, decision: Decision, headers: dict, scope, receive, send) -> bool:
        """Send the file as ``decision`` says; False (nothing sent) when it cannot be opened."""
        loop = asyncio.get_running_loop()
        opening = loop.run_in_executor(_reader_threads(), _open_and_plan, decision.path, headers,
                                       decision.quoted_etag, self.chunk,
                                       scope["method"] == "HEAD")
        try:
            opened = await asyncio.shield(opening)
        except OSError:
            return False
        except asyncio.CancelledError:
            opening.add_done_callback(_close_abandoned)
            raise
        try:
            answer = opened.answer
            await send({"type": "http.response.start", "status": answer.status,
                        "headers": _answer_headers(decision, answer, scope)})
            if scope["method"] == "HEAD" or not answer.length:
                await send({"type": "http.response.body", "body": b""})
            else:
                await self._stream(opened, receive, send)
        finally:
            opened.close()
        return True

    async def _stream(self, opened: Opened, receive, send) -> None:
        answer = opened.answer
        offset, remaining = answer.first, answer.length
        piece = opened.first_piece
        gone = asyncio.Event()
        watcher = None
        if len(piece) < remaining:
            async def watch():
                # The request's (empty) body, then nothing until the reader disconnects.
                while (await receive())["type"] != "http.disconnect":
                    pass
                gone.set()

            watcher = asyncio.ensure_future(watch())
        try:
            while True:
                if not piece:
                    return  # the file shrank under us: end the answer short (connection closed)
                offset += len(piece)
                remaining -= len(piece)
                # The server's send waits here while the reader's socket is full.
                await send({"type": "http.response.body", "body": piece,
                            "more_body": remaining > 0})
                if remaining <= 0 or gone.is_set():
                    return
                piece = await opened.read(min(self.chunk, remaining), offset)
        finally:
            if watcher is not None:
                watcher.cancel()


def _close_abandoned(opening: asyncio.Future) -> None:
    if not opening.cancelled() and opening.exception() is None:
        os.close(opening.result().fd)


def _answer_headers(decision: Decision, answer: RangedAnswer, scope) -> list:
    own = [(name.lower().encode("latin-1"), value.encode("latin-1"))
           for name, value in answer.headers]
    replaced = {name for name, _ in own}
    if answer.status in (304, 416):
        replaced.add(b"content-type")  # no body of the file's type
    headers = [(n, v) for n, v in decision.headers if n not in replaced] + own
    if answer.status == 416:
        headers.append((b"content-length", b"0"))
    headers.append(request_id_header(scope))
    return headers


async def _send_missing(scope, send) -> None:
    """The file went between Django's yes and the open (a rare race): a plain 404."""
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", b"9"), request_id_header(scope)]})
    await send({"type": "http.response.body", "body": b"Not Found"})
