"""Sending a recording: by the front web server when there is one, else by rostra itself.

rostra decides *whether* a reader may have a file (published speech, file present); sending
gigabytes with Range, sendfile(2) and slow readers is what nginx (X-Accel-Redirect) and Apache
or lighttpd (X-Sendfile) do best. With ROSTRA_MEDIA_OFFLOAD=none (rostra serve alone), the
ranged response streams the file from the server's event loop.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse

from rostra.core.storage import media_dir
from rostra.public.ranged import ranged_file_response

MAX_AGE = 86400


def media_response(request, path: Path, *, content_type: str = "", etag: str = ""):
    """A response that delivers ``path`` (a file inside the media folder) to the reader."""
    offload = settings.ROSTRA_MEDIA_OFFLOAD
    if offload == "none":
        return ranged_file_response(request, path, content_type=content_type, etag=etag,
                                    max_age=MAX_AGE)
    response = HttpResponse(content_type=content_type or "application/octet-stream")
    if offload == "x-accel-redirect":
        relative = path.resolve().relative_to(media_dir().resolve()).as_posix()
        prefix = "/" + settings.ROSTRA_MEDIA_INTERNAL_URL.strip("/") + "/"
        response["X-Accel-Redirect"] = prefix + quote(relative)
    else:
        response["X-Sendfile"] = str(path.resolve())
    # The front server adds Content-Length, Range and Last-Modified; these it passes through.
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    if etag:
        response["ETag"] = f'"{etag}"'
    return response
