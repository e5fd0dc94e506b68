"""Public reads: the program, published speeches with their transcripts, subtitles, search.

Anyone may read published speeches; a token holder reads every speech (any state). Lists
are paginated (limit/offset) and filterable; responses carry ETag (and Last-Modified where
the rows say when they changed), so clients revalidate with a 304.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.db.models import Count, Max, Prefetch
from django.http import Http404, HttpResponse
from django.utils.http import http_date
from ninja import Query, Router

from rostra.api import serialize
from rostra.api.auth import reader
from rostra.api.errors import API_ERROR_CODES, ErrorOut
from rostra.api.schemas import (EventOut, EventPage, SearchOut, SessionPage, SpeakerPage,
                                SpeechOut, SpeechPage, TopicPage, TranscriptOut)
from rostra.archive.domain.publishing import published_speeches
from rostra.archive.models import Event, Session, Speaker, Speech, Topic
from rostra.archive.queries import SpeechFilter, in_language
from rostra.transcripts.models import Transcript
from rostra.transcripts.origins import ORIGIN_PREFERENCE, origin_rank
from rostra.transcripts.reading import readable_transcripts

router = Router(tags=["read"])
MAX_LIMIT = 100



def paginate(queryset, *, limit: int, offset: int, convert, response=None,
             changed_field: str | None = None) -> dict:
    if response is not None and changed_field:
        # One pass over the matching rows for both (a filtered list is scanned whole).
        stats = queryset.aggregate(count=Count("pk"), newest=Max(changed_field))
        count, newest = stats["count"], stats["newest"]
        if newest:
            response["Last-Modified"] = http_date(newest.timestamp())
    else:
        count = queryset.count()
    items = [convert(row) for row in queryset[offset:offset + limit]]
    return {"count": count, "limit": limit, "offset": offset, "items": items}


Limit = Query(50, ge=1, le=MAX_LIMIT, description="items per page (at most 100)")
Offset = Query(0, ge=0, le=1_000_000, description="items to skip")


def visible_speeches(request):
    """Published speeches, or all of them for a token holder."""
    return Speech.objects.all() if reader(request) else published_speeches()


def visible_transcripts(speech: Speech, request) -> list[Transcript]:
    """The finished transcripts this request may read (rostra.transcripts.reading decides),
    listed by language and origin name."""
    readable = readable_transcripts(
        speech, sees_unpublished=reader(request) is not None,
        transcripts=speech.transcripts.select_related("source"))
    return sorted(readable, key=lambda t: (t.language, t.origin))


ERRORS = {API_ERROR_CODES: ErrorOut}


@router.get("/events", response={200: EventPage, **ERRORS}, summary="List events")
def list_events(request, response: HttpResponse, limit: int = Limit, offset: int = Offset):
    return paginate(Event.objects.order_by("slug"), limit=limit, offset=offset,
                    convert=serialize.event_out, response=response, changed_field="updated_at")


@router.get("/events/{slug}", response={200: EventOut, **ERRORS}, summary="One event")
def get_event(request, slug: str):
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        raise Http404(f"no event {slug!r}")
    return serialize.event_out(event)


@router.get("/sessions", response={200: SessionPage, **ERRORS}, summary="List sessions")
def list_sessions(request, event: str | None = None, limit: int = Limit, offset: int = Offset):
    sessions = Session.objects.select_related("event", "room", "day").order_by(
        "event__slug", "starts_at", "slug")
    if event:
        sessions = sessions.filter(event__slug=event)
    return paginate(sessions, limit=limit, offset=offset, convert=serialize.session_out)


@router.get("/topics", response={200: TopicPage, **ERRORS}, summary="List topics")
def list_topics(request, event: str | None = None, limit: int = Limit, offset: int = Offset):
    topics = Topic.objects.select_related("event").order_by("event__slug", "slug")
    if event:
        topics = topics.filter(event__slug=event)
    return paginate(topics, limit=limit, offset=offset, convert=serialize.topic_out)


@router.get("/speakers", response={200: SpeakerPage, **ERRORS}, summary="List speakers")
def list_speakers(request, response: HttpResponse, event: str | None = None,
                  country: str | None = Query(None, max_length=2), limit: int = Limit,
                  offset: int = Offset):
    speakers = Speaker.objects.select_related("event").order_by("slug")
    if event:
        speakers = speakers.filter(event__slug=event)
    if country:
        speakers = speakers.filter(country=country.upper())
    return paginate(speakers, limit=limit, offset=offset, convert=serialize.speaker_out,
                    response=response, changed_field="updated_at")


SpeechState = Literal["scheduled", "recorded", "processing", "needs_review", "approved",
                      "published", "failed", "withdrawn"]


@router.get("/speeches", response={200: SpeechPage, **ERRORS}, summary="List speeches",
            description="Published speeches; with a token, every speech (filter by state).")
def list_speeches(request, response: HttpResponse, event: str | None = None,
                  session: str | None = None, topic: str | None = None,
                  speaker: str | None = None,
                  language: str | None = Query(None, description="published in, or spoken in"),
                  state: SpeechState | None = None, limit: int = Limit, offset: int = Offset):
    speeches = (visible_speeches(request)
                .select_related("event", "session", "room")
                .prefetch_related(Prefetch("topics", queryset=Topic.objects.only("id", "slug")),
                                  Prefetch("speakers", queryset=Speaker.objects.only("id",
                                                                                     "slug")))
                .order_by("starts_at", "slug"))
    speeches = SpeechFilter.of(event=event, session=session, topic=topic,
                               speaker=speaker).apply(speeches)
    if state:
        speeches = speeches.filter(state=state)
    if language:
        speeches = in_language(speeches, language)
    if topic or speaker:
        # Only these join many-valued relations. DISTINCT over every column of every matching
        # speech, before the limit, was most of this call's time at 5,140 speeches.
        speeches = speeches.distinct()
    return paginate(speeches, limit=limit, offset=offset,
                    convert=serialize.speech_summary, response=response,
                    changed_field="updated_at")


def get_visible_speech(request, slug: str) -> Speech:
    speech = (visible_speeches(request).select_related("event", "session", "room", "media")
              .filter(slug=slug).first())
    if speech is None:
        raise Http404(f"no published speech {slug!r}")
    return speech


@router.get("/speeches/{slug}", response={200: SpeechOut, **ERRORS}, summary="One speech",
            description="With the provenance of every transcript a reader may see.")
def get_speech(request, response: HttpResponse, slug: str):
    speech = get_visible_speech(request, slug)
    response["Last-Modified"] = http_date(speech.updated_at.timestamp())
    return serialize.speech_out(speech, visible_transcripts(speech, request))


def pick_transcript(speech: Speech, request, language: str, origin: str | None) -> Transcript:
    candidates = [t for t in visible_transcripts(speech, request) if t.language == language
                  and (origin is None or t.origin == origin)]
    if not candidates:
        raise Http404(f"{speech.slug} has no {language} transcript"
                      + (f" from {origin}" if origin else ""))
    return min(candidates, key=lambda t: origin_rank(t.origin))


Origin = Literal[ORIGIN_PREFERENCE]  # type: ignore[valid-type]  (every origin, best first)


@router.get("/speeches/{slug}/transcripts/{language}", response={200: TranscriptOut, **ERRORS},
            summary="A transcript with its segments",
            description="The transcript readers get (a person's before a machine's), or the "
                        "one from ?origin=.")
def get_transcript(request, slug: str, language: str, origin: Origin | None = None):
    speech = get_visible_speech(request, slug)
    return serialize.transcript_out(pick_transcript(speech, request, language, origin))


SUBTITLE_CONTENT = {
    "text/vtt": {"schema": {"type": "string"}},
    "application/x-subrip": {"schema": {"type": "string"}},
    "text/plain": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "object"}},
}


@router.get("/speeches/{slug}/subtitles/{language}", response={200: None, **ERRORS},
            summary="Subtitles or text of a transcript",
            openapi_extra={"responses": {200: {"description": "the file",
                                               "content": SUBTITLE_CONTENT}}})
def get_subtitles(request, slug: str, language: str,
                  format: Literal["vtt", "srt", "txt", "json"] = "vtt",
                  origin: Origin | None = None):
    from rostra.transcripts.exporters import export_media_type, export_transcript

    speech = get_visible_speech(request, slug)
    transcript = pick_transcript(speech, request, language, origin)
    response = HttpResponse(export_transcript(transcript, format),
                            content_type=export_media_type(format))
    response["Content-Disposition"] = (f'inline; filename="{speech.slug}.{language}.{format}"')
    response["Last-Modified"] = http_date(transcript.updated_at.timestamp())
    return response


@router.get("/search", response={200: SearchOut, **ERRORS}, summary="Search the archive",
            description="Across languages and inside transcripts; each match says where "
                        "(seconds) it was said.")
def search(request, q: str = Query(..., min_length=1, max_length=500),
           language: str | None = None, event: str | None = None, topic: str | None = None,
           speaker: str | None = None,
           mode: Literal["hybrid", "keyword", "semantic"] = "hybrid",
           page: int = Query(1, ge=1, le=10_000), per_page: int = Query(20, ge=1, le=100)):
    from rostra.search.notices import describe
    from rostra.search.service import search_archive

    if language and language not in settings.ROSTRA_LANGUAGES:
        raise Http404(f"{language!r} is not an archive language")
    results = search_archive(q, filters=SpeechFilter.of(event=event, topic=topic,
                                                        speaker=speaker),
                             language=language, mode=mode, page=page, per_page=per_page,
                             include_unpublished=reader(request) is not None)
    return {
        "query": results.query, "mode": results.mode, "total": results.total,
        "page": results.page, "per_page": results.per_page, "notices": [describe(code) for code in results.notices],
        "notice_codes": results.notices,
        "hits": [{"slug": hit.slug, "title": hit.title, "language": hit.language,
                  "score": hit.score,
                  "matches": [{"kind": m.kind, "language": m.language, "field": m.field,
                               "start": m.start, "end": m.end, "snippet": m.snippet,
                               "score": m.score} for m in hit.matches]}
                 for hit in results.hits],
    }
