"""Speech recognition with faster-whisper (CTranslate2 Whisper models).

The model is loaded once per process and shared by every call (a worker that handles a
hundred speeches loads it once). Audio is decoded and recognized window by window so memory
stays bounded; the language detected in the first window with speech is kept for the rest.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from rostra.pipeline.asr.base import AsrEngine, ProgressCallback
from rostra.pipeline.asr.chunking import (MAX_CHUNK_SECONDS, SAMPLE_RATE, Chunk, plan_chunks,
                                          plan_packed_chunks)
from rostra.pipeline.audio import iter_audio_windows, probe_audio
from rostra.pipeline.weights import choose_device, resolve_asr_model
from rostra.pipeline.types import (AsrOptions, ModelUnavailable, RecognizedSegment,
                                   TranscriptionResult, UnsupportedLanguage, Word)

_models: dict[tuple, object] = {}
_models_lock = threading.Lock()


def load_whisper_model(path: Path, *, device: str, compute_type: str, cpu_threads: int):
    """The WhisperModel for these settings, loaded on first use and kept for the process."""
    key = (str(path), device, compute_type, cpu_threads)
    with _models_lock:
        model = _models.get(key)
        if model is None:
            from faster_whisper import WhisperModel

            try:
                model = WhisperModel(str(path), device=device, compute_type=compute_type,
                                     cpu_threads=cpu_threads)
            except (RuntimeError, ValueError) as exc:
                raise ModelUnavailable(
                    f"cannot load the speech model in {path} on {device} ({exc}); check "
                    "ROSTRA_ASR_MODEL, ROSTRA_ASR_DEVICE and ROSTRA_ASR_COMPUTE_TYPE") from None
            _models[key] = model
        return model


def loaded_model_count() -> int:
    return len(_models)


def supported_languages() -> frozenset[str]:
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return frozenset(_LANGUAGE_CODES)


def engine_version() -> str:
    import ctranslate2
    import faster_whisper

    return f"faster-whisper {faster_whisper.__version__}; ctranslate2 {ctranslate2.__version__}"


class FasterWhisperEngine(AsrEngine):
    name = "faster-whisper"

    def resolved(self):
        """(model spec, device, compute type, threads) after resolving every 'auto'."""
        spec = resolve_asr_model(self.model_name, model_cache=self.model_cache)
        device, compute_type = choose_device(self.device, self.compute_type)
        threads = self.cpu_threads or (os.cpu_count() or 1)
        return spec, device, compute_type, threads

    def load(self, *, cpu_threads: int = 0):
        """The loaded model; ``cpu_threads`` overrides the engine's own count when not 0."""
        spec, device, compute_type, threads = self.resolved()
        return load_whisper_model(spec.path, device=device, compute_type=compute_type,
                                  cpu_threads=cpu_threads or threads)

    def transcribe_file(self, path: Path, *, options: AsrOptions,
                        on_progress: ProgressCallback | None = None) -> TranscriptionResult:
        started = time.monotonic()
        language = options.language
        if language and language not in supported_languages():
            raise UnsupportedLanguage(
                f"the speech model cannot recognize language {language!r}; correct the "
                "speech's language or import a human transcript")
        # Read the file before loading the model: a broken upload fails in milliseconds.
        declared_ms = probe_audio(path).duration_ms or 0
        spec, device, compute_type, _ = self.resolved()
        model = self.load()
        if language and language != "en" and not model.model.is_multilingual:
            raise UnsupportedLanguage(
                f"the speech model {self.model_name} knows English only, the speech is in "
                f"{language!r}; configure a multilingual model in ROSTRA_ASR_MODEL")
        segments: list[RecognizedSegment] = []
        language_probability = 1.0 if language else 0.0
        duration_ms = 0
        for window in iter_audio_windows(path, window_seconds=options.window_seconds):
            duration_ms = window.offset_ms + window.duration_ms
            found, info = self._recognize_window(model, window.samples, language, options)
            for segment in found:
                converted = _convert_segment(segment, window.offset_ms)
                if converted.text:
                    segments.append(converted)
                if on_progress and declared_ms:
                    on_progress(min(1.0, converted.end_ms / declared_ms))
            if language is None and segments:
                # Keep the first window's language: a speech does not switch language midway
                # often enough to justify detecting it again on every window.
                language, language_probability = info.language, info.language_probability
            if on_progress and declared_ms:
                on_progress(min(1.0, duration_ms / declared_ms))
        flags = () if segments else ("no-speech",)
        return TranscriptionResult(
            engine=self.name, model=self.model_name, engine_version=engine_version(),
            options=options.as_dict(), language=language or options.language or "",
            language_probability=round(float(language_probability), 3),
            duration_ms=duration_ms, segments=tuple(segments), device=device,
            compute_type=compute_type, flags=flags,
            processing_seconds=round(time.monotonic() - started, 2))

    def _recognize_window(self, model, samples, language, options: AsrOptions):
        if options.batched:
            return recognize_batched(model, samples, language, options)
        return model.transcribe(samples, vad_filter=options.vad_filter,
                                condition_on_previous_text=options.condition_on_previous_text,
                                **decoding_options(language, options))


def decoding_options(language, options: AsrOptions) -> dict:
    """What sequential and batched recognition both pass to faster-whisper."""
    common = dict(language=language, beam_size=options.beam_size,
                  word_timestamps=options.word_timestamps)
    if options.hotwords:
        common["hotwords"] = options.hotwords
    if options.initial_prompt:
        common["initial_prompt"] = options.initial_prompt
    return common


def recognize_batched(model, samples, language, options: AsrOptions):
    """Batched recognition of one window: (segments in time order, faster-whisper's info)."""
    from faster_whisper import BatchedInferencePipeline

    common = dict(decoding_options(language, options), batch_size=options.batch_size)
    pipeline = BatchedInferencePipeline(model)
    chunks = _chunks_at_pauses(samples, options) if options.chunk_pause_ms else []
    if not chunks:  # faster-whisper's own chunks (also what it makes of a silent window)
        found, info = pipeline.transcribe(samples, vad_filter=options.vad_filter, **common)
        return list(found), info
    clips = [dict(zip(("start", "end"), chunk.seconds)) for chunk in chunks]
    found, info = pipeline.transcribe(samples, clip_timestamps=clips, vad_filter=False, **common)
    per_chunk: dict[int, list] = {}
    for segment in found:  # a segment's seek is its chunk's start, in frames
        per_chunk.setdefault(segment.seek, []).append(segment)
    frames = model.frames_per_second
    # The pipeline's own arithmetic: clip start in samples, back to seconds, then frames.
    texts = [per_chunk.get(int(int(clip["start"] * SAMPLE_RATE) / SAMPLE_RATE * frames), [])
             for clip in clips]
    return [segment for chunk_segments in texts for segment in chunk_segments], info


def _chunks_at_pauses(samples, options: AsrOptions) -> list[Chunk]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if options.vad_filter:
        vad = VadOptions(min_silence_duration_ms=options.chunk_pause_ms, speech_pad_ms=200,
                         max_speech_duration_s=MAX_CHUNK_SECONDS - 1)
        regions = [(r["start"], r["end"]) for r in get_speech_timestamps(samples, vad)]
    else:
        regions = [(0, len(samples))]
    if options.chunk_plan == "longest":
        return plan_chunks(regions, min_seconds=options.chunk_min_seconds)
    return plan_packed_chunks(regions)


def _convert_segment(segment, offset_ms: int) -> RecognizedSegment:
    words = tuple(
        Word(start_ms=offset_ms + round(word.start * 1000),
             end_ms=offset_ms + round(word.end * 1000),
             text=word.word, probability=float(word.probability))
        for word in (segment.words or ())
    )
    text = "".join(word.text for word in words).strip() if words else segment.text.strip()
    return RecognizedSegment(
        start_ms=offset_ms + round(segment.start * 1000),
        end_ms=offset_ms + round(segment.end * 1000),
        text=text, words=words, avg_logprob=float(segment.avg_logprob),
        no_speech_prob=float(segment.no_speech_prob))
