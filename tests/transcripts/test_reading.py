"""The one rule of who reads which transcript, and which origin a reader gets first."""

from __future__ import annotations

import pytest

from rostra.transcripts.models import Transcript
from rostra.transcripts.origins import ORIGIN_PREFERENCE, origin_rank
from rostra.transcripts.reading import (language_is_public, preferred_transcript,
                                        readable_transcripts)

pytestmark = pytest.mark.django_db


def add(speech, language, origin, status=Transcript.Status.DONE):
    return Transcript.objects.create(speech=speech, language=language, origin=origin,
                                     status=status)


def kinds(transcripts):
    return [(t.language, t.origin) for t in transcripts]


def test_every_origin_is_ranked_once():
    assert sorted(ORIGIN_PREFERENCE) == sorted(Transcript.Origin.values)
    assert [origin_rank(origin) for origin in ORIGIN_PREFERENCE] == \
        list(range(len(ORIGIN_PREFERENCE)))
    assert origin_rank("not-yet-ranked") == len(ORIGIN_PREFERENCE)


def test_a_public_reader_reads_only_the_published_languages(speech):
    add(speech, "en", "asr")
    add(speech, "en", "human")
    add(speech, "fa", "mt")
    add(speech, "ar", "mt", status=Transcript.Status.FAILED)
    speech.published_languages = ["en"]
    assert kinds(readable_transcripts(speech, sees_unpublished=False)) == [
        ("en", "human"), ("en", "asr")]
    assert kinds(readable_transcripts(speech, sees_unpublished=True)) == [
        ("en", "human"), ("en", "asr"), ("fa", "mt")]


def test_no_published_languages_named_means_every_language(speech):
    add(speech, "fa", "mt")
    add(speech, "en", "asr")
    speech.published_languages = []
    assert kinds(readable_transcripts(speech, sees_unpublished=False)) == [
        ("en", "asr"), ("fa", "mt")]
    assert language_is_public([], "ar") and language_is_public(None, "ar")
    assert not language_is_public(["en"], "ar")


def test_the_preferred_transcript_is_a_persons_before_a_machines(speech):
    add(speech, "fa", "mt")
    assert preferred_transcript(speech, "fa").origin == "mt"
    add(speech, "fa", "human")
    assert preferred_transcript(speech, "fa").origin == "human"
    speech.published_languages = ["en"]
    assert preferred_transcript(speech, "fa", sees_unpublished=False) is None
    assert preferred_transcript(speech, "ar") is None
