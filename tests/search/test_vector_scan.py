"""The in-memory vector scan: int8 codes per language, rescored exactly, one read per language.

The unit tests compare with a float32 scan of every vector; the backend tests (SQLite and
PostgreSQL without pgvector, both through the in-process copy) check what the semantic step
asks of them.
"""

from __future__ import annotations

import numpy as np
import pytest

from rostra.search.backends import vector_cache, vector_scan
from rostra.search.indexing import reindex_all

LANGUAGES = ("fa", "ar", "en")


def shaped_vectors(count: int, seed: int = 1) -> np.ndarray:
    """Unit vectors that share a direction and a topic, like e5's (cosines 0.7–0.9)."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal(384)
    topics = rng.standard_normal((8, 384))
    vectors = (2.2 * common / np.linalg.norm(common)
               + 0.9 * topics[rng.integers(0, 8, count)] / np.sqrt(384)
               + 1.1 * rng.standard_normal((count, 384)) / np.sqrt(384))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def copy_of(vectors: np.ndarray):
    # (speech_id, kind, field, language, transcript_id, segment_id, start_ms, end_ms)
    metadata = [(i // 30, "segment", "", LANGUAGES[(i // 10) % 3], i // 10, None, i, i + 1)
                for i in range(len(vectors))]
    return dict(key=f"test-{id(vectors)}", generation="1", load=lambda: (metadata, vectors)), \
        metadata


def full_scan(vectors, metadata, query, languages, speech_ids, limit):
    scores = vectors @ query
    rows = [i for i, row in enumerate(metadata)
            if row[3] in languages and (speech_ids is None or row[0] in speech_ids)]
    rows.sort(key=lambda i: (-scores[i], i))
    return [(metadata[i][3], metadata[i][6]) for i in rows[:limit]], scores[rows[:limit]]


@pytest.mark.parametrize("coarse", [False, True])
def test_the_int8_scan_returns_the_exact_neighbours_of_a_full_scan(coarse, monkeypatch):
    vectors = shaped_vectors(6000)
    vectors[17] = vectors[4000]  # a tie: the earlier position comes first
    if coarse:
        # Codes 16 times too coarse (most values clipped): the bound grows, the answer stays.
        original = vector_scan.Quantizer.__init__

        def coarse_init(self, matrix):
            original(self, matrix)
            self.step = self.step / 16

        monkeypatch.setattr(vector_scan.Quantizer, "__init__", coarse_init)
    copy, metadata = copy_of(vectors)
    rng = np.random.default_rng(5)
    for trial in range(12):
        query = vectors[rng.integers(len(vectors))] + 0.05 * shaped_vectors(1, seed=trial)[0]
        query = (query / np.linalg.norm(query)).astype(np.float32)
        speech_ids = None if trial % 2 else set(rng.integers(0, 200, 40).tolist())
        for languages, limit in ((["fa"], 60), (["ar", "en"], 25), (None, 60), (["en"], 5000)):
            hits = vector_cache.search(query=query, speech_ids=speech_ids, languages=languages,
                                       limit=limit, **copy)
            expected, scores = full_scan(vectors, metadata, query, languages or LANGUAGES,
                                         speech_ids, limit)
            assert [(hit.language, hit.start_ms) for hit in hits] == expected
            np.testing.assert_allclose([hit.score for hit in hits], scores, atol=1e-6)
        per_language = vector_cache.search_by_language(
            query=query, speech_ids=speech_ids, languages=["en", "fa"], limit=30, **copy)
        assert [(hit.language, hit.start_ms) for hit in per_language] == \
            full_scan(vectors, metadata, query, ["en"], speech_ids, 30)[0] + \
            full_scan(vectors, metadata, query, ["fa"], speech_ids, 30)[0]
    assert vector_cache.search(query=query, speech_ids=[], languages=None, limit=5,
                               **copy) == []


def test_the_shortlist_is_a_few_times_the_limit_not_the_language():
    vectors = shaped_vectors(9000)
    blocks, _ = vector_scan.split_by_language(
        vectors, [LANGUAGES[i % 3] for i in range(9000)], np.arange(9000))
    block = blocks["fa"]
    query = vectors[3]
    rescored = []
    matrix = block.matrix

    class Watched(np.ndarray):
        def __getitem__(self, index):
            rescored.append(len(np.atleast_1d(index)))
            return np.ndarray.__getitem__(self, index)

    block.matrix = matrix.view(Watched)
    scores = block.quantizer.approximate(block.codes, [query])[0]
    vector_scan.best_rows(block, scores, query, None, 60)
    assert 60 <= rescored[0] < 600  # of 3,000


class CountingReads:
    """Records which language blocks a scan reads, and for how many query vectors."""

    def __init__(self, monkeypatch):
        self.reads: list[tuple[int, int]] = []
        original = vector_scan.Quantizer.approximate

        def approximate(quantizer, codes, queries):
            self.reads.append((len(codes), len(queries)))
            return original(quantizer, codes, queries)

        monkeypatch.setattr(vector_scan.Quantizer, "approximate", approximate)


@pytest.fixture
def spoken(archive):
    archive.speech("solar", title={"en": "Solar roofs"}, transcripts={
        "en": ["Solar panels on roofs turn sunlight into electricity.",
               "Batteries keep the energy for the night."],
        "fa": ["صفحه‌های خورشیدی روی بام نور را به برق تبدیل می‌کنند."],
        "ar": ["الألواح الشمسية على الأسطح تحول ضوء الشمس إلى كهرباء."]})
    archive.speech("libraries", title={"en": "City libraries"}, transcripts={
        "en": ["Public libraries are open every day."],
        "fa": ["کتاب‌خانه‌های عمومی هر روز باز هستند."],
        "ar": ["المكتبات العامة مفتوحة كل يوم."]})
    return archive


@pytest.mark.django_db
def test_the_semantic_step_reads_each_language_once(spoken, search_backend, monkeypatch):
    """The query's language with its vector, the other languages with the blended vector:
    one read of each language's codes, for one vector each (the every-language pass for
    metadata in other languages is skipped: the index holds none)."""
    from rostra.search.embeddings.registry import get_embedding_engine
    from rostra.search.scope import search_scope
    from rostra.archive.queries import SpeechFilter
    from rostra.search.semantic import other_language_vector, semantic_candidates

    if getattr(search_backend, "has_pgvector", lambda: False)():
        pytest.skip("pgvector scans in the database; no in-process copy")
    monkeypatch.setattr(vector_cache, "_entries", {})  # this backend's copy only
    reindex_all(backend=search_backend)
    engine = get_embedding_engine()
    vector = engine.embed_query("solar")
    other = other_language_vector(vector, engine.embed_passages(["solar"])[0])
    scope = search_scope(SpeechFilter(), include_unpublished=False)
    search_backend.vector_search(-vector, signature=engine.signature, speech_ids=None,
                                 languages=None, limit=1)  # loads the copy
    vector_cache._memo.queries.clear()
    counting = CountingReads(monkeypatch)
    found = semantic_candidates(vector, words=1, engine=engine, backend=search_backend,
                                scope=scope, languages=None, language="en",
                                other_vector=other)
    assert found.hits
    (copy,) = vector_cache._entries.values()
    assert sorted(copy.blocks) == ["ar", "en", "fa"]
    assert len(counting.reads) == len(copy.blocks)  # each language once
    assert sum(size for size, _ in counting.reads) == len(copy.metadata)
    assert sum(queries for _, queries in counting.reads) == len(copy.blocks)


class OneLanguageMore:
    """The vector calls of a backend whose index also holds German metadata."""

    def __init__(self, held):
        self.held, self.every_language_passes = held, 0

    def vector_languages(self):
        return self.held

    def vector_search_by_language(self, vector, *, signature, speech_ids, languages, limit):
        return []

    def vector_search(self, vector, *, signature, speech_ids, languages, limit):
        from rostra.search.backends.base import DocumentHit

        self.every_language_passes += 1
        return [DocumentHit(speech_id=1, kind="metadata", language="de", score=0.99,
                            field="title")]


@pytest.mark.django_db
@pytest.mark.parametrize("held, passes", [({"fa", "ar", "en", "de"}, 1), (None, 1),
                                          ({"fa", "ar", "en"}, 0)])
def test_the_every_language_pass_runs_only_when_the_index_holds_another_language(
        held, passes, settings):
    """Metadata in a language the archive does not publish in is still found; without such
    a language (or when the backend cannot tell) nothing of it is skipped."""
    from rostra.search.embeddings.registry import get_embedding_engine
    from rostra.search.scope import SearchScope
    from rostra.search.semantic import semantic_candidates

    settings.ROSTRA_LANGUAGES = ["fa", "ar", "en"]
    backend, engine = OneLanguageMore(held), get_embedding_engine()
    found = semantic_candidates(engine.embed_query("solar"), words=1, engine=engine,
                                backend=backend, scope=SearchScope(None, None, None),
                                languages=None, language="en")
    assert backend.every_language_passes == passes
    assert [hit.language for hit in found.hits] == (["de"] if passes else [])


@pytest.mark.django_db
def test_a_page_reads_its_windows_cue_vectors_at_once(spoken, search_backend, monkeypatch):
    """Beyond the in-memory limit a window's cues are read from the table: a search page's
    windows in one query, the same cues as one query per window."""
    from rostra.search.embeddings.registry import get_embedding_engine
    from rostra.search.service import search_archive

    reindex_all(backend=search_backend)
    windows = [(hit.transcript_id, hit.start_ms, hit.end_ms) for hit in
               search_backend.vector_search(get_embedding_engine().embed_query("solar energy"),
                                            signature=get_embedding_engine().signature,
                                            speech_ids=None, languages=None, limit=50)
               if hit.kind == "segment"]
    assert len(windows) >= 3
    monkeypatch.setattr(vector_cache, "MAX_VECTORS", 0)  # cues no longer in memory
    one_by_one = {window: search_backend.cue_vectors(transcript_id=window[0],
                                                     start_ms=window[1], end_ms=window[2])
                  for window in windows}
    at_once = search_backend.cue_vectors_of_windows(windows + windows[:1])
    assert list(at_once) == windows
    assert {window: [(s, a, b, v.tolist()) for s, a, b, v in cues]
            for window, cues in at_once.items()} == \
        {window: [(s, a, b, v.tolist()) for s, a, b, v in cues]
         for window, cues in one_by_one.items()}
    assert any(len(cues) >= 1 for cues in at_once.values())
    monkeypatch.setattr(search_backend, "cue_vectors", lambda **kwargs: pytest.fail(
        "one query per window"))
    hit = search_archive("Batteries keep the energy for the night.", mode="semantic",
                         backend=search_backend).hits[0]
    assert (hit.slug, hit.matches[0].start) == ("solar", 4.0)
