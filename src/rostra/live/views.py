"""The live page of a speech, its Server-Sent Events stream and its growing WebVTT."""

from __future__ import annotations

import asyncio
import json

from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from rostra.core.csp import BASE_POLICY
from rostra.core.languages import native_name, text_direction
from rostra.live.broadcast import DROPPED, broadcaster
from rostra.live.models import LiveJob, LiveLine
from rostra.live.queries import line_event, lines_after, live_webvtt, status_event, STATUS_FIELDS

KEEPALIVE_SECONDS = 15
# Lines sent at once to a reader that (re)connects; the rest follows as it reads.
BACKLOG_LIMIT = 5000
RETRY_MS = 2000


def _job_for(slug: str) -> LiveJob:
    job = LiveJob.objects.select_related("speech").filter(speech__slug=slug).first()
    if job is None:
        raise Http404("this speech is not streamed live")
    return job


def _audio_source(job: LiveJob) -> str:
    """A source a browser can play by itself (an Icecast or HTTP audio stream)."""
    source = job.source
    if source.startswith(("http://", "https://")) and ".m3u8" not in source:
        return source
    return ""


def live_page(request, slug):
    job = _job_for(slug)
    speech = job.speech
    languages = [(code, native_name(code), text_direction(code)) for code, _ in settings.LANGUAGES]
    caption_language = request.GET.get("captions") or get_language()
    if caption_language not in dict(settings.LANGUAGES):
        caption_language = get_language()
    sentences = [line_event(line) for line in
                 job.lines.filter(kind__in=(LiveLine.Kind.SENTENCE, LiveLine.Kind.GAP))]
    spoken = job.language or speech.original_language
    for line in sentences:
        translated = line["translations"].get(caption_language)
        line["shown"] = translated or line["text"]
        line["shown_language"] = caption_language if translated else spoken
    context = {
        "job": job, "speech": speech, "languages": languages,
        "caption_language": caption_language, "sentences": sentences,
        "spoken_language": spoken, "last_id": sentences[-1]["id"] if sentences else 0,
        "player_url": job.player_url, "audio_url": _audio_source(job),
        "initial_status": json.dumps(status_event(
            {name: getattr(job, name) for name in STATUS_FIELDS})),
    }
    response = render(request, "live/live.html", context)
    origins = {_origin(url) for url in (job.player_url, context["audio_url"]) if _origin(url)}
    if origins:
        # The organizer's stream is elsewhere: the site's policy allows media from here only.
        response["Content-Security-Policy"] = "; ".join(
            f"{part} {' '.join(sorted(origins))}" if part.startswith(("media-src", "connect-src"))
            else part for part in (*BASE_POLICY, "frame-ancestors 'none'"))
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""


def live_captions(request, slug, language):
    if language not in dict(settings.LANGUAGES) and language != _job_for(slug).language:
        raise Http404("unknown caption language")
    response = HttpResponse(live_webvtt(_job_for(slug), language),
                            content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def _event(kind: str, data: dict, event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _last_event_id(request) -> int:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    return int(raw) if raw.isdigit() else 0


async def live_events(request, slug):
    """Server-Sent Events: every committed line (with its id), then status changes."""
    job = await sync_to_async(_job_for)(slug)
    after = _last_event_id(request)
    hub = broadcaster()
    queue = await hub.subscribe(job.id)

    async def stream():
        last = after
        try:
            yield f"retry: {RETRY_MS}\n\n"
            backlog = await sync_to_async(lines_after)(job.id, after, limit=BACKLOG_LIMIT)
            for event in backlog:
                last = event["id"]
                yield _event("line", event, event["id"])
            status = await sync_to_async(_status_now)(job.id)
            yield _event("status", status)
            if status["state"] in (LiveJob.State.ENDED, LiveJob.State.FAILED) and \
                    len(backlog) < BACKLOG_LIMIT:
                yield _event("end", {"state": status["state"]})
                return
            while True:
                try:
                    kind, event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if event is DROPPED:
                    return  # the browser reconnects with the last id it read
                if kind == "line":
                    if event["id"] <= last:
                        continue  # already sent from the backlog
                    last = event["id"]
                    yield _event("line", event, event["id"])
                else:
                    yield _event("status", event)
                    if event["state"] in (LiveJob.State.ENDED, LiveJob.State.FAILED):
                        yield _event("end", {"state": event["state"]})
                        return
        finally:
            hub.unsubscribe(job.id, queue)

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _status_now(job_id: int) -> dict:
    return status_event(LiveJob.objects.values(*STATUS_FIELDS).get(pk=job_id))
