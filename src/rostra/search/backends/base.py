"""The interface every search index backend implements, and the choice of backend.

The index holds *documents*: one per transcript segment (the preferred transcript of each
language of a speech) and one per speech metadata field (title, abstract, speakers, topics) and
language. Documents are replaced per ``scope`` of a speech: ``transcript:<language>`` or
``metadata``. Text arrives already normalized (rostra.search.normalize.index_text), so the
backends only store and match plain terms; a query arrives as term groups (``query_groups``) and
each backend turns them into its own syntax with every term quoted as a literal: user text never
becomes query syntax.

Vectors (one per window of a few segments, and per metadata text) live beside the documents;
their space is recorded (``vector_signature``) so vectors of two models are never compared.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

# Vectors of single cues, stored beside the windows': searched like them (a sentence carries
# a cross-lingual match far better than a paragraph it is one seventh of), and used to point a
# window hit at its best sentence (rostra.search.passages).
CUE_KIND = "cue"

# Terms in one group are alternatives; an alternative of several words needs all of them.
QueryGroups = Sequence[Sequence[str]]


@dataclass(frozen=True)
class IndexDocument:
    """A piece of text to index (``text`` is normalized index text)."""

    speech_id: int
    scope: str
    kind: str  # "segment" or "metadata"
    language: str
    text: str
    field: str = ""  # metadata: title, abstract, speakers, topics
    origin: str = ""
    transcript_id: int | None = None
    segment_id: int | None = None
    start_ms: int | None = None
    end_ms: int | None = None


@dataclass(frozen=True)
class VectorDocument:
    """An embedded window of text: where it starts, and its unit vector."""

    speech_id: int
    scope: str
    kind: str
    language: str
    vector: np.ndarray
    field: str = ""
    transcript_id: int | None = None
    segment_id: int | None = None  # the window's first segment
    start_ms: int | None = None
    end_ms: int | None = None


@dataclass(frozen=True)
class DocumentHit:
    """A matching document; ``score`` grows with relevance (BM25, ts_rank or cosine)."""

    speech_id: int
    kind: str
    language: str
    score: float
    field: str = ""
    transcript_id: int | None = None
    segment_id: int | None = None
    start_ms: int | None = None
    end_ms: int | None = None

    @property
    def key(self) -> tuple:
        """Two hits on the same place (from keyword and vector search) share a key."""
        if self.kind == "metadata":
            return (self.speech_id, "metadata", self.language, self.field)
        return (self.speech_id, "segment", self.language, self.start_ms)


def quote_fts5(term: str) -> str:
    """A term as an FTS5 string literal: the only way query text reaches MATCH."""
    return '"' + term.replace('"', '""') + '"'


def quote_tsquery(term: str) -> str:
    """A term as a tsquery lexeme literal."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def fts5_expression(groups: QueryGroups, *, any_group: bool = False) -> str:
    """``(("a" AND "b") OR "ab") AND "c"`` from groups of alternatives."""
    rendered = []
    for group in groups:
        alternatives = ["(" + " AND ".join(quote_fts5(term) for term in alt.split()) + ")"
                        for alt in group if alt.split()]
        if alternatives:
            rendered.append("(" + " OR ".join(alternatives) + ")")
    return (" OR " if any_group else " AND ").join(rendered)


def tsquery_expression(groups: QueryGroups, *, any_group: bool = False) -> str:
    """``(('a' & 'b') | 'ab') & 'c'`` from groups of alternatives."""
    rendered = []
    for group in groups:
        alternatives = ["(" + " & ".join(quote_tsquery(term) for term in alt.split()) + ")"
                        for alt in group if alt.split()]
        if alternatives:
            rendered.append("(" + " | ".join(alternatives) + ")")
    return (" | " if any_group else " & ").join(rendered)


def fts5_near_expression(pairs: Sequence[tuple[str, str]], window: int) -> str:
    """``NEAR("a" "b", w) OR …``: documents where a pair's words lie at most ``window`` words
    apart, in either order."""
    return " OR ".join(f"NEAR({quote_fts5(a)} {quote_fts5(b)}, {int(window)})"
                       for a, b in pairs)


def tsquery_near_expression(pairs: Sequence[tuple[str, str]], window: int) -> str:
    """``'a' <1> 'b' | 'b' <1> 'a' | 'a' <2> 'b' | …``: the same as
    :func:`fts5_near_expression` (FTS5's NEAR counts the words between, ``<N>`` the distance)."""
    return " | ".join(f"{quote_tsquery(first)} <{distance}> {quote_tsquery(second)}"
                      for a, b in pairs for distance in range(1, int(window) + 2)
                      for first, second in ((a, b), (b, a)))


class SearchBackend(ABC):
    """A full-text + vector index. Implementations: SQLite and PostgreSQL."""

    name: str = ""

    @abstractmethod
    def replace_documents(self, *, speech_id: int, scopes: Sequence[str],
                          documents: Sequence[IndexDocument],
                          vectors: Sequence[VectorDocument] | None,
                          vector_signature: str = "",
                          fingerprints: Mapping[str, str] | None = None) -> None:
        """Delete ``speech_id``'s documents (and vectors) in ``scopes``, insert the new ones.

        ``vectors=None`` leaves the vectors of those scopes untouched. ``fingerprints`` (scope
        → fingerprint of what the documents were made from) are stored beside them, for
        rostra.search.consistency to tell an entry whose words changed. One transaction.
        """

    def bulk_load(self):
        """A context for many :meth:`replace_documents` calls in a row (a full reindex), which
        a backend may batch into fewer transactions or defer index upkeep for. Queries during
        it may see part of the load."""
        return nullcontext()

    @abstractmethod
    def delete_speech(self, *, speech_id: int) -> None:
        """Remove every document and vector of a speech."""

    @abstractmethod
    def clear(self) -> None:
        """Remove everything (before a full reindex)."""

    @abstractmethod
    def keyword_search(self, groups: QueryGroups, *, speech_ids: Sequence[int] | None,
                       languages: Sequence[str] | None, limit: int,
                       any_group: bool = False) -> list[DocumentHit]:
        """Best ``limit`` documents matching the groups (all groups, or any with any_group)."""

    @abstractmethod
    def keyword_proximity(self, pairs: Sequence[tuple[str, str]], *, window: int,
                          speech_ids: Sequence[int] | None, languages: Sequence[str] | None,
                          limit: int) -> list[DocumentHit]:
        """Best ``limit`` documents where a pair of terms lies within ``window`` words (either
        order); documents with more such pairs rank higher."""

    @abstractmethod
    def keyword_match_counts(self, groups: QueryGroups, *, speech_ids: Sequence[int] | None,
                             languages: Sequence[str] | None,
                             any_group: bool = False) -> dict[tuple[int, str, str], int]:
        """Every matching (speech id, language, kind) → number of matching documents."""

    @abstractmethod
    def vector_search(self, vector: np.ndarray, *, signature: str,
                      speech_ids: Sequence[int] | None, languages: Sequence[str] | None,
                      limit: int) -> list[DocumentHit]:
        """Nearest ``limit`` vectors by cosine; ``score`` is the cosine similarity."""

    def vector_search_by_language(self, vector: np.ndarray, *, signature: str,
                                  speech_ids: Sequence[int] | None, languages: Sequence[str],
                                  limit: int) -> list[DocumentHit]:
        """The nearest ``limit`` vectors of each language (so no language crowds out another).

        Backends that hold the vectors in memory answer all languages from one scan.
        """
        return [hit for language in languages
                for hit in self.vector_search(vector, signature=signature,
                                              speech_ids=speech_ids, languages=[language],
                                              limit=limit)]

    def vector_languages(self) -> set[str] | None:
        """The languages the stored vectors are in, or None when that is not known cheaply
        (a scan in the database would cost more than the pass it could save)."""
        return None

    def searches_cue_vectors(self) -> bool:
        """Whether a vector search compares the query with single cues too (else with windows
        of a few segments and metadata only: the in-process copy beyond its limit)."""
        return True

    @abstractmethod
    def cue_vectors(self, *, transcript_id: int, start_ms: int, end_ms: int
                    ) -> list[tuple[int, int, int, np.ndarray]]:
        """``(segment_id, start_ms, end_ms, vector)`` of the cues inside a window, in order."""

    def cue_vectors_of_windows(self, windows: Sequence[tuple[int, int, int]]
                               ) -> dict[tuple[int, int, int], list[tuple[int, int, int, np.ndarray]]]:
        """:meth:`cue_vectors` of several ``(transcript_id, start_ms, end_ms)`` windows, by
        window. The backends read them in one query (a search page points up to 60 windows at
        their sentence: one query each cost ~45 ms CPU a hybrid query at 514 speeches)."""
        return {window: self.cue_vectors(transcript_id=window[0], start_ms=window[1],
                                         end_ms=window[2]) for window in dict.fromkeys(windows)}

    @abstractmethod
    def vector_signature(self) -> str:
        """The embedding space of the stored vectors ("" when there are none)."""

    @abstractmethod
    def stats(self) -> dict:
        """Counts and size: documents, vectors, bytes."""

    @abstractmethod
    def indexed_entries(self) -> dict[int, dict[str, str]]:
        """speech id → {scope: fingerprint} of what it has in the index (for
        rostra.search.consistency); a scope with documents but no fingerprint reads ""."""


def merge_entries(documents: Iterable[tuple[int, str]],
                  entries: Iterable[tuple[int, str, str]]) -> dict[int, dict[str, str]]:
    """indexed_entries from the scopes that have documents and the fingerprints stored."""
    merged: dict[int, dict[str, str]] = {}
    for speech_id, scope in documents:
        merged.setdefault(speech_id, {})[scope] = ""
    for speech_id, scope, fingerprint in entries:
        merged.setdefault(speech_id, {})[scope] = fingerprint
    return merged
