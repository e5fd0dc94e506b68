"""Cross-lingual pseudo-relevance feedback: a sentence the query found, asked again in full.

A short or loosely worded query sits far from a sentence in another script (e5-small places a
lone English word poorly against its Persian sentence), while a full sentence finds its
translation reliably (bench/search_archive_quality.py: full-sentence translations 1.00 in every
direction). So the first pass's most trusted transcript hit — above the relevance floor by
meaning *and* matched by the query's own words — lends its sentence (its cue closest to the
query) as a second query, asked of the *other* languages only. What that finds joins the fusion
as its own lists at a lower weight than the query's (rostra.search.service).

Gated twice, so a query nothing answers stays without results: with no semantic hit above the
floor there is no feedback, and the second query is held to the sentence floor like any
sentence. Measured on the tuning half of bench/search_archive_quality.py (bench/RESULTS.md,
third pass): keyword agreement required vs not, cross-lingual recall@10 0.88 / 0.71 MRR vs
0.88 / 0.65 (without it, a merely similar sentence pulls its neighbours above the answer); one
feedback sentence and two or three gave the same figures, so one (one extra vector scan).
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from rostra.search.backends.base import DocumentHit, SearchBackend
from rostra.search.embeddings.base import EmbeddingEngine
from rostra.search.scope import SearchScope
from rostra.search.semantic import SHORT_QUERY_WORDS, semantic_candidates


def _word_starts(word_hits: Sequence[DocumentHit]) -> dict[tuple[int, str], list[int]]:
    """Where the query's words matched a transcript: (speech, language) → start times. Asked
    once per semantic hit, a scan of every word hit cost ~70 ms a hybrid query at 5,140
    speeches (cProfile)."""
    starts: dict[tuple[int, str], list[int]] = {}
    for other in word_hits:
        if other.kind == "segment" and other.start_ms is not None:
            starts.setdefault((other.speech_id, other.language), []).append(other.start_ms)
    return starts


def _matched_by_words(hit: DocumentHit, starts: dict[tuple[int, str], list[int]]) -> bool:
    """The query's words matched inside ``hit`` (a window contains the cue the words hit)."""
    return any(hit.start_ms <= start <= hit.end_ms
               for start in starts.get((hit.speech_id, hit.language), ()))


def feedback_sentence(semantic_hits: Iterable[DocumentHit], word_hits: Sequence[DocumentHit],
                      vector: np.ndarray, backend: SearchBackend
                      ) -> tuple[str, np.ndarray] | None:
    """``(language, cue vector)`` of the best transcript hit found by meaning and by words."""
    starts = _word_starts(word_hits)
    for hit in semantic_hits:  # best first, all above the floor
        if hit.kind != "segment" or hit.transcript_id is None or hit.start_ms is None:
            continue
        if not _matched_by_words(hit, starts):
            continue
        cues = backend.cue_vectors(transcript_id=hit.transcript_id, start_ms=hit.start_ms,
                                   end_ms=hit.end_ms)
        if not cues:
            continue
        vectors = np.stack([cue[3] for cue in cues])
        return hit.language, vectors[int(np.argmax(vectors @ vector))]
    return None


def feedback_hits(sentence: tuple[str, np.ndarray], *, engine: EmbeddingEngine,
                  backend: SearchBackend, scope: SearchScope,
                  languages: Sequence[str]) -> list[DocumentHit]:
    """Transcript hits of the feedback sentence in the languages it is not in, best first."""
    language, vector = sentence
    others = [other for other in languages if other != language]
    if not others:
        return []
    # A cue is a sentence: it is held to the sentence floor, whatever the query's length.
    outcome = semantic_candidates(vector, words=SHORT_QUERY_WORDS + 1, engine=engine,
                                  backend=backend, scope=scope, languages=others)
    return [hit for hit in outcome.hits if hit.kind == "segment"]
