"""What an index entry was made from, in one short string.

Each scope of a speech in the index (its metadata, each transcript language) is stored with the
fingerprint of the archive rows its documents were made from: the title, abstract, speakers and
topics; the preferred transcript and its segments' ids, times and words. ``rostra search
--check`` computes the same fingerprints from the archive, so an entry whose words changed while
its languages did not (an edit whose re-index failed, a process killed between the two) shows
as behind. The same functions serve the indexer and the check: one rule, two callers.
"""

from __future__ import annotations

import hashlib
import json
from typing import Iterable

NO_TRANSCRIPT = "none"


def _digest(value) -> str:
    encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:32]


def metadata_fingerprint(texts: Iterable[tuple[str, str, str]]) -> str:
    """Of ``indexing.metadata_texts``: (field, language, text) triples, in any order."""
    return _digest(sorted(texts))


def transcript_fingerprint(transcript_id: int | None, origin: str,
                           segments: Iterable[tuple[int, int, int, str]]) -> str:
    """Of a transcript and its segments as (id, start_ms, end_ms, text), in order; segments
    without words are left out, as the index leaves them out."""
    if transcript_id is None:
        return NO_TRANSCRIPT
    return _digest([transcript_id, origin,
                    [list(row) for row in segments if row[3].strip()]])
