"""Semantic retrieval: the query's meaning in the vector index, per language, calibrated.

Multilingual embeddings score text in the query's own language higher than the same meaning in
another (an English query is closer to any English sentence than to its exact Persian
translation), so one nearest-neighbour list is crowded out by the query's language. Each
language is therefore asked for its own candidates, and each candidate's cosine is *calibrated*:
minus the query's mean similarity to everyday sentences of that language (``BACKGROUND``), i.e.
how much closer than chatter in that language it is. Calibrated scores are comparable across
languages; a hit counts when it clears ``RELEVANCE_FLOOR`` for its kind and stays within
``SIMILARITY_MARGIN`` of the best one.

The floors were tuned on bench/search_archive_quality.py (511 speeches, 18 no-answer queries;
before it had a held-out split, on all of them — the tuning half since: lowering the short floor
to 0.035 or the segment floor to 0.055 lets a no-answer query of the tuning half through).
A short query (up to three words) sits closer to nothing in particular, so its floor is lower:
no short no-answer query reached 0.036 on a transcript sentence, while the median short
answerable one reached 0.06; no longer no-answer query reached 0.061. Titles and abstracts are
short texts that sit closer to anything, so they need more (best no-answer metadata hit: 0.080).

A short query asks the *other* languages with a different vector: its query embedding blended
with its own passage embedding (``OTHER_LANGUAGE_PASSAGE_WEIGHT``), held to its own floor
(``short-other-language``). The blend leaves a one- or two-word query's similarity to its
translated sentence about where it was (lanterns 0.032 → 0.035, embroidery 0.029 → 0.030) but
lowers an unrelated short query's similarity to other-language text more (the tuning half's
best short no-answer hit in another language: 0.032 → 0.025), so a lower floor keeps the same
distance from no-answer queries and admits more answers (bench/RESULTS.md, fourth pass).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np
from django.conf import settings

from rostra.archive.importers.values import script_language
from rostra.search.backends.base import CUE_KIND, DocumentHit, SearchBackend
from rostra.search.embeddings.base import EmbeddingEngine
from rostra.search.scope import SearchScope

VECTOR_CANDIDATES_PER_LANGUAGE = 60
SHORT_QUERY_WORDS = 3
# "short-other-language": a short query's transcript hits in another language than its own,
# found by the blended vector (tuning half: best no-answer hit 0.025, so 0.030 keeps the
# 0.005 margin the short floor keeps above 0.035).
# "segment-passage-query": a longer query's transcript hits by its passage vector
# (LONG_QUERY_AS_PASSAGE; tuning half: best no-answer hit 0.050, so 0.055).
RELEVANCE_FLOOR = {"short": 0.04, "short-other-language": 0.030, "segment": 0.061,
                   "segment-passage-query": 0.055, "metadata": 0.085}
# A query of more than SHORT_QUERY_WORDS words is embedded as a passage ("passage: " prefix),
# not as a query, while single cues are searched: a sentence-long query is a sentence, and e5
# places two sentences of one meaning in two languages closer in the passage space (tuning half
# of bench/search_archive_quality.py, bench/RESULTS.md "xq": cross-lingual recall@10 0.90 →
# 0.92, longer queries 0.95 → 0.99, same-language 0.98 → 1.00, no-answer unchanged). One
# embedding, as before. Against windows of several sentences (an index too big for cue
# vectors in memory) a one-sentence passage is diluted: "Batteries keep the energy for the
# night." scores its own English window 0.059 calibrated as a passage, 0.139 as a query, under
# an Arabic window on energy (0.082); so there the query embedding stays.
# OFF by default: on the held-out half it traded two same-language English paraphrases for two
# cross-lingual ones (cross-lingual R@10 0.88 → 0.90, same-language 1.00 → 0.96, MRR of all
# answerable 0.79 → 0.77), and "same-language not worse" is part of issue #10's goal.
LONG_QUERY_AS_PASSAGE = False
# The passage embedding's share in a short query's vector for the other languages (tuning half
# of bench/search_archive_quality.py, floors each 0.005 above the best no-answer hit: 0.3 and
# 0.5 short cross-lingual recall@10 0.73, MRR 0.44 and 0.42; 0.7 0.65; none 0.62).
OTHER_LANGUAGE_PASSAGE_WEIGHT = 0.3
# Tuned on the tuning half of bench/search_archive_quality.py (0.08 → 0.05: cross-lingual
# recall@10 0.85 → 0.87, MRR 0.65 → 0.70; no-answer unchanged; a margin per language instead
# of across them lost 0.05 recall).
SIMILARITY_MARGIN = 0.05

# Everyday sentences with no subject, per language: what "unrelated" looks like in each.
BACKGROUND = {
    "en": ("Thank you all for coming today.", "Let me show you the next slide.",
           "We have a few minutes for questions.", "This is a sentence.",
           "And so on, and so forth.", "I am very happy to be here."),
    "fa": ("متشکرم که امروز آمدید.", "اسلاید بعدی را نشان می‌دهم.", "چند دقیقه برای سؤال داریم.",
           "این یک جمله است.", "و همین‌طور الی آخر.", "خیلی خوشحالم که اینجا هستم."),
    "ar": ("شكرا لحضوركم اليوم.", "سأعرض الشريحة التالية.", "لدينا بضع دقائق للأسئلة.",
           "هذه جملة.", "وهكذا دواليك.", "أنا سعيد جدا بوجودي هنا."),
}


@dataclass
class SemanticOutcome:
    vector: np.ndarray | None = None
    hits: list[DocumentHit] = field(default_factory=list)  # score = calibrated similarity
    matched: dict[int, set[str]] = field(default_factory=dict)


def _background(engine: EmbeddingEngine) -> dict[str, np.ndarray]:
    cached = getattr(engine, "_background_by_language", None)
    if cached is None:
        cached = {language: engine.embed_passages(list(sentences))
                  for language, sentences in BACKGROUND.items()}
        cached[""] = np.concatenate(list(cached.values()))
        engine._background_by_language = cached  # type: ignore[attr-defined]
    return cached


def language_baselines(engine: EmbeddingEngine, vector: np.ndarray) -> dict[str, float]:
    """The query's mean similarity to everyday sentences of each language ("" for others)."""
    return {language: float((matrix @ vector).mean())
            for language, matrix in _background(engine).items()}


def relevance_floor(kind: str, words: int, *, other_language: bool = False,
                    passage_query: bool = False) -> float:
    """The calibrated similarity a hit of ``kind`` needs, for a query of ``words`` words
    (``other_language``: a short query's hit in another language, by the blended vector;
    ``passage_query``: a longer query embedded as a passage, not as a query)."""
    if kind == "metadata":
        return RELEVANCE_FLOOR["metadata"]
    if words > SHORT_QUERY_WORDS:
        return RELEVANCE_FLOOR["segment-passage-query" if passage_query else "segment"]
    return RELEVANCE_FLOOR["short-other-language" if other_language else "short"]


def long_query_as_passage(backend: SearchBackend) -> bool:
    """Whether a longer query is embedded as a passage on ``backend`` (LONG_QUERY_AS_PASSAGE)."""
    return LONG_QUERY_AS_PASSAGE and backend.searches_cue_vectors()


def query_language(text: str) -> str:
    """The language a query is written in, by its script ("" when no letter says): Latin →
    en, Arabic script → fa with Persian-only letters, else ar."""
    language = script_language(text)
    return "" if language == "und" else language


def other_language_vector(vector: np.ndarray, passage: np.ndarray) -> np.ndarray:
    """A short query's vector for the languages it is not written in."""
    weight = OTHER_LANGUAGE_PASSAGE_WEIGHT
    blended = (1 - weight) * np.asarray(vector, dtype=np.float32) + weight * passage
    return blended / np.linalg.norm(blended)


def unasked_languages_held(backend: SearchBackend, asked: Sequence[str]) -> bool:
    """Whether the index may hold vectors in a language outside ``asked`` (True when the
    backend cannot tell cheaply)."""
    held = backend.vector_languages()
    return held is None or bool(set(held) - set(asked))


def semantic_candidates(vector: np.ndarray, *, words: int, engine: EmbeddingEngine,
                        backend: SearchBackend, scope: SearchScope,
                        languages: Sequence[str] | None, language: str = "",
                        other_vector: np.ndarray | None = None,
                        embedded_as_passage: bool = False) -> SemanticOutcome:
    """Calibrated vector hits above the relevance floor, best first (``words``: the query's
    word count). ``other_vector``, when given, asks the languages other than ``language``
    (the query's own) in its place (:func:`other_language_vector`). ``embedded_as_passage``: a
    longer query's ``vector`` is its passage embedding (:func:`long_query_as_passage`)."""
    outcome = SemanticOutcome(vector=vector)
    asked = list(languages) if languages else list(settings.ROSTRA_LANGUAGES)
    if other_vector is None or not language:
        own, others = asked, []
    else:
        own = [code for code in asked if code == language]
        others = [code for code in asked if code != language]
    # (vector, its baselines, hits it found, whether they are the other languages')
    asks = []
    every_language = None
    if not languages and unasked_languages_held(backend, asked):
        # Metadata in a language the archive does not publish in. Asked first, so the query's
        # own language reuses this scan's scores (rostra.search.backends.vector_scan). Skipped
        # when the index holds no such language: every hit of it would be dropped (at 5,140
        # speeches it cost a partition of each language's 154,000 scores a query).
        every_language = (language_baselines(engine, vector), False, [
            hit for hit in backend.vector_search(
                vector, signature=engine.signature, speech_ids=scope.index_speech_ids,
                languages=None, limit=VECTOR_CANDIDATES_PER_LANGUAGE)
            if hit.language not in asked])
    for query_vector, codes, other in ((vector, own, False), (other_vector, others, True)):
        if not codes:
            continue
        asks.append((language_baselines(engine, query_vector), other,
                     backend.vector_search_by_language(
                         query_vector, signature=engine.signature,
                         speech_ids=scope.index_speech_ids, languages=codes,
                         limit=VECTOR_CANDIDATES_PER_LANGUAGE)))
    if every_language is not None:
        asks.append(every_language)
    seen: dict[tuple, DocumentHit] = {}
    for baselines, other, found in asks:
        for hit in found:
            if hit.key in seen or not scope.visible(hit.speech_id, hit.language, hit.kind):
                continue
            calibrated = hit.score - baselines.get(hit.language, baselines[""])
            if calibrated < relevance_floor(hit.kind, words, other_language=other,
                                            passage_query=embedded_as_passage):
                continue
            # A cue is a segment to everything after retrieval (snippets, links, fusion).
            seen[hit.key] = replace(hit, score=calibrated,
                                    kind="segment" if hit.kind == CUE_KIND else hit.kind)
    hits = sorted(seen.values(), key=lambda h: -h.score)
    if hits:
        hits = [h for h in hits if h.score >= hits[0].score - SIMILARITY_MARGIN]
    outcome.hits = hits
    for hit in hits:
        outcome.matched.setdefault(hit.speech_id, set()).add(hit.language)
    return outcome
