"""The speech's glossary from the program: recognition hints and flagged translations."""

from __future__ import annotations

import pytest

from rostra.archive.models import Event, Room, Speaker, Speech, SpeechSpeaker, Topic
from rostra.pipeline.mt.tiny_model import build_tiny_model
from rostra.processing.engines import asr_options_for
from rostra.processing.glossary import speech_glossary
from rostra.processing.translation import (GLOSSARY_TERM_LOST, forget_engines,
                                           translate_transcript)
from rostra.transcripts.domain import SegmentData, save_transcript

pytestmark = pytest.mark.django_db


@pytest.fixture
def speech(data_dir):
    event = Event.objects.create(slug="okd", name={"en": "Open Knowledge Days"},
                                 city={"en": "Tabriz", "fa": "تبریز", "ar": "تبريز"})
    room = Room.objects.create(event=event, slug="ferdowsi",
                               name={"en": "Ferdowsi Hall", "fa": "تالار فردوسی"})
    speech = Speech.objects.create(event=event, slug="rivers", original_language="en",
                                   title={"en": "Rivers"}, room=room)
    speaker = Speaker.objects.create(event=event, slug="siobhan-kowalczyk",
                                     names={"en": "Siobhan Kowalczyk", "fa": "شیوان کوالچیک"})
    SpeechSpeaker.objects.create(speech=speech, speaker=speaker)
    speech.topics.add(Topic.objects.create(event=event, slug="water",
                                           name={"en": "Water", "fa": "آب"}))
    return speech


def test_the_glossary_comes_from_the_program(speech):
    terms = speech_glossary(speech)
    assert [(term.kind, term.spelling("en")) for term in terms] == [
        ("speaker", "Siobhan Kowalczyk"), ("topic", "Water"), ("room", "Ferdowsi Hall"),
        ("city", "Tabriz")]
    assert terms[0].spelling("fa") == "شیوان کوالچیک"


def test_recognition_gets_the_names_as_hotwords_or_prompt(speech, settings):
    options = asr_options_for(speech)
    assert options.hotwords == "Siobhan Kowalczyk, Water, Ferdowsi Hall, Tabriz"
    assert options.initial_prompt == "" and options.as_dict()["hotwords"] == options.hotwords
    settings.ROSTRA_ASR_GLOSSARY = "prompt"
    assert asr_options_for(speech).initial_prompt == options.hotwords
    settings.ROSTRA_ASR_GLOSSARY = "none"
    plain = asr_options_for(speech)
    assert plain.hotwords == plain.initial_prompt == "" and "hotwords" not in plain.as_dict()


def test_a_translation_that_lost_a_name_is_flagged(speech, settings, tmp_path):
    model = build_tiny_model(tmp_path / "nllb", family="nllb")  # random: it loses names
    settings.ROSTRA_MT_ENGINE = "ctranslate2"
    settings.ROSTRA_MT_MODEL = str(model)
    forget_engines()
    try:
        english = save_transcript(speech=speech, language="en", origin="asr",
                                  engine="faster-whisper",
                                  segments=[SegmentData(0, 2000, "Welcome to Tabriz."),
                                            SegmentData(2000, 4000, "Cities reuse water.")])
        persian = translate_transcript(english, "fa")
    finally:
        forget_engines()
    assert GLOSSARY_TERM_LOST in persian.flags
    assert persian.options["glossary_terms"] == 4
    assert "0" in persian.options["glossary_missing"]
    assert "تبریز" in persian.options["glossary_missing"]["0"]
