"""Dataclasses at the pipeline boundary, and the errors a stage can raise.

Times are integer milliseconds, as everywhere in rostra. Every result carries the engine,
model, options and engine version that made it, so provenance survives into the archive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class PipelineError(Exception):
    """A failure of a stage, described in words an editor understands.

    ``permanent`` errors (a corrupt file, a language the model cannot hear) will fail again
    the same way, so they are recorded, not retried; temporary ones (a busy database, shared
    storage briefly unreachable) are retried with growing delays.
    """

    permanent = True


class MediaError(PipelineError):
    """The recording cannot be decoded into audio: corrupt, truncated, no sound, empty."""


class ModelUnavailable(PipelineError):
    """The configured model is not present and cannot be made present here."""


class UnsupportedLanguage(PipelineError):
    """The speech model cannot recognize the requested language."""


class TemporaryPipelineError(PipelineError):
    permanent = False


@dataclass(frozen=True)
class Word:
    start_ms: int
    end_ms: int
    text: str  # as the engine spells it, with its leading space
    probability: float = 1.0

    def as_row(self) -> list:
        """The compact form stored in Segment.words: [start_ms, end_ms, text, probability]."""
        return [self.start_ms, self.end_ms, self.text, round(self.probability, 3)]


@dataclass(frozen=True)
class RecognizedSegment:
    start_ms: int
    end_ms: int
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0


# Batched chunks end at a pause of at least this long (ROSTRA_ASR_CHUNKS=pauses): shorter
# ones are the gaps between words, longer ones are rarer than sentences (bench/RESULTS.md).
PAUSE_MS = 500


def pause_ms_for(chunks_setting: str) -> int:
    """AsrOptions.chunk_pause_ms for a ROSTRA_ASR_CHUNKS value ("pauses" or "vad")."""
    return PAUSE_MS if chunks_setting == "pauses" else 0


BATCH_ONLY_OPTIONS = ("chunk_pause_ms", "chunk_min_seconds", "chunk_plan")
# How chunks are cut at pauses (asr/chunking.py): "packed" = as few <= 30-s chunks as fit,
# cut where the pauses are longest (each chunk costs a full 30-s encoder pass, however short);
# "longest" = each chunk ends at the longest pause once chunk_min_seconds long (more chunks).
CHUNK_PLANS = ("packed", "longest")


@dataclass(frozen=True)
class AsrOptions:
    """What a recognition run was asked to do; recorded with its result and in fingerprints."""

    language: str | None = None  # None: detect from the audio
    beam_size: int = 5
    vad_filter: bool = True
    word_timestamps: bool = True
    batched: bool = False
    batch_size: int = 8
    # Batched chunks: 0 = faster-whisper's own (VAD regions glued up to 30 s); otherwise
    # stretches of the recording cut at pauses of at least this many ms (asr/chunking.py).
    chunk_pause_ms: int = PAUSE_MS
    chunk_min_seconds: float = 10.0  # "longest" only
    chunk_plan: str = "packed"
    condition_on_previous_text: bool = True
    window_seconds: int = 600  # audio decoded and recognized per window (bounds memory)
    # The speech's glossary names (rostra.pipeline.glossary.asr_hints), given to the decoder
    # as faster-whisper hotwords (every window) or as its initial prompt (the first).
    hotwords: str = ""
    initial_prompt: str = ""

    def as_dict(self) -> dict[str, Any]:
        options = asdict(self)
        for name in ("hotwords", "initial_prompt"):  # absent when unused: older runs match
            if not options[name]:
                del options[name]
        if not self.batched:  # how batches are cut means nothing to a sequential run
            for name in BATCH_ONLY_OPTIONS:
                del options[name]
        return options


@dataclass(frozen=True)
class TranscriptionResult:
    engine: str
    model: str
    engine_version: str
    options: dict[str, Any]
    language: str
    language_probability: float
    duration_ms: int
    segments: tuple[RecognizedSegment, ...] = ()
    device: str = ""
    compute_type: str = ""
    flags: tuple[str, ...] = ()
    processing_seconds: float = 0.0

    @property
    def text(self) -> str:
        return " ".join(segment.text for segment in self.segments).strip()

    @property
    def words(self) -> list[Word]:
        return [word for segment in self.segments for word in segment.words]


@dataclass(frozen=True)
class Cue:
    """A subtitle cue: at most two lines, with the words it was cut from."""

    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    words: tuple[Word, ...] = field(default=(), repr=False)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)
