"""The real bundled Whisper base model on a short synthetic clip: text and invariants."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

import mediafactory
from rostra.pipeline.asr import faster_whisper_engine
from rostra.pipeline.asr.faster_whisper_engine import FasterWhisperEngine
from rostra.pipeline.segmentation import cues_from_segments
from rostra.pipeline.types import AsrOptions, UnsupportedLanguage

pytestmark = pytest.mark.slow

SENTENCE = ("The city library opened a new science wing this spring. "
            "Visitors can explore exhibits about the ocean, the stars, and the human heart.")


def normalized(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return FasterWhisperEngine(model="bundled-base",
                               model_cache=tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is needed to synthesize the test clip (apt install espeak-ng)")
    path = tmp_path_factory.mktemp("clip") / "library.wav"
    subprocess.run(["espeak-ng", "-w", str(path), SENTENCE], check=True, capture_output=True)
    return path


@pytest.fixture(scope="module")
def result(engine, clip):
    return engine.transcribe_file(clip, options=AsrOptions())


def test_recognizes_the_clip_exactly(result):
    assert normalized(result.text) == normalized(SENTENCE)
    assert result.language == "en"
    assert result.flags == ()


def test_result_records_engine_model_options_and_version(result):
    assert result.engine == "faster-whisper"
    assert result.model == "bundled-base"
    assert result.options["vad_filter"] is True and result.options["word_timestamps"] is True
    assert result.engine_version.startswith("faster-whisper ")
    assert (result.device, result.compute_type) == ("cpu", "int8")
    assert 7000 < result.duration_ms < 10000


def test_joined_words_equal_each_segment_text(result):
    for segment in result.segments:
        assert "".join(word.text for word in segment.words).strip() == segment.text
        times = [(word.start_ms, word.end_ms) for word in segment.words]
        assert all(start <= end for start, end in times)
        assert times == sorted(times)
        assert segment.start_ms <= times[0][0] and times[-1][1] <= segment.end_ms + 20


def test_cues_from_real_words_respect_the_limits(result):
    cues = cues_from_segments(result.segments)
    assert cues
    for cue in cues:
        assert len(cue.lines) <= 2 and all(len(line) <= 42 for line in cue.lines)
        assert 1000 <= cue.end_ms - cue.start_ms <= 7000
    assert normalized(" ".join(cue.text for cue in cues)) == normalized(SENTENCE)


def test_batched_chunks_cut_at_pauses_hear_every_sentence(engine, tmp_path):
    """The real batched pipeline decodes rostra's chunks (more than one here: the recording is
    longer than Whisper's 30 s) and every chunk's words come back, in order, once."""
    import wave

    import numpy as np

    from rostra.pipeline.audio import SAMPLE_RATE, decode_audio

    subprocess.run(["espeak-ng", "-w", str(tmp_path / "once.wav"), SENTENCE], check=True,
                   capture_output=True)
    once = decode_audio(tmp_path / "once.wav")
    pause = np.zeros(2 * SAMPLE_RATE, dtype=np.float32)
    samples = np.concatenate([once, pause] * 4)
    assert len(samples) > 30 * SAMPLE_RATE
    path = tmp_path / "four.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    result = engine.transcribe_file(path, options=AsrOptions(language="en", batched=True))
    assert result.options["chunk_pause_ms"] > 0
    assert normalized(result.text).count("city library opened a new science wing") == 4
    starts = [segment.start_ms for segment in result.segments]
    assert len(starts) == 2 and starts == sorted(starts)
    # Each chunk starts where a sentence does (faster-whisper's own chunks cut the fourth
    # sentence in two: its second chunk begins "Visitors can explore").
    assert all(normalized(segment.text).startswith("the city library")
               for segment in result.segments)


def test_silence_gives_no_segments_and_is_flagged(engine, tmp_path):
    silent = mediafactory.write_audio(tmp_path / "silence.ogg", seconds=3, silent=True)
    result = engine.transcribe_file(silent, options=AsrOptions(language="en"))
    assert result.segments == ()
    assert result.flags == ("no-speech",)


def test_the_model_is_loaded_once_per_process(engine, clip, result):
    loaded = faster_whisper_engine.loaded_model_count()
    again = FasterWhisperEngine(model="bundled-base", model_cache=engine.model_cache)
    again.transcribe_file(clip, options=AsrOptions(language="en", beam_size=1))
    assert faster_whisper_engine.loaded_model_count() == loaded


def test_a_language_the_model_cannot_hear_is_one_clear_error(engine, clip):
    with pytest.raises(UnsupportedLanguage, match="cannot recognize language 'xx'"):
        engine.transcribe_file(clip, options=AsrOptions(language="xx"))


def test_a_short_audio_context_feeds_the_encoder_only_the_buffers_length(engine, clip):
    """Live recognition's encoder input is cut to the audio it holds, and still hears it."""
    from rostra.pipeline.audio import SAMPLE_RATE, decode_audio
    from rostra.pipeline.streaming.audio_context import context_frames, short_audio_context

    model = engine.load()
    audio = decode_audio(clip)
    frames = context_frames(len(audio), SAMPLE_RATE)
    assert 1500 <= frames < 3000  # a clip of a few seconds: the minimum context
    seen = []
    real_encode = model.model.encode

    class CountingModel:  # CTranslate2's model, to see the encoder's input length
        def __getattr__(self, name):
            return getattr(real_encode.__self__, name)

        def encode(self, features, **options):
            seen.append(features.shape[-1])
            return real_encode(features, **options)

    whisper, model.model = model.model, CountingModel()
    try:
        with short_audio_context(model, frames):
            segments, _ = model.transcribe(audio, language="en", beam_size=1,
                                           word_timestamps=True)
            text = "".join(segment.text for segment in segments)
    finally:
        model.model = whisper
    assert seen == [frames]
    assert "library" in normalized(text) and "science" in normalized(text)
    assert "encode" not in vars(model)  # the model is as it was outside the block
