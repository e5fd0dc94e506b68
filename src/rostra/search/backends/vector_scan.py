"""Exact nearest neighbours over an in-memory vector copy, reading a quarter of the bytes.

Why: at 5,140 speeches the copy holds 467,740 window vectors (718 MB of float32) and a hybrid
query scanned it four times (the query's language, the other languages with the blended vector,
every language for metadata, the feedback sentence): memory bandwidth was the query's cost.
Here:

- each language's vectors are one contiguous block: a search of one language reads that
  language only;
- a block is also held as int8 codes (per-dimension affine quantization, one byte a value) and
  a scan reads the codes. The approximate score ``q·x̃`` differs from the exact ``q·x`` by at
  most ``‖q‖·‖x − x̃‖`` (Cauchy–Schwarz; ``‖x − x̃‖`` is stored per vector), so every vector
  whose upper bound reaches the k-th best lower bound is rescored with its float32 vector and
  the k best are the *exact* k best (:func:`best_rows`) — a shortlist of a few hundred;
- a thread keeps its last query vectors' approximate scores (:class:`ScanMemo`): the
  every-language pass, where it runs, reuses the query vector's scores of each language.

Ties (identical vectors) are broken by the vector's position in the index.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Sequence

import numpy as np

# Codes converted to float32 per chunk of this many rows (1.5 MB at 384 dimensions), which
# stays in cache while each query vector multiplies it.
CHUNK_ROWS = 1024
# Float32 rounding of an approximate or exact score over 384 terms stays far below this; it
# widens the bound so rounding can never drop a vector that belongs in the k best.
SLACK = 1e-4
MEMO_QUERIES = 4  # query vectors whose scores a thread keeps


class Quantizer:
    """Per-dimension affine int8 quantization: ``x̃ = low + step · (code + 128)``."""

    def __init__(self, matrix: np.ndarray) -> None:
        if len(matrix):
            low, high = matrix.min(axis=0), matrix.max(axis=0)
        else:
            low = high = np.zeros(matrix.shape[1], dtype=np.float32)
        step = (high - low) / 255
        self.low = low.astype(np.float32)
        self.step = np.where(step > 0, step, 1.0).astype(np.float32)

    def codes(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(int8 codes, ‖x − x̃‖ per row)`` of ``matrix``, in slices to bound the memory."""
        codes = np.empty(matrix.shape, dtype=np.int8)
        errors = np.empty(len(matrix), dtype=np.float32)
        for start in range(0, len(matrix), 65536):
            part = matrix[start:start + 65536]
            levels = np.clip(np.rint((part - self.low) / self.step), 0, 255)
            codes[start:start + len(part)] = (levels - 128).astype(np.int8)
            errors[start:start + len(part)] = np.linalg.norm(
                part - (self.low + self.step * levels), axis=1)
        return codes, errors

    def approximate(self, codes: np.ndarray, queries: Sequence[np.ndarray]) -> list[np.ndarray]:
        """``q·x̃`` for every row of ``codes`` and every query vector (one read of the codes)."""
        weights = [np.ascontiguousarray(q * self.step, dtype=np.float32) for q in queries]
        offsets = [float(q @ self.low) + 128 * float(q @ self.step) for q in queries]
        scores = [np.empty(len(codes), dtype=np.float32) for _ in queries]
        buffer = np.empty((min(CHUNK_ROWS, len(codes)), codes.shape[1]), dtype=np.float32)
        for start in range(0, len(codes), CHUNK_ROWS):
            chunk = buffer[:len(codes) - start] if start + CHUNK_ROWS > len(codes) else buffer
            np.copyto(chunk, codes[start:start + len(chunk)], casting="unsafe")
            for weight, out in zip(weights, scores):
                np.matmul(chunk, weight, out=out[start:start + len(chunk)])
        for offset, out in zip(offsets, scores):
            out += np.float32(offset)
        return scores


class LanguageBlock:
    """One language's vectors: ``rows`` (positions in the index, ascending), float32 vectors,
    their int8 codes and quantization errors, their speech ids."""

    def __init__(self, rows: np.ndarray, matrix: np.ndarray, speech_ids: np.ndarray,
                 quantizer: Quantizer) -> None:
        self.rows = rows
        self.matrix = matrix
        self.speech_ids = speech_ids
        self.quantizer = quantizer
        self.codes, self.errors = quantizer.codes(matrix)


def split_by_language(matrix: np.ndarray, languages: Sequence[str],
                      speech_ids: np.ndarray) -> tuple[dict[str, LanguageBlock], np.ndarray]:
    """The blocks of ``matrix`` per language, and each row's position inside its block."""
    quantizer = Quantizer(matrix)
    codes = np.array(languages, dtype=object)
    local = np.empty(len(languages), dtype=np.int64)
    blocks = {}
    for language in dict.fromkeys(languages):
        rows = np.flatnonzero(codes == language)
        local[rows] = np.arange(len(rows))
        blocks[language] = LanguageBlock(rows, np.ascontiguousarray(matrix[rows]),
                                         speech_ids[rows], quantizer)
    return blocks, local


class ScanMemo(threading.local):
    """A thread's approximate scores per query vector and language, for its next scans (page
    2, a language tab, the same query again reads nothing)."""

    def __init__(self) -> None:
        # query bytes → (copy token, {language: scores})
        self.queries: OrderedDict[bytes, tuple[str, dict]] = OrderedDict()

    def scores(self, token: str, blocks: dict[str, LanguageBlock], query: np.ndarray,
               languages: Sequence[str]) -> dict[str, np.ndarray]:
        """``language → q·x̃`` of ``query`` over those blocks, computing only what is missing.

        Scores are not computed ahead for other query vectors: once the every-language pass
        was skipped when it could find nothing (rostra.search.semantic), a vector was asked
        of each language at most once per search, and scoring a thread's recent vectors
        alongside cost ~4 ms a block at 5,140 speeches for nothing."""
        key = query.tobytes()
        entry = self.queries.pop(key, None)
        if entry is None or entry[0] != token:
            entry = (token, {})
        known = entry[1]
        for language in languages:
            if language not in known and language in blocks:
                block = blocks[language]
                known[language] = block.quantizer.approximate(block.codes, [query])[0]
        self.queries[key] = entry
        while len(self.queries) > MEMO_QUERIES:
            self.queries.popitem(last=False)
        return known


def exact_scores(matrix: np.ndarray, shortlist: np.ndarray, query: np.ndarray) -> np.ndarray:
    """``matrix[shortlist] @ query`` to the bit of a product over the whole matrix: BLAS
    rounds a row's dot product the same way except in a product's last rows (not a multiple
    of 8, or a thread's last ones), so the shortlist is padded with zero rows to a multiple
    of 8 (unpadded, a shortlist's last row often came out one unit in the last place apart,
    enough to swap two near-equal hits)."""
    padded = np.zeros((-(-len(shortlist) // 8) * 8, matrix.shape[1]), dtype=np.float32)
    padded[:len(shortlist)] = matrix[shortlist]
    return (padded @ query)[:len(shortlist)]


def best_rows(block: LanguageBlock, approximate: np.ndarray, query: np.ndarray,
              allowed: np.ndarray | None, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """``(index positions, exact scores)`` of the ``limit`` best vectors of ``block`` by exact
    cosine among ``allowed`` (a mask of the block; None: all), best first."""
    candidates = np.flatnonzero(allowed) if allowed is not None else None
    count = len(block.rows) if candidates is None else len(candidates)
    if limit <= 0 or not count:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    bound = block.errors * np.float32(np.linalg.norm(query)) + np.float32(SLACK)
    if limit >= count:
        shortlist = np.arange(len(block.rows)) if candidates is None else candidates
    else:
        scores = approximate if candidates is None else approximate[candidates]
        margins = bound if candidates is None else bound[candidates]
        lower = scores - margins
        threshold = np.partition(lower, count - limit)[count - limit]
        keep = np.flatnonzero(scores + margins >= threshold)
        shortlist = keep if candidates is None else candidates[keep]
    exact = exact_scores(block.matrix, shortlist, query)
    rows = block.rows[shortlist]
    order = np.lexsort((rows, -exact))[:limit]
    return rows[order], exact[order]


def merge_best(found: Sequence[tuple[np.ndarray, np.ndarray]],
               limit: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``limit`` best of several blocks' best rows (exact scores, then index position)."""
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    rows = np.concatenate([rows for rows, _ in found])
    scores = np.concatenate([scores for _, scores in found])
    order = np.lexsort((rows, -scores))[:max(0, int(limit))]
    return rows[order], scores[order]
