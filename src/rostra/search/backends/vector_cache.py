"""Exact cosine search over a copy of the index's vectors held in this process.

Why: a brute-force scan in sqlite-vec (or in PostgreSQL without pgvector) reads every vector
through the database engine for every query — about 50 ms for 46,000 384-d vectors on the
2-core machine, more than the query's whole budget. The same scan as one numpy matrix product
takes ~5 ms (bench/search_speed.py). The copy is loaded on the first semantic query
(71 MB for a 514-speech conference at 384 dimensions) and reloaded when the index's
*generation* (a random token the backend writes with every vector change) differs, so every
process sees every change. Above ``MAX_VECTORS`` the copy holds the windows and metadata only
(:func:`copy_for`) and a window's cue vectors are read by transcript from the table; beyond
that SQLite asks vec0's KNN scan. PostgreSQL uses this copy only when pgvector is not installed.
"""

from __future__ import annotations

import threading
from typing import Callable, Sequence

import numpy as np

from rostra.search.backends.base import DocumentHit

# 150,000 × 384 float32 ≈ 230 MB per process: beyond that, let the database scan.
MAX_VECTORS = 150_000
# Windows and metadata beyond MAX_VECTORS, for SQLite: up to 600,000 (≈ 920 MB at 384
# dimensions, ~11,000 speeches of 3 × 300 segments) they stay in memory too. vec0's scan
# beyond that reads every cue as well: at 5,140 speeches (5.09 million vectors, 7.8 GB) one
# hybrid query took 57–81 s (bench/RESULTS.md, 2026-12-02 "facets from memory").
MAX_WINDOW_VECTORS = 600_000

# (speech_id, kind, field, language, transcript_id, segment_id, start_ms, end_ms)
Metadata = tuple


class _Entry:
    def __init__(self, generation: str, metadata: list[Metadata], matrix: np.ndarray) -> None:
        self.generation = generation
        self.metadata = metadata
        self.matrix = matrix
        self.speech_ids = np.array([row[0] for row in metadata], dtype=np.int64)
        self.languages = np.array([row[3] for row in metadata], dtype=object)
        self._language_masks: dict[str, np.ndarray] = {}
        # transcript id → its cue rows, for pointing a window hit at its best cue in memory.
        self.cues: dict[int, list[int]] = {}
        for index, row in enumerate(metadata):
            if row[1] == "cue" and row[4] is not None:
                self.cues.setdefault(row[4], []).append(index)

    def language_mask(self, language: str) -> np.ndarray:
        """The vectors of ``language``, computed once per copy (comparing an object array of
        467,000 language codes cost ~8 ms a time at 5,140 speeches, cProfile)."""
        mask = self._language_masks.get(language)
        if mask is None:
            mask = self._language_masks[language] = self.languages == language
        return mask

    def allowed(self, speech_ids: Sequence[int] | None) -> np.ndarray:
        """A mask of the vectors of ``speech_ids`` (every vector for None)."""
        if speech_ids is None:
            return np.ones(len(self.metadata), dtype=bool)
        return np.isin(self.speech_ids, np.fromiter(speech_ids, dtype=np.int64))


_entries: dict[str, _Entry] = {}
_lock = threading.Lock()


def _entry(key: str, generation: str, load) -> _Entry:
    """This process's copy of the index ``key``, (re)loaded when its generation changed."""
    with _lock:
        entry = _entries.get(key)
    if entry is None or entry.generation != generation:
        metadata, matrix = load()
        entry = _Entry(generation, metadata, np.ascontiguousarray(matrix, dtype=np.float32))
        with _lock:
            _entries[key] = entry
    return entry


def _best(entry: _Entry, scores: np.ndarray, candidates: np.ndarray,
          limit: int) -> list[DocumentHit]:
    """The ``limit`` best-scoring ``candidates`` (indexes into the entry), best first."""
    if not len(candidates):
        return []
    limit = min(int(limit), len(candidates))
    best = candidates[np.argpartition(-scores[candidates], limit - 1)[:limit]]
    best = best[np.argsort(-scores[best], kind="stable")]
    rows = entry.metadata
    return [DocumentHit(speech_id=rows[i][0], kind=rows[i][1], field=rows[i][2],
                        language=rows[i][3], transcript_id=rows[i][4], segment_id=rows[i][5],
                        start_ms=rows[i][6], end_ms=rows[i][7], score=float(scores[i]))
            for i in best]


def search(*, key: str, generation: str,
           load: Callable[[], tuple[list[Metadata], np.ndarray]], query: np.ndarray,
           speech_ids: Sequence[int] | None, languages: Sequence[str] | None,
           limit: int) -> list[DocumentHit]:
    """Nearest ``limit`` vectors to ``query`` by cosine, among the allowed speeches/languages.

    ``key`` names the index (a file or a database), ``load()`` reads every vector's metadata
    and the matrix when this process's copy is missing or of another generation.
    """
    entry = _entry(key, generation, load)
    if not entry.metadata:
        return []
    scores = entry.matrix @ np.asarray(query, dtype=np.float32)
    mask = entry.allowed(speech_ids)
    if languages:
        mask = mask & np.logical_or.reduce([entry.language_mask(code) for code in languages])
    return _best(entry, scores, np.flatnonzero(mask), limit)


def search_by_language(*, key: str, generation: str,
                       load: Callable[[], tuple[list[Metadata], np.ndarray]], query: np.ndarray,
                       speech_ids: Sequence[int] | None, languages: Sequence[str],
                       limit: int) -> list[DocumentHit]:
    """The nearest ``limit`` vectors of *each* language in ``languages`` (one matrix product)."""
    entry = _entry(key, generation, load)
    if not entry.metadata:
        return []
    scores = entry.matrix @ np.asarray(query, dtype=np.float32)
    mask = entry.allowed(speech_ids)
    return [hit for language in languages
            for hit in _best(entry, scores, np.flatnonzero(mask & entry.language_mask(language)),
                             limit)]


def cue_vectors(*, key: str, generation: str,
                load: Callable[[], tuple[list[Metadata], np.ndarray]], transcript_id: int,
                start_ms: int, end_ms: int) -> list[tuple[int, int, int, np.ndarray]]:
    """``(segment_id, start_ms, end_ms, vector)`` of a transcript's cues inside a window."""
    entry = _entry(key, generation, load)
    rows = entry.metadata
    inside = [i for i in entry.cues.get(transcript_id, ())
              if rows[i][6] >= start_ms and rows[i][7] <= end_ms]
    return [(rows[i][5], rows[i][6], rows[i][7], entry.matrix[i])
            for i in sorted(inside, key=lambda i: rows[i][6])]


_counts: dict[tuple[str, str], tuple[int, int]] = {}


def vector_counts(key: str, generation: str, count: Callable[[], tuple[int, int]]
                  ) -> tuple[int, int]:
    """``(every vector, vectors that are not cues)`` of index ``key``, counted once per
    generation (counting 5 million rows costs more than a query)."""
    counts = _counts.get((key, generation))
    if counts is None:
        everything, without_cues = count()
        with _lock:
            _counts.clear()  # one index per process in practice; old generations go
            _counts[(key, generation)] = counts = (int(everything), int(without_cues))
    return counts


def all_in_memory(counts: tuple[int, int]) -> bool:
    """Whether the copy holds the cue vectors too (else they are read from the table)."""
    return counts[0] <= MAX_VECTORS


def copy_for(key: str, generation: str, counts: tuple[int, int],
             load: Callable[[bool], tuple[list[Metadata], np.ndarray]], *,
             windows_beyond_limit: bool = False):
    """``(key, generation, load)`` of the in-process copy to search, or None.

    Every vector while they fit in ``MAX_VECTORS``; beyond that the windows and metadata only
    (cue vectors then serve to point a window at its sentence, read by transcript), since
    scanning every cue costs seconds per query (bench/search_speed.py: 509k vectors at 514
    speeches). ``load(cues)`` reads the vectors. Windows beyond the limit too: None, unless
    ``windows_beyond_limit`` (a backend with no scan of its own).
    """
    if all_in_memory(counts):
        return key, generation, lambda: load(True)
    if counts[1] <= MAX_VECTORS or windows_beyond_limit:
        return key + "#without-cues", generation, lambda: load(False)
    return None


def forget(key: str) -> None:
    with _lock:
        _entries.pop(key, None)
