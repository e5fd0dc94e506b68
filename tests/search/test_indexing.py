"""The index follows the archive: transcripts saved, edited or deleted; speeches withdrawn."""

from __future__ import annotations

import pytest

from rostra.archive.domain.publishing import publish_speech, withdraw_speech
from rostra.search.backends.registry import get_backend
from rostra.search.indexing import segment_windows
from rostra.search.service import search_archive
from rostra.transcripts.domain import SegmentData, save_transcript
from rostra.transcripts.models import Transcript
from rostra.transcripts.signals import transcript_deleted

pytestmark = pytest.mark.django_db


@pytest.fixture
def keyword_only(settings):
    """Index without embeddings: these tests are about freshness, not meaning."""
    settings.ROSTRA_EMBEDDINGS = "none"


def test_saved_transcript_is_searchable_at_once(archive, data_dir, keyword_only,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        speech = archive.speech("rain", title={"en": "Rain"},
                                transcripts={"en": ["Rain gardens soak up storm water."]})
    assert [hit.slug for hit in search_archive("storm", mode="keyword").hits] == ["rain"]

    with django_capture_on_commit_callbacks(execute=True):
        save_transcript(speech=speech, language="en", origin="human",
                        segments=[SegmentData(0, 2000, "Green roofs cool buildings.")])
    assert search_archive("storm", mode="keyword").total == 0
    assert search_archive("roofs", mode="keyword").hits[0].slug == "rain"


def test_human_transcript_is_preferred_over_machine(archive, data_dir, keyword_only,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        speech = archive.speech("soil", title={"en": "Soil"},
                                transcripts={"en": ["Healthy soil holds more carbon."]})
        save_transcript(speech=speech, language="fa", origin="mt",
                        segments=[SegmentData(0, 2000, "خاک سالم کربن بیشتری نگه می‌دارد.")])
        save_transcript(speech=speech, language="fa", origin="human",
                        segments=[SegmentData(0, 2000, "خاکِ سالم، کربنِ بیشتری را نگه می‌دارد.")])
        publish_speech(speech, languages=["en", "fa"])
    hits = search_archive("کربن", mode="keyword").hits
    assert len(hits) == 1 and len([m for m in hits[0].matches if m.kind == "segment"]) == 1
    assert "کربنِ" in hits[0].matches[0].snippet


def test_withdrawn_speech_disappears_from_public_search(archive, data_dir, keyword_only,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        speech = archive.speech("bees", title={"en": "Bees"},
                                transcripts={"en": ["Bees pollinate orchards."]})
    assert search_archive("orchards", mode="keyword").total == 1
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_speech(speech)
    assert search_archive("orchards", mode="keyword").total == 0
    assert search_archive("orchards", mode="keyword", include_unpublished=True).total == 1


def test_deleted_transcript_and_speech_leave_the_index(archive, data_dir, keyword_only,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        speech = archive.speech("maps", title={"en": "Maps"},
                                transcripts={"en": ["Old maps show rivers that moved."]})
    transcript = Transcript.objects.get(speech=speech, language="en")
    transcript_id = transcript.pk
    transcript.delete()
    transcript_deleted.send(sender=Transcript, transcript_id=transcript_id, speech_id=speech.pk)
    assert search_archive("rivers", mode="keyword", include_unpublished=True).total == 0
    assert search_archive("maps", mode="keyword", include_unpublished=True).total == 1  # title
    speech.delete()
    assert get_backend().stats()["documents"] == 0


def test_a_failing_index_never_breaks_the_save(archive, data_dir, keyword_only, monkeypatch,
                                               django_capture_on_commit_callbacks):
    from rostra.search import indexing

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(indexing, "index_speech", broken)
    with django_capture_on_commit_callbacks(execute=True):
        speech = archive.speech("clouds", title={"en": "Clouds"},
                                transcripts={"en": ["Clouds reflect sunlight."]})
    assert Transcript.objects.filter(speech=speech).count() == 1


def test_segments_are_merged_into_paragraph_windows():
    class Seg:
        def __init__(self, text):
            self.text = text

    windows = segment_windows([Seg("a" * 200), Seg("b" * 200), Seg("c" * 200), Seg(" "),
                               Seg("d" * 10)])
    assert [len(w) for w in windows] == [3, 1]
