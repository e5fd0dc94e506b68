"""Speeches near a speech in meaning: its title and abstract against every published speech's
embedded titles and abstracts (the search index's metadata vectors), in any language.

Scores are calibrated as in rostra.search.semantic (cosine minus the text's mean similarity to
everyday sentences of that language), so a Persian speech finds its Arabic and English
neighbours, not only Persian ones; a neighbour must clear the floor measured for metadata
hits (bench/search_archive_quality.py), so an archive with nothing similar shows nothing.
"""

from __future__ import annotations

from typing import Iterable

from django.conf import settings

from rostra.archive.models import Speech
from rostra.archive.queries import SpeechFilter
from rostra.core.multilingual import pick
from rostra.search.backends.registry import get_backend
from rostra.search.embeddings.registry import get_embedding_engine
from rostra.search.scope import search_scope
from rostra.search.semantic import RELEVANCE_FLOOR, language_baselines

CANDIDATES_PER_LANGUAGE = 40


def nearest_speech_ids(speech: Speech, *, limit: int = 4, exclude: Iterable[int] = ()
                       ) -> list[int]:
    """Ids of the published speeches nearest ``speech`` by embedding, nearest first.

    [] when no embedding engine is configured or the index was built with another one.
    """
    engine = get_embedding_engine()
    if engine is None:
        return []
    backend = get_backend()
    if backend.vector_signature() != engine.signature:
        return []
    language = speech.original_language or None
    title = pick(speech.title, language)
    abstract = pick(speech.abstract, language)
    text = f"{title}. {abstract}" if abstract else title
    if not text.strip():
        return []
    vector = engine.embed_passages([text])[0]
    scope = search_scope(SpeechFilter(), include_unpublished=False)
    if scope.empty:
        return []
    hits = backend.vector_search_by_language(
        vector, signature=engine.signature, speech_ids=scope.index_speech_ids,
        languages=list(settings.ROSTRA_LANGUAGES), limit=CANDIDATES_PER_LANGUAGE)
    baselines = language_baselines(engine, vector)
    skip = {speech.pk, *exclude}
    best: dict[int, float] = {}
    for hit in hits:
        if hit.kind != "metadata" or hit.speech_id in skip:
            continue
        if not scope.visible(hit.speech_id, hit.language, hit.kind):
            continue
        score = hit.score - baselines.get(hit.language, baselines[""])
        if score >= RELEVANCE_FLOOR["metadata"]:
            best[hit.speech_id] = max(score, best.get(hit.speech_id, score))
    return sorted(best, key=lambda speech_id: (-best[speech_id], speech_id))[:limit]
