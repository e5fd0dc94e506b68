"""An interrupted indexing is seen and repaired: ``check_index`` finds the speeches the index
lacks (or that are behind their transcripts), ``repair_index`` reindexes only those, and
``rostra status`` / ``rostra search --check`` say so."""

from __future__ import annotations

import pytest

from rostra.archive.models import Speech
from rostra.search.backends.registry import get_backend
from rostra.search.consistency import check_index, repair_index
from rostra.search.indexing import transcript_scope
from rostra.transcripts.domain import SegmentData, save_transcript
from tests.search.conftest import archive, event  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def keyword_only(settings):
    settings.ROSTRA_EMBEDDINGS = "none"


@pytest.fixture
def three_indexed(archive, data_dir, keyword_only, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return [archive.speech(slug, title={"en": slug.title()},
                               transcripts={"en": [f"A talk about {slug} in cities."]})
                for slug in ("rain", "wind", "soil")]


def test_a_complete_index_is_consistent(three_indexed):
    check = check_index()
    assert check.consistent and check.speeches == 3


def test_missing_and_stale_speeches_are_found_and_only_they_repaired(three_indexed, monkeypatch):
    rain, wind, soil = three_indexed
    backend = get_backend()
    backend.delete_speech(speech_id=rain.pk)  # as if indexing was killed before it
    # a transcript saved while the index listener was not there (a killed import)
    from rostra.transcripts.signals import transcript_changed

    receivers = transcript_changed.receivers
    transcript_changed.receivers = []
    try:
        save_transcript(speech=wind, language="fa", origin="human",
                        segments=[SegmentData(0, 2000, "باد در شهرها")])
    finally:
        transcript_changed.receivers = receivers
    check = check_index()
    assert (check.missing, check.stale) == ([rain.pk], [wind.pk])
    assert check.as_dict()["consistent"] is False

    indexed = []
    from rostra.search import consistency

    real = consistency.index_speech
    monkeypatch.setattr(consistency, "index_speech",
                        lambda speech, **kw: indexed.append(speech.slug) or real(speech, **kw))
    assert repair_index(check) == 2
    assert sorted(indexed) == ["rain", "wind"]  # soil was left alone
    assert check_index().consistent
    assert transcript_scope("fa") in backend.indexed_entries()[wind.pk]


def test_status_and_search_check_tell_the_operator(three_indexed, capsys):
    from rostra.cli.commands.search import check_and_repair
    from rostra.cli.commands.status import archive_status, status_rows

    get_backend().delete_speech(speech_id=three_indexed[0].pk)
    assert archive_status()["search_index"]["missing"] == 1
    row = dict(status_rows(archive_status()))["search index"]
    assert "1 speeches not indexed" in row and "rostra search --check --reindex" in row
    assert check_and_repair(repair=False, as_json=False) == 1
    assert "1 of 3 speeches not indexed" in capsys.readouterr().out
    assert check_and_repair(repair=True, as_json=False) == 0
    assert dict(status_rows(archive_status()))["search index"] == "complete"


def without_index_listeners():
    """As if the index update after a save never ran (the process was killed after the
    commit, or the update failed and was only logged)."""
    from contextlib import contextmanager

    from rostra.archive.signals import speech_changed
    from rostra.transcripts.signals import transcript_changed

    @contextmanager
    def context():
        saved = transcript_changed.receivers, speech_changed.receivers
        transcript_changed.receivers, speech_changed.receivers = [], []
        try:
            yield
        finally:
            transcript_changed.receivers, speech_changed.receivers = saved

    return context()


def test_changed_words_in_the_same_languages_are_found_and_only_they_repaired(three_indexed):
    rain, wind, soil = three_indexed
    with without_index_listeners():
        save_transcript(speech=wind, language="en", origin="human",
                        segments=[SegmentData(0, 2000, "A talk about breezes and kites.")])
        Speech.objects.filter(pk=soil.pk).update(title={"en": "Soil and clay"})
    check = check_index()
    assert (check.missing, check.stale) == ([], [wind.pk, soil.pk])
    from rostra.search.service import search_archive

    assert not search_archive("kites", include_unpublished=True).hits  # the index is behind
    assert repair_index(check) == 2
    assert check_index().consistent
    assert [hit.slug for hit in search_archive("kites", include_unpublished=True).hits] == ["wind"]
    assert [hit.slug for hit in search_archive("clay", include_unpublished=True).hits] == ["soil"]


def test_an_entry_indexed_before_fingerprints_reads_as_behind(three_indexed):
    backend = get_backend()
    rain = three_indexed[0]
    if backend.name == "sqlite":
        backend.connection.execute("DELETE FROM search_entry WHERE speech_id = ?", (rain.pk,))
    else:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_entry WHERE speech_id = %s", [rain.pk])
    assert check_index().stale == [rain.pk]
