"""Serving a file with HTTP Range support, so players can seek without downloading everything.

Browsers ask for ``bytes=N-`` when a reader seeks; without a 206 answer most players cannot
seek at all. One range per request (what media elements send); a multi-range request gets the
whole file, which RFC 9110 allows.
"""

from __future__ import annotations

import mimetypes
import os
import re
from pathlib import Path

from django.http import HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.utils.http import http_date, parse_http_date_safe

from rostra.core.params import BadParameter, range_number

CHUNK = 64 * 1024
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


def ranged_file_response(request, path: Path, *, content_type: str = "", etag: str = "",
                         max_age: int = 86400):
    """A 200, 206, 304 or 416 answer for ``path``, honouring Range, If-Range, If-None-Match."""
    stat = os.stat(path)
    size = stat.st_size
    modified = http_date(stat.st_mtime)
    quoted_etag = f'"{etag}"' if etag else ""
    content_type = content_type or mimetypes.guess_type(str(path))[0] or "application/octet-stream"

    if quoted_etag and quoted_etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
        response["ETag"] = quoted_etag
        return response

    byte_range = None
    range_header = request.headers.get("Range", "")
    if range_header and _if_range_matches(request.headers.get("If-Range", ""),
                                          quoted_etag, stat.st_mtime):
        byte_range = parse_range(range_header, size)

    if byte_range == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif byte_range:
        first, last = byte_range
        length = last - first + 1
        response = StreamingHttpResponse(_read(path, first, length), status=206,
                                         content_type=content_type)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(length)
    else:
        response = StreamingHttpResponse(_read(path, 0, size), content_type=content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    response["Last-Modified"] = modified
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
