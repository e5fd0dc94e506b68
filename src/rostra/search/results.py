"""What a search returns, and what results are made of besides the index.

The index stores normalized terms only; the text a reader sees comes from the archive (the
segment rows and the speech's metadata), so a snippet is always the current original spelling.
Facet counts are computed here too.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from django.db import connection
from django.db.models import Count
from django.db.models.expressions import RawSQL

from rostra.archive.models import Event, Speaker, Speech, SpeechSpeaker, Topic
from rostra.core.languages import native_name
from rostra.core.multilingual import pick
from rostra.search.backends.base import DocumentHit
from rostra.transcripts.models import Segment

FACET_LIMIT = 20


@dataclass
class SegmentMatch:
    """One place in a speech that matched: a transcript segment or a metadata field."""

    kind: str  # "segment" or "metadata"
    language: str
    field: str  # metadata field (title, abstract, speakers, topics); "" for a segment
    start: float | None  # seconds, for a deep link (None for metadata)
    end: float | None
    snippet_html: str  # HTML-escaped, matched words in <mark>
    snippet: str  # plain text
    score: float
    matched_by: tuple[str, ...]  # "keyword", "semantic"
    segment_id: int | None = None
    transcript_id: int | None = None


@dataclass
class SpeechHit:
    speech: Speech
    slug: str
    title: str
    language: str  # language of the best match
    score: float
    matches: list[SegmentMatch]


@dataclass
class FacetCount:
    value: str  # what to pass back as the filter (language code, slug, country code)
    label: str
    count: int


@dataclass
class SearchResults:
    query: str
    mode: str
    hits: list[SpeechHit]
    total: int  # speeches that matched
    page: int
    per_page: int
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # codes (rostra.search.notices)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.total else 0

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _metadata_text(speech: Speech, field: str, language: str) -> str:
    if field == "title":
        title = (speech.title or {}).get(language, "")
        subtitle = (speech.subtitle or {}).get(language, "")
        return f"{title}. {subtitle}" if subtitle else title
    if field == "abstract":
        return (speech.abstract or {}).get(language, "")
    if field == "speakers":
        return ", ".join((s.names or {}).get(language, "") for s in speech.speakers.all()
                         if (s.names or {}).get(language))
    if field == "topics":
        return ", ".join((t.name or {}).get(language, "") for t in speech.topics.all()
                         if (t.name or {}).get(language))
    return ""


def load_match_texts(hits: Sequence[DocumentHit], speeches: dict[int, Speech]) -> dict:
    """Original text of each hit, by ``hit.key``: the segment(s) it covers, or the field."""
    texts: dict = {}
    segment_hits = [hit for hit in hits if hit.kind == "segment" and hit.transcript_id]
    if segment_hits:
        transcript_ids = {hit.transcript_id for hit in segment_hits}
        segments: dict[int, list[Segment]] = {}
        for segment in Segment.objects.filter(transcript_id__in=transcript_ids).only(
                "transcript_id", "start_ms", "end_ms", "text", "position"):
            segments.setdefault(segment.transcript_id, []).append(segment)
        for hit in segment_hits:
            covered = [s.text for s in segments.get(hit.transcript_id, [])
                       if hit.start_ms <= s.start_ms and s.end_ms <= hit.end_ms]
            texts[hit.key] = " ".join(covered)
    for hit in hits:
        if hit.kind == "metadata" and hit.speech_id in speeches:
            texts[hit.key] = _metadata_text(speeches[hit.speech_id], hit.field, hit.language)
    return texts


def _top(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))[:FACET_LIMIT]


def _facet(top: list[tuple[str, int]], labels: dict) -> list:
    return [FacetCount(value=str(value), label=labels.get(value, str(value)), count=count)
            for value, count in top]


def id_set(ids: list[int]) -> RawSQL:
    """``ids`` as one SQL parameter (a subquery for ``__in``): thousands of placeholders cost
    more to build and parse than the query itself."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])
    return ids  # type: ignore[return-value]


def speech_facets(speech_ids: Iterable[int], languages: dict[int, set[str]]) -> dict:
    """Counts of matched speeches per language, topic, speaker, country and event.

    Only the ``FACET_LIMIT`` biggest values of each facet are returned, and only their labels
    are loaded (a common word can match thousands of speeches and speakers).
    """
    speech_ids = [int(value) for value in speech_ids]
    if not speech_ids:
        return {name: [] for name in ("language", "topic", "speaker", "country", "event")}
    matched = id_set(speech_ids)
    languages_top = _top(Counter(code for speech_id in speech_ids
                                 for code in languages.get(speech_id, ())))
    topics_top = _top(Counter(dict(
        Speech.topics.through.objects.filter(speech_id__in=matched)
        .values_list("topic__slug").annotate(n=Count("speech_id", distinct=True)))))
    speakers_top = _top(Counter(dict(
        SpeechSpeaker.objects.filter(speech_id__in=matched)
        .values_list("speaker__slug").annotate(n=Count("speech_id", distinct=True)))))
    countries_top = _top(Counter(dict(
        SpeechSpeaker.objects.filter(speech_id__in=matched).exclude(speaker__country="")
        .values_list("speaker__country").annotate(n=Count("speech_id", distinct=True)))))
    events_top = _top(Counter(dict(
        Speech.objects.filter(pk__in=matched).values_list("event__slug")
        .annotate(n=Count("pk")))))
    topic_labels = {slug: pick(name) or slug for slug, name in Topic.objects.filter(
        slug__in=[slug for slug, _ in topics_top]).values_list("slug", "name")}
    speaker_labels = {slug: pick(names) or slug for slug, names in Speaker.objects.filter(
        slug__in=[slug for slug, _ in speakers_top]).values_list("slug", "names")}
    event_labels = {slug: pick(name) or slug for slug, name in Event.objects.filter(
        slug__in=[slug for slug, _ in events_top]).values_list("slug", "name")}
    return {
        "language": _facet(languages_top, {code: native_name(code) for code, _ in languages_top}),
        "topic": _facet(topics_top, topic_labels),
        "speaker": _facet(speakers_top, speaker_labels),
        "country": _facet(countries_top, {}),
        "event": _facet(events_top, event_labels),
    }
