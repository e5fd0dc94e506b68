"""Reprocessing never writes over what an editor did to a machine transcript."""

import pytest

from rostra.processing.in_process import process_speech
from rostra.transcripts.domain import HUMAN_EDITED_FLAG, SegmentData, save_transcript
from rostra.transcripts.models import Transcript

pytestmark = pytest.mark.django_db


def test_translation_stage_keeps_an_edited_machine_translation(monkeypatch, settings):
    from rostra.archive.models import Event, Speech
    from rostra.processing import domain

    event = Event.objects.create(slug="okd", name={"en": "OKD"})
    speech = Speech.objects.create(event=event, slug="water", title={"en": "Water"},
                                   original_language="en")
    source = save_transcript(speech=speech, language="en", origin="human",
                             segments=[SegmentData(0, 1000, "Water in cities.")])
    edited = save_transcript(speech=speech, language="fa", origin="mt", source=source,
                             segments=[SegmentData(0, 1000, "آب در شهرها.")],
                             engine="ctranslate2", model="tiny")
    Transcript.objects.filter(pk=edited.pk).update(flags=[HUMAN_EDITED_FLAG])

    def translate_over_it(source, target_language):
        return save_transcript(speech=speech, language=target_language, origin="mt",
                               source=source, segments=[SegmentData(0, 1000, "machine")],
                               engine="ctranslate2", model="tiny")

    monkeypatch.setattr(domain, "_run_translation",
                        lambda speech, run: translate_over_it(source, "fa"))
    [outcome] = process_speech(speech, stages=["translate:fa"], force=True)
    assert outcome.status == "skipped"
    assert "editor has worked" in outcome.message
    assert list(Transcript.objects.get(pk=edited.pk).segments.values_list("text", flat=True)) \
        == ["آب در شهرها."]
