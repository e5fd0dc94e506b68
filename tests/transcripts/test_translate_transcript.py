"""translate_transcript: the configured engine writes a labeled machine translation, or nothing."""

from __future__ import annotations

import pytest

from rostra.pipeline.mt.base import TranslationModelError, UnsupportedLanguagePair
from rostra.pipeline.mt.tiny_model import build_tiny_model, build_tiny_opus_pairs
from rostra.processing.translation import (forget_engines, translate_transcript,
                                           translation_engine_status)
from rostra.transcripts.domain import SegmentData, save_transcript
from rostra.transcripts.models import Transcript

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny-mt")
    nllb = build_tiny_model(root / "nllb", family="nllb")
    build_tiny_opus_pairs(root / "opus", [("fa", "en"), ("en", "ar")])
    return {"nllb": nllb, "opus": root / "opus"}


@pytest.fixture
def configure(settings):
    def apply(**values):
        for name, value in values.items():
            setattr(settings, f"ROSTRA_MT_{name}", value)
        forget_engines()
    yield apply
    forget_engines()


@pytest.fixture
def english(speech):
    return save_transcript(speech=speech, language="en", origin="asr", engine="faster-whisper",
                           segments=[SegmentData(0, 2000, "Rain gardens help"),
                                     SegmentData(2000, 4500, "cities stay cool. Solar panels"),
                                     SegmentData(4500, 6000, "make power.")])


def test_no_engine_means_no_translation(configure, english):
    configure(ENGINE="none")
    assert translate_transcript(english, "fa") is None
    assert not Transcript.objects.filter(origin="mt").exists()
    assert translation_engine_status()["present"] is False


def test_ctranslate2_translation_is_labeled_and_aligned(configure, english, tiny_models):
    configure(ENGINE="ctranslate2", MODEL=str(tiny_models["nllb"]), BEAM_SIZE=2)
    human = save_transcript(speech=english.speech, language="fa", origin="human",
                            segments=[SegmentData(0, 6000, "ترجمهٔ انسانی")])
    result = translate_transcript(english, "fa")
    assert result.origin == "mt" and result.is_machine and result.language == "fa"
    assert result.source == english
    assert result.engine == "ctranslate2" and result.model == str(tiny_models["nllb"])
    assert result.engine_version
    assert result.options["beam_size"] == 2 and result.options["family"] == "nllb"
    assert result.options["source_language"] == "en" and result.options["sentence_context"]
    assert len(result.fingerprint) == 64
    assert list(result.segments.values_list("start_ms", "end_ms")) == [
        (0, 2000), (2000, 4500), (4500, 6000)]
    assert all(text for text in result.segments.values_list("text", flat=True))
    human.refresh_from_db()
    assert list(human.segments.values_list("text", flat=True)) == ["ترجمهٔ انسانی"]
    again = translate_transcript(english, "fa")
    assert again.pk == result.pk and again.fingerprint == result.fingerprint


def test_pivot_is_recorded(configure, speech, tiny_models):
    configure(ENGINE="ctranslate2", MODEL=str(tiny_models["opus"]))
    persian = save_transcript(speech=speech, language="fa", origin="human",
                              segments=[SegmentData(0, 1500, "شهرها آب را بازیافت می‌کنند.")])
    result = translate_transcript(persian, "ar")
    assert result.options["pivot"] == "en" and result.options["family"] == "opus-mt"
    assert result.segments.count() == 1


def test_unsupported_pair_writes_nothing(configure, english, tiny_models):
    configure(ENGINE="ctranslate2", MODEL=str(tiny_models["opus"]))
    with pytest.raises(UnsupportedLanguagePair):
        translate_transcript(english, "fa")  # only fa→en and en→ar exist
    assert not Transcript.objects.filter(origin="mt").exists()


def test_missing_model_folder(configure, english, tmp_path):
    configure(ENGINE="ctranslate2", MODEL=str(tmp_path / "nowhere"))
    with pytest.raises(TranslationModelError, match="does not exist"):
        translate_transcript(english, "fa")
    status = translation_engine_status()
    assert status["present"] is False and "does not exist" in status["detail"]


def test_status_of_a_present_model(configure, tiny_models):
    configure(ENGINE="ctranslate2", MODEL=str(tiny_models["opus"]))
    assert translation_engine_status() == {
        "engine": "ctranslate2", "model": str(tiny_models["opus"]), "present": True,
        "detail": "OPUS-MT pair models: en→ar, fa→en"}
    configure(ENGINE="libretranslate", URL="http://127.0.0.1:5000")
    assert translation_engine_status()["present"] is None
