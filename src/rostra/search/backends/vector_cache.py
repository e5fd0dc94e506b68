"""Exact cosine search over a copy of the index's vectors held in this process.

Why: a brute-force scan in sqlite-vec (or in PostgreSQL without pgvector) reads every vector
through the database engine for every query — about 50 ms for 46,000 384-d vectors on the
2-core machine, more than the query's whole budget. The same scan in numpy takes ~5 ms
(bench/search_speed.py), and over int8 codes per language, rescored exactly, a fraction of that
(rostra.search.backends.vector_scan: the same neighbours, a quarter of the bytes). The copy is loaded on the first semantic query
(71 MB for a 514-speech conference at 384 dimensions) and reloaded when the index's
*generation* (a random token the backend writes with every vector change) differs, so every
process sees every change. Above ``MAX_VECTORS`` the copy holds the windows and metadata only
(:func:`copy_for`) and a window's cue vectors are read by transcript from the table; beyond
that SQLite asks vec0's KNN scan. PostgreSQL uses this copy only when pgvector is not installed.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Sequence

import numpy as np

from rostra.search.backends import vector_scan
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
    def __init__(self, token: str, generation: str, metadata: list[Metadata],
                 matrix: np.ndarray) -> None:
        self.token = token  # names this copy in the threads' scan memos
        self.generation = generation
        self.metadata = metadata
        speech_ids = np.array([row[0] for row in metadata], dtype=np.int64)
        # Per language, contiguous, with int8 codes (rostra.search.backends.vector_scan);
        # the full matrix is not kept beside the blocks.
        self.blocks, self._local = vector_scan.split_by_language(
            matrix, [row[3] for row in metadata], speech_ids)
        # transcript id → its cue rows, for pointing a window hit at its best cue in memory.
        self.cues: dict[int, list[int]] = {}
        for index, row in enumerate(metadata):
            if row[1] == "cue" and row[4] is not None:
                self.cues.setdefault(row[4], []).append(index)

    def vector(self, index: int) -> np.ndarray:
        """The float32 vector of row ``index`` of the metadata."""
        return self.blocks[self.metadata[index][3]].matrix[self._local[index]]

    def allowed(self, block: vector_scan.LanguageBlock,
                speech_ids: np.ndarray | None) -> np.ndarray | None:
        """A mask of ``block``'s vectors of ``speech_ids`` (None: every vector)."""
        return None if speech_ids is None else np.isin(block.speech_ids, speech_ids)

    def best(self, query: np.ndarray, speech_ids: Sequence[int] | None,
             languages: Sequence[str], limit: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per language of ``languages`` (those the copy has), its ``limit`` best rows."""
        query = np.ascontiguousarray(query, dtype=np.float32)
        present = [code for code in languages if code in self.blocks]
        scores = _memo.scores(self.token, self.blocks, query, present)
        ids = None if speech_ids is None else np.fromiter(speech_ids, dtype=np.int64)
        return [vector_scan.best_rows(self.blocks[code], scores[code], query,
                                      self.allowed(self.blocks[code], ids), limit)
                for code in present]


_memo = vector_scan.ScanMemo()
_entries: dict[str, _Entry] = {}
_lock = threading.Lock()


def _entry(key: str, generation: str, load) -> _Entry:
    """This process's copy of the index ``key``, (re)loaded when its generation changed."""
    with _lock:
        entry = _entries.get(key)
    if entry is None or entry.generation != generation:
        metadata, matrix = load()
        entry = _Entry(f"{key}\0{generation}\0{time.monotonic()}", generation, metadata,
                       np.ascontiguousarray(matrix, dtype=np.float32))
        with _lock:
            _entries[key] = entry
    return entry


def _hits(entry: _Entry, rows: np.ndarray, scores: np.ndarray) -> list[DocumentHit]:
    metadata = entry.metadata
    return [DocumentHit(speech_id=metadata[i][0], kind=metadata[i][1], field=metadata[i][2],
                        language=metadata[i][3], transcript_id=metadata[i][4],
                        segment_id=metadata[i][5], start_ms=metadata[i][6],
                        end_ms=metadata[i][7], score=float(score))
            for i, score in zip(rows.tolist(), scores.tolist())]


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
    rows, scores = vector_scan.merge_best(
        entry.best(query, speech_ids, list(languages or entry.blocks), limit), limit)
    return _hits(entry, rows, scores)


def search_by_language(*, key: str, generation: str,
                       load: Callable[[], tuple[list[Metadata], np.ndarray]], query: np.ndarray,
                       speech_ids: Sequence[int] | None, languages: Sequence[str],
                       limit: int) -> list[DocumentHit]:
    """The nearest ``limit`` vectors of *each* language in ``languages`` (each language's codes
    read once for this thread's recent query vectors, :class:`vector_scan.ScanMemo`)."""
    entry = _entry(key, generation, load)
    if not entry.metadata:
        return []
    return [hit for rows, scores in entry.best(query, speech_ids, languages, limit)
            for hit in _hits(entry, rows, scores)]


def languages(*, key: str, generation: str,
              load: Callable[[], tuple[list[Metadata], np.ndarray]]) -> set[str]:
    """The languages of the copy's vectors (loading it if needed, as a search would)."""
    return set(_entry(key, generation, load).blocks)


def cue_vectors(*, key: str, generation: str,
                load: Callable[[], tuple[list[Metadata], np.ndarray]], transcript_id: int,
                start_ms: int, end_ms: int) -> list[tuple[int, int, int, np.ndarray]]:
    """``(segment_id, start_ms, end_ms, vector)`` of a transcript's cues inside a window."""
    entry = _entry(key, generation, load)
    rows = entry.metadata
    inside = [i for i in entry.cues.get(transcript_id, ())
              if rows[i][6] >= start_ms and rows[i][7] <= end_ms]
    return [(rows[i][5], rows[i][6], rows[i][7], entry.vector(i))
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
