"""A speech's recording for editors, with HTTP Range support so the player can seek to a
segment without downloading the whole file."""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404

from rostra.archive.models import Speech
from rostra.core.storage import media_file
from rostra.public.ranged import parse_range
from rostra.review.views.common import staff_page

class _Window:
    """A file object that reads ``length`` bytes from ``start``."""

    def __init__(self, handle, start: int, length: int):
        handle.seek(start)
        self.handle, self.remaining = handle, length

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        size = self.remaining if size < 0 else min(size, self.remaining)
        chunk = self.handle.read(size)
        self.remaining -= len(chunk)
        return chunk

    def close(self):
        self.handle.close()


def ranged_file_response(request, path, content_type: str):
    """A FileResponse that answers ``Range: bytes=a-b`` with 206 (or 416 when unsatisfiable)."""
    size = path.stat().st_size
    header = request.headers.get("Range", "")
    byte_range = parse_range(header, size) if header else None
    if byte_range is None:
        response = FileResponse(open(path, "rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return response
    if byte_range == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = byte_range
    response = FileResponse(_Window(open(path, "rb"), start, end - start + 1),
                            content_type=content_type, status=206)
    response["Content-Length"] = str(end - start + 1)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response


@staff_page("view_queue")
def speech_media(request, slug: str):
    speech = get_object_or_404(Speech.objects.select_related("media"), slug=slug)
    if speech.media is None:
        raise Http404("this speech has no recording")
    path = media_file(speech.media.path)
    if not path.is_file():
        raise Http404("the recording's file is missing from the media directory")
    content_type = (speech.media.mime_type or mimetypes.guess_type(path.name)[0]
                    or "application/octet-stream")
    return ranged_file_response(request, path, content_type)
