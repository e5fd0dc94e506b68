"""The speech recognition engine interface; built-in engines and add-ons implement the same one.

An add-on is any class with this interface, selected by ``ROSTRA_ASR_ENGINE=package.module:Class``.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Callable

from rostra.pipeline.types import AsrOptions, PipelineError, TranscriptionResult

# Batched recognition pays once a recording has several 30-second chunks to batch; a short
# clip is faster sequentially (bench/RESULTS.md).
BATCH_FROM_MS = 60_000

# Called with the fraction of the recording done (0.0–1.0) as recognition advances.
ProgressCallback = Callable[[float], None]


class AsrEngine(ABC):
    """Turns a recording into timed, worded segments.

    Implementations load their model once per process (constructing the engine again must be
    cheap) and return a :class:`TranscriptionResult` naming the engine, model, options and
    version that made it. They raise :class:`PipelineError` subclasses for failures an editor
    should read, and never write anything outside their own model cache.
    """

    name: str = ""

    def __init__(self, *, model: str, model_cache: Path, device: str = "auto",
                 compute_type: str = "auto", cpu_threads: int = 0):
        self.model_name = model
        self.model_cache = Path(model_cache)
        self.device = device
        self.compute_type = compute_type
        self.cpu_threads = cpu_threads

    @abstractmethod
    def transcribe_file(self, path: Path, *, options: AsrOptions,
                        on_progress: ProgressCallback | None = None) -> TranscriptionResult:
        """Recognize the whole recording at ``path``."""

    def fingerprint_parts(self, options: AsrOptions) -> dict:
        """What identifies this engine's output for ``options`` (used to skip done work)."""
        return {"engine": self.name, "model": self.model_name, "options": options.as_dict()}


BUILTIN_ENGINES = {
    "faster-whisper": "rostra.pipeline.asr.faster_whisper_engine:FasterWhisperEngine",
}


def asr_engine_class(name: str) -> type[AsrEngine]:
    """The engine class for a built-in name or a ``package.module:Class`` path."""
    target = BUILTIN_ENGINES.get(name, name)
    module_name, _, class_name = target.partition(":")
    if not class_name:
        raise PipelineError(f"unknown speech recognition engine {name!r}; use faster-whisper "
                            "or package.module:Class")
    try:
        module = importlib.import_module(module_name)
        engine_class = getattr(module, class_name)
    except (ImportError, AttributeError) as exc:
        raise PipelineError(f"cannot load the speech recognition engine {name!r} ({exc})") \
            from None
    return engine_class
