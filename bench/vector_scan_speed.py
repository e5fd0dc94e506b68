"""The semantic step alone over an in-memory vector copy at archive scale: CPU per query.

    python bench/vector_scan_speed.py --speeches 5140     # 467,740 window + metadata vectors

What a hybrid query asks of the vector copy (rostra.search.semantic and .feedback), without
the full-text index: the query's language with its vector, the other languages with the
blended vector, every language for metadata, then the feedback sentence (a stored window
vector) in the other languages. The copy is laid out as the index stores it: per speech 30
window vectors per language (fa, ar, en) and one metadata vector; vectors are random but
shaped like e5's (bench/search_speed.py's VectorShape). Run it with ``PYTHONPATH`` on another
checkout's ``src`` to compare versions of rostra.search.backends.vector_cache; the hits of
every query are written with ``--hits FILE`` to compare what both return.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchsetup import setup_django  # noqa: E402
from search_speed import LANGUAGES, WINDOW, VectorShape, percentiles  # noqa: E402


class CopyBackend:
    """The vector calls of a backend, answered by rostra's in-process copy."""

    name = "copy"

    def __init__(self, metadata, matrix) -> None:
        self.load = lambda: (metadata, matrix)

    def vector_search(self, vector, *, signature, speech_ids, languages, limit):
        from rostra.search.backends import vector_cache

        return vector_cache.search(key="bench", generation="1", load=self.load, query=vector,
                                   speech_ids=speech_ids, languages=languages, limit=limit)

    def vector_languages(self):
        from rostra.search.backends import vector_cache

        return vector_cache.languages(key="bench", generation="1", load=self.load)

    def vector_search_by_language(self, vector, *, signature, speech_ids, languages, limit):
        from rostra.search.backends import vector_cache

        return vector_cache.search_by_language(key="bench", generation="1", load=self.load,
                                               query=vector, speech_ids=speech_ids,
                                               languages=languages, limit=limit)


class ShapedEngine:
    signature = "bench"

    def __init__(self, shape: VectorShape) -> None:
        self.shape = shape

    def embed_passages(self, texts):
        noise = self.shape.rng.standard_normal((len(texts), self.shape.dimension))
        return self.shape._unit(2.2 * self.shape.common
                                + 1.1 * noise / np.sqrt(self.shape.dimension))


def build_copy(speeches: int, shape: VectorShape):
    metadata, parts = [], []
    for speech in range(speeches):
        topic = speech % len(shape.topics)
        for number, language in enumerate(LANGUAGES):
            transcript = speech * 3 + number
            parts.append(shape.sample(300 // WINDOW, topic))
            metadata += [(speech, "segment", "", language, transcript, None,
                          i * WINDOW * 4000, (i + 1) * WINDOW * 4000 - 200)
                         for i in range(300 // WINDOW)]
        parts.append(shape.sample(1, topic))
        metadata.append((speech, "metadata", "title", "en", None, None, None, None))
    return metadata, np.concatenate(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--speeches", type=int, default=5140)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--hits", metavar="FILE", help="write every query's hits as JSON lines")
    args = parser.parse_args()
    setup_django(tempfile.mkdtemp(prefix="rostra-vector-scan-"))
    from rostra.search.feedback import feedback_hits
    from rostra.search.scope import SearchScope
    from rostra.search.semantic import other_language_vector, semantic_candidates

    shape = VectorShape(384, 20)
    metadata, matrix = build_copy(args.speeches, shape)
    backend, engine = CopyBackend(metadata, matrix), ShapedEngine(shape)
    scope = SearchScope(None, None, None)
    started = time.process_time()
    backend.vector_search(matrix[0], signature="", speech_ids=None, languages=None, limit=1)
    print(f"# {len(metadata):,} vectors; copy loaded in {time.process_time() - started:.1f} s "
          f"CPU; load {os.getloadavg()[0]:.1f}", flush=True)
    rng = np.random.default_rng(7)
    cpu, out = [], open(args.hits, "w") if args.hits else None
    for number in range(args.queries + 1):
        vector = shape.sample(1, int(rng.integers(len(shape.topics))))[0]
        short = number % 5 < 4  # the speed bench's queries: 1–3 words, mostly
        other = other_language_vector(vector, engine.embed_passages(["q"])[0]) if short else None
        language = LANGUAGES[number % 3]
        feedback = matrix[int(rng.integers(len(matrix)))]
        begun = time.process_time()
        found = semantic_candidates(vector, words=2 if short else 5, engine=engine,
                                    backend=backend, scope=scope, languages=None,
                                    language=language, other_vector=other)
        more = feedback_hits((language, feedback), engine=engine, backend=backend, scope=scope,
                             languages=LANGUAGES)
        if number:  # the first query warms up
            cpu.append(time.process_time() - begun)
        if out:
            out.write(json.dumps([[(h.speech_id, h.language, h.start_ms, round(h.score, 6))
                                   for h in hits] for hits in (found.hits, more)]) + "\n")
    p50, p95 = percentiles(cpu)
    print(f"semantic step + feedback pass, CPU per query: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
          f"({args.queries} queries); load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
