"""What a search returns, and what results are made of besides the index.

The index stores normalized terms only; the text a reader sees comes from the archive (the
segment rows and the speech's metadata), so a snippet is always the current original spelling.
Facet counts are computed here too.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Iterable, Sequence

from django.db import connection
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


@dataclass(frozen=True)
class SpeechFacetValues:
    """What one speech adds to each facet: each value once (a speech with two speakers from
    one country counts once for it), as the grouped counts over every match did."""

    event: str
    topics: tuple[str, ...]
    speakers: tuple[str, ...]
    countries: tuple[str, ...]


@dataclass
class FacetMap:
    token: str
    loaded_at: float
    values: dict[int, SpeechFacetValues]
    # slug → name texts (picked in the reader's language when shown); of topics sharing a
    # slug across events the last in Topic's order, as the labels' query used to give
    names: dict[str, dict[str, dict]]
    absent: frozenset = frozenset()  # matched ids not in the archive when this map was read


# Facet counts used to be four grouped queries over every matched speech: a common word
# matches thousands of speeches, and that cost ~20 % of a keyword query at 514 speeches and
# more at 5,140 (bench/RESULTS.md). Each process keeps every speech's facet values instead,
# read again when the content generation changes (rostra.public.pagecache: every write to the
# archive replaces it; the search page a reader sees is cached under the same token), or when
# a matched speech is not in the map (once per such speech: an index entry of a deleted speech
# must not cost a reload per query), or after FACET_MAP_SECONDS for a write no signal saw.
FACET_MAP_SECONDS = 600
_facet_map: FacetMap | None = None
_facet_map_lock = threading.Lock()


def forget_facet_map() -> None:
    """Drop this process's facet map (tests whose rollback removed rows do this)."""
    global _facet_map
    _facet_map = None


def _load_facet_map(token: str) -> FacetMap:
    topics: dict[int, set[str]] = {}
    for speech_id, slug in Speech.topics.through.objects.values_list("speech_id",
                                                                      "topic__slug"):
        topics.setdefault(speech_id, set()).add(slug)
    speakers: dict[int, set[str]] = {}
    countries: dict[int, set[str]] = {}
    for speech_id, slug, country in SpeechSpeaker.objects.values_list(
            "speech_id", "speaker__slug", "speaker__country"):
        speakers.setdefault(speech_id, set()).add(slug)
        if country:
            countries.setdefault(speech_id, set()).add(country)
    values = {speech_id: SpeechFacetValues(
        event=event, topics=tuple(sorted(topics.get(speech_id, ()))),
        speakers=tuple(sorted(speakers.get(speech_id, ()))),
        countries=tuple(sorted(countries.get(speech_id, ()))))
        for speech_id, event in Speech.objects.values_list("pk", "event__slug")}
    names = {"topic": dict(Topic.objects.values_list("slug", "name")),
             "speaker": dict(Speaker.objects.values_list("slug", "names")),
             "event": dict(Event.objects.values_list("slug", "name"))}
    return FacetMap(token=token, loaded_at=time.monotonic(), values=values, names=names)


def facet_map(speech_ids: list[int]) -> FacetMap:
    """Every speech's facet values, current for ``speech_ids`` (one indexed read of the content
    generation per call; the whole map again only after a change)."""
    from rostra.public.pagecache import current_generation

    global _facet_map
    token = current_generation().token
    current = _facet_map
    unknown = set() if current is None else {
        speech_id for speech_id in speech_ids if speech_id not in current.values}
    if (current is None or current.token != token
            or time.monotonic() - current.loaded_at > FACET_MAP_SECONDS
            or not unknown <= current.absent):
        with _facet_map_lock:
            current = _load_facet_map(token)
            current.absent = frozenset(speech_id for speech_id in unknown
                                       if speech_id not in current.values)
            _facet_map = current
    return current


def speech_facets(speech_ids: Iterable[int], languages: dict[int, set[str]]) -> dict:
    """Counts of matched speeches per language, topic, speaker, country and event.

    Exact counts over every matched speech, from this process's facet map (``facet_map``).
    Only the ``FACET_LIMIT`` biggest values of each facet are returned, and only their labels
    are loaded (a common word can match thousands of speeches and speakers).
    """
    speech_ids = [int(value) for value in speech_ids]
    if not speech_ids:
        return {name: [] for name in ("language", "topic", "speaker", "country", "event")}
    languages_top = _top(Counter(code for speech_id in speech_ids
                                 for code in languages.get(speech_id, ())))
    facets = facet_map(speech_ids)
    values = facets.values
    matched = [values[speech_id] for speech_id in speech_ids if speech_id in values]
    topics_top = _top(Counter(chain.from_iterable(v.topics for v in matched)))
    speakers_top = _top(Counter(chain.from_iterable(v.speakers for v in matched)))
    countries_top = _top(Counter(chain.from_iterable(v.countries for v in matched)))
    events_top = _top(Counter(v.event for v in matched))
    def labels(facet: str, top: list[tuple[str, int]]) -> dict:
        names = facets.names[facet]
        return {slug: pick(names[slug]) or slug for slug, _ in top if slug in names}

    return {
        "language": _facet(languages_top, {code: native_name(code) for code, _ in languages_top}),
        "topic": _facet(topics_top, labels("topic", topics_top)),
        "speaker": _facet(speakers_top, labels("speaker", speakers_top)),
        "country": _facet(countries_top, {}),
        "event": _facet(events_top, labels("event", events_top)),
    }
