"""The web renditions of a published speech, sent like the original recording
(rostra.public.media_delivery): by the front web server when ROSTRA_MEDIA_OFFLOAD names one,
else streamed by rostra with Range support (players seek)."""

from __future__ import annotations

import re

from django.http import Http404
from django.shortcuts import get_object_or_404

from rostra.archive.domain.publishing import published_speeches
from rostra.core.storage import media_file
from rostra.media.domain.renditions import speech_renditions
from rostra.pipeline.renditions.plan import KIND_HLS
from rostra.public.media_delivery import media_response
from rostra.public.media_offer import find_rendition

HLS_FILE = re.compile(r"^(index\.m3u8|segment-\d{3,6}\.ts)$")
HLS_TYPES = {"m3u8": "application/vnd.apple.mpegurl", "ts": "video/mp2t"}


def _published(slug: str):
    return get_object_or_404(published_speeches().select_related("media"), slug=slug)


def speech_rendition(request, slug: str, file_name: str, language: str = ""):
    speech = _published(slug)
    rendition = find_rendition(speech, file_name, language)
    if rendition is None:
        raise Http404("no such version of this recording")
    path = media_file(rendition.path)
    if not path.is_file():
        raise Http404("this version of the recording is missing")
    response = media_response(request, path, content_type=rendition.mime_type,
                              etag=rendition.sha256)
    response["Access-Control-Allow-Origin"] = "*"  # embeds on other sites fetch tracks
    return response


def speech_hls(request, slug: str, file_name: str):
    if not HLS_FILE.match(file_name):
        raise Http404("no such HLS file")
    speech = _published(slug)
    hls = next((r for r in speech_renditions(speech).floor.values() if r.kind == KIND_HLS),
               None)
    if hls is None:
        raise Http404("this speech has no HLS version")
    path = media_file(hls.path).parent / file_name
    if not path.is_file():
        raise Http404("no such HLS file")
    return media_response(request, path, content_type=HLS_TYPES[file_name.rsplit(".", 1)[1]],
                          etag=f"{hls.sha256[:32]}-{file_name}")
