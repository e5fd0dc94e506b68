"""Serving a file with HTTP Range support, so players can seek without downloading everything.

Browsers ask for ``bytes=N-`` when a reader seeks; without a 206 answer most players cannot
seek at all. One range per request (what media elements send); a multi-range request gets the
whole file, which RFC 9110 allows.

Under ASGI the body is an async iterator: Django reads a synchronous one into memory whole
before sending it there, which for a 2 GB recording is the server's memory, and an event loop
holds hundreds of slow readers where a thread each would not do. Under ``rostra serve`` alone
the media front (rostra.public.media_front) sends the bytes instead, answering from the same
plan_ranged_answer.
"""

from __future__ import annotations

import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.utils.http import http_date, parse_http_date_safe

from rostra.core.params import BadParameter, range_number

CHUNK = 256 * 1024
RANGE = re.compile(r"^bytes=([0-9]*)-([0-9]*)$", re.ASCII)


def parse_range(header: str, size: int) -> tuple[int, int] | None | str:
    """``(first, last)`` inclusive, ``None`` for no usable range, ``"unsatisfiable"``.

    A number too long to be a byte offset (core.params bounds it) makes the range unusable:
    the whole file is sent, as for any Range header we do not understand."""
    match = RANGE.match(header.strip().replace(" ", ""))
    if not match:
        return None
    try:
        first, last = (range_number(part) if part else None for part in match.groups())
    except BadParameter:
        return None
    return _bounded_range(first, last, size)


def _bounded_range(first: int | None, last: int | None, size: int):
    if first is None and last is None:
        return None
    if first is None:
        if last == 0:
            return "unsatisfiable"
        return max(0, size - last), size - 1
    start = first
    end = last if last is not None else size - 1
    if start >= size:
        return "unsatisfiable"
    if end < start:
        return None
    return start, min(end, size - 1)


def _read(path: Path, start: int, length: int):
    with open(path, "rb") as handle:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


async def _read_async(path: Path, start: int, length: int):
    # Reads of a local file come from the page cache in microseconds; a thread hop per chunk
    # would cost more than it saves. Each await on send lets the loop serve other readers.
    for chunk in _read(path, start, length):
        yield chunk


def _body(request, path: Path, start: int, length: int):
    if isinstance(request, ASGIRequest):
        return _read_async(path, start, length)
    return _read(path, start, length)


@dataclass(frozen=True)
class RangedAnswer:
    """What to answer for one file and one request's Range and conditional headers: the
    status, the bytes to send (``first``, ``length``) and the headers that depend on them. The
    Django view and the ASGI media front (rostra.public.media_front) both answer from it."""

    status: int  # 200, 206, 304 or 416
    first: int
    length: int
    headers: tuple[tuple[str, str], ...]


def plan_ranged_answer(*, size: int, mtime: float, quoted_etag: str, range_header: str,
                       if_range: str, if_none_match: str) -> RangedAnswer:
    """The answer for a file of ``size`` bytes modified at ``mtime`` (see RangedAnswer)."""
    if quoted_etag and quoted_etag in if_none_match:
        return RangedAnswer(304, 0, 0, (("ETag", quoted_etag),))
    byte_range = None
    if range_header and _if_range_matches(if_range, quoted_etag, mtime):
        byte_range = parse_range(range_header, size)
    common = (("Accept-Ranges", "bytes"), ("Last-Modified", http_date(mtime)))
    if byte_range == "unsatisfiable":
        return RangedAnswer(416, 0, 0, (("Content-Range", f"bytes */{size}"), *common))
    if byte_range:
        first, last = byte_range
        length = last - first + 1
        return RangedAnswer(206, first, length, (("Content-Range", f"bytes {first}-{last}/{size}"),
                                                 ("Content-Length", str(length)), *common))
    return RangedAnswer(200, 0, size, (("Content-Length", str(size)), *common))


def ranged_file_response(request, path: Path, *, content_type: str = "", etag: str = "",
                         max_age: int = 86400):
    """A 200, 206, 304 or 416 answer for ``path``, honouring Range, If-Range, If-None-Match."""
    stat = os.stat(path)
    quoted_etag = f'"{etag}"' if etag else ""
    content_type = content_type or mimetypes.guess_type(str(path))[0] or "application/octet-stream"
    answer = plan_ranged_answer(size=stat.st_size, mtime=stat.st_mtime, quoted_etag=quoted_etag,
                                range_header=request.headers.get("Range", ""),
                                if_range=request.headers.get("If-Range", ""),
                                if_none_match=request.headers.get("If-None-Match", ""))
    if answer.status == 304:
        response = HttpResponseNotModified()
    elif answer.status == 416:
        response = HttpResponse(status=416)
    else:
        response = StreamingHttpResponse(_body(request, path, answer.first, answer.length),
                                         status=answer.status, content_type=content_type)
    for name, value in answer.headers:
        response[name] = value
    if answer.status != 304:
        response["Cache-Control"] = f"public, max-age={max_age}"
        if quoted_etag:
            response["ETag"] = quoted_etag
    return response


def _if_range_matches(if_range: str, quoted_etag: str, mtime: float) -> bool:
    """True when there is no If-Range, or it names this very version of the file."""
    if not if_range:
        return True
    if if_range.startswith('"') or if_range.startswith("W/"):
        return bool(quoted_etag) and if_range == quoted_etag
    when = parse_http_date_safe(if_range)
    return when is not None and int(mtime) <= when
