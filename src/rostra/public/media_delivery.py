"""Sending a recording: by the front web server when there is one, else by rostra itself.

rostra decides *whether* a reader may have a file (published speech, file present); sending
gigabytes with Range, sendfile(2) and slow readers is what nginx (X-Accel-Redirect) and Apache
or lighttpd (X-Sendfile) do best. With ROSTRA_MEDIA_OFFLOAD=none (rostra serve alone) the ASGI
media front (rostra.public.media_front) plays that part inside the server process: it asks the
view once per file and content generation, and the view's answer names the file in
MEDIA_FILE_HEADER, as X-Accel-Redirect names it to nginx. Outside that front (the test client,
WSGI) the ranged response streams the file from Django.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse

from rostra.core.storage import media_dir
from rostra.public.ranged import ranged_file_response

MAX_AGE = 86400
# Set in the scope by rostra.public.media_front, which alone reads (and always removes) the
# header: a request from outside cannot set either.
MEDIA_FRONT_SCOPE_KEY = "rostra.media_front"
MEDIA_FILE_HEADER = "X-Rostra-Media-File"


def media_response(request, path: Path, *, content_type: str = "", etag: str = ""):
    """A response that delivers ``path`` (a file inside the media folder) to the reader."""
    offload = settings.ROSTRA_MEDIA_OFFLOAD
    front = offload == "none" and getattr(request, "scope", {}).get(MEDIA_FRONT_SCOPE_KEY)
    if offload == "none" and not front:
        return ranged_file_response(request, path, content_type=content_type, etag=etag,
                                    max_age=MAX_AGE)
    response = HttpResponse(content_type=content_type or "application/octet-stream")
    if front:
        response[MEDIA_FILE_HEADER] = quote(str(path.resolve()))
    elif offload == "x-accel-redirect":
        relative = path.resolve().relative_to(media_dir().resolve()).as_posix()
        prefix = "/" + settings.ROSTRA_MEDIA_INTERNAL_URL.strip("/") + "/"
        response["X-Accel-Redirect"] = prefix + quote(relative)
    else:
        response["X-Sendfile"] = str(path.resolve())
    # The front server (or front) adds Content-Length, Range and Last-Modified; these it passes
    # through.
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    if etag:
        response["ETag"] = f'"{etag}"'
    return response
