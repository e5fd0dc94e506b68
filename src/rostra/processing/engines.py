"""Which engines and options processing uses, from the ROSTRA_* settings; one per process."""

from __future__ import annotations

import threading

from django.conf import settings

from rostra.archive.models import Speech
from rostra.pipeline.asr.base import BATCH_FROM_MS, AsrEngine, asr_engine_class
from rostra.pipeline.types import AsrOptions, pause_ms_for

_engines: dict[tuple, AsrEngine] = {}
_lock = threading.Lock()


def asr_engine() -> AsrEngine:
    """The configured speech engine, built once per process (its model loads on first use)."""
    from rostra.core.storage import model_cache_dir

    key = (settings.ROSTRA_ASR_ENGINE, settings.ROSTRA_ASR_MODEL, settings.ROSTRA_ASR_DEVICE,
           settings.ROSTRA_ASR_COMPUTE_TYPE, settings.ROSTRA_ASR_THREADS, str(model_cache_dir()))
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine_class = asr_engine_class(key[0])
            engine = engine_class(model=key[1], model_cache=model_cache_dir(), device=key[2],
                                  compute_type=key[3], cpu_threads=key[4])
            _engines[key] = engine
        return engine


def asr_options_for(speech: Speech) -> AsrOptions:
    """Recognition options for ``speech``: its program language when known, else detection."""
    batched = settings.ROSTRA_ASR_BATCHED
    if batched == "auto":
        # Batching paid on 2 CPU cores too (bench/RESULTS.md: 1.6× the sequential pipeline on
        # ten minutes, same word error rate), but only once there are several 30-second
        # chunks to batch: a short clip is faster sequentially.
        duration_ms = speech.media.duration_ms if speech.media_id else None
        batched = "true" if (duration_ms or 0) >= BATCH_FROM_MS else "false"
    language = speech.original_language or None
    return AsrOptions(
        language=language,
        beam_size=settings.ROSTRA_ASR_BEAM_SIZE,
        batched=batched == "true",
        batch_size=settings.ROSTRA_ASR_BATCH_SIZE,
        chunk_pause_ms=pause_ms_for(settings.ROSTRA_ASR_CHUNKS),
        **glossary_hint_options(speech, language),
    )


def glossary_hint_options(speech: Speech, language: str | None) -> dict[str, str]:
    """The speech's program names for the decoder, as ROSTRA_ASR_GLOSSARY says."""
    from rostra.pipeline.glossary import asr_hints
    from rostra.processing.glossary import speech_glossary

    how = settings.ROSTRA_ASR_GLOSSARY
    if how == "none":
        return {}
    hints = asr_hints(speech_glossary(speech), language)
    if not hints:
        return {}
    return {"hotwords": hints} if how == "hotwords" else {"initial_prompt": hints}
