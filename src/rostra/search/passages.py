"""Passage hits that point at the sentence: the best cue inside a matched window.

Vectors are searched per window of a few segments (a 3-second cue is too short to carry a
meaning, and one vector per cue would multiply the scan), but a reader wants the second the
answer was said. Each cue's own vector is stored beside the window's (kind ``cue``, never
searched); for the hits shown on a page, the cue closest to the query inside the window becomes
the hit: its start, its end, its text.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from rostra.search.backends.base import DocumentHit, SearchBackend


def _window(hit: DocumentHit) -> tuple[int, int, int] | None:
    if hit.kind != "segment" or hit.transcript_id is None or hit.start_ms is None:
        return None
    return hit.transcript_id, hit.start_ms, hit.end_ms


def point_at_cues(hits, vector: np.ndarray, backend: SearchBackend) -> dict[tuple, DocumentHit]:
    """Hit key → the hit narrowed to its best cue (unchanged for metadata, single cues, no cue
    vectors); every window's cue vectors are read at once."""
    hits = list(hits)
    cues = backend.cue_vectors_of_windows([w for w in map(_window, hits) if w is not None])
    return {hit.key: _narrowed(hit, vector, cues.get(_window(hit), [])) for hit in hits}


def _narrowed(hit: DocumentHit, vector: np.ndarray, cues) -> DocumentHit:
    if len(cues) < 2:
        return hit
    scores = np.stack([cue[3] for cue in cues]) @ np.asarray(vector, dtype=np.float32)
    segment_id, start_ms, end_ms, _ = cues[int(np.argmax(scores))]
    return replace(hit, segment_id=segment_id, start_ms=start_ms, end_ms=end_ms)
