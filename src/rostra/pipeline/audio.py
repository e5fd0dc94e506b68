"""Decode any recording to 16 kHz mono float32 with PyAV, in bounded windows.

A three-hour recording is 690 MB as float32 samples; decoding it whole would make memory grow
with the recording. :func:`iter_audio_windows` instead yields windows of a few minutes, each
cut at the quietest moment near its end so a word is not split between two windows.

Every failure is a :class:`MediaError` whose message an editor can act on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from rostra.pipeline.types import MediaError

SAMPLE_RATE = 16_000
# How far back from a window's end we look for a quiet moment to cut at, and its resolution.
CUT_SEARCH_SECONDS = 15
CUT_FRAME_SECONDS = 0.1
# Decoded audio this much shorter than the container says (and at least this many seconds)
# means the file was cut off: an interrupted upload or copy.
TRUNCATION_RATIO = 0.9
TRUNCATION_MIN_MISSING_S = 2.0


@dataclass(frozen=True)
class AudioWindow:
    offset_ms: int  # where this window starts in the recording
    samples: np.ndarray  # float32 mono at 16 kHz

    @property
    def duration_ms(self) -> int:
        return int(len(self.samples) * 1000 / SAMPLE_RATE)


@dataclass(frozen=True)
class AudioInfo:
    duration_ms: int | None
    has_video: bool
    channels: int
    sample_rate: int
    codec: str


def _open(path: Path):
    import av

    path = Path(path)
    if not path.exists():
        raise MediaError(f"the recording {path.name} is missing from media storage")
    if path.stat().st_size == 0:
        raise MediaError(f"the recording {path.name} is an empty file (0 bytes); upload it again")
    try:
        container = av.open(os.fspath(path), metadata_errors="ignore")
    except av.error.EOFError:
        raise MediaError(f"the recording {path.name} is truncated (it ends before its own "
                         "headers do); upload a complete copy") from None
    except av.FFmpegError as exc:
        raise MediaError(
            f"the recording {path.name} cannot be read as audio or video ({_why(exc)}); "
            "it may be corrupt or not a media file: upload it again") from None
    if not container.streams.audio:
        has_video = bool(container.streams.video)
        container.close()
        if has_video:
            raise MediaError(f"the recording {path.name} is a video without sound; "
                             "attach a recording that has an audio track")
        raise MediaError(f"the recording {path.name} has no audio track")
    return container


def _why(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def probe_audio(path: Path) -> AudioInfo:
    """Read the container's description of its first audio stream (no decoding)."""
    container = _open(path)
    try:
        stream = container.streams.audio[0]
        return AudioInfo(duration_ms=_declared_duration_ms(container, stream),
                         has_video=bool(container.streams.video),
                         channels=stream.codec_context.channels or 0,
                         sample_rate=stream.codec_context.sample_rate or 0,
                         codec=stream.codec_context.name or "")
    finally:
        container.close()


def _container_cut_short(path: Path) -> bool:
    """Whether the file ends before its own container says it should.

    FFmpeg decodes a cut-off WAV or Ogg file without complaint, and both formats make that
    visible cheaply: a WAV header states the byte count, an Ogg stream marks its last page.
    """
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(12)
        if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
            declared = int.from_bytes(head[4:8], "little") + 8
            # 0 and 0xFFFFFFFF are "unknown length" (a streamed or huge WAV), not truncation.
            return 8 < declared < 0xFFFFFFFF and size < declared
        if head[:4] == b"OggS":
            handle.seek(max(0, size - 65_536))
            tail = handle.read()
            last = tail.rfind(b"OggS")
            # byte 5 of a page header holds its flags; 0x04 marks the end of the stream
            return last < 0 or len(tail) < last + 6 or not tail[last + 5] & 0x04
    return False


def _declared_duration_ms(container, stream) -> int | None:
    if stream.duration is not None and stream.time_base is not None:
        return int(stream.duration * stream.time_base * 1000)
    if container.duration is not None:
        return int(container.duration / 1000)  # av.time_base is microseconds
    return None


def _iter_decoded_chunks(path: Path) -> Iterator[np.ndarray]:
    """Yield mono 16 kHz float32 chunks as they come out of the decoder."""
    import av

    container = _open(path)
    declared_ms = _declared_duration_ms(container, container.streams.audio[0])
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    decoded_samples = 0
    try:
        stream = container.streams.audio[0]
        try:
            for frame in container.decode(stream):
                frame.pts = None  # let the resampler ignore gaps in the source timestamps
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    decoded_samples += len(chunk)
                    yield chunk
            for out in resampler.resample(None):
                chunk = out.to_ndarray().reshape(-1)
                decoded_samples += len(chunk)
                yield chunk
        except av.FFmpegError as exc:
            raise MediaError(
                f"the recording {Path(path).name} is damaged after "
                f"{_clock(decoded_samples * 1000 // SAMPLE_RATE)} ({_why(exc)}); "
                "upload a complete copy") from None
    finally:
        container.close()
    decoded_ms = decoded_samples * 1000 // SAMPLE_RATE
    if _container_cut_short(path):
        raise MediaError(
            f"the recording {Path(path).name} is truncated: its audio stops at "
            f"{_clock(decoded_ms)} before the end the file announces; upload a complete copy")
    if decoded_samples == 0:
        raise MediaError(f"the recording {Path(path).name} contains no audio samples; "
                         "it may be truncated or corrupt: upload it again")
    if declared_ms and decoded_ms < declared_ms * TRUNCATION_RATIO and \
            declared_ms - decoded_ms > TRUNCATION_MIN_MISSING_S * 1000:
        raise MediaError(
            f"the recording {Path(path).name} is truncated: it should last "
            f"{_clock(declared_ms)} but its audio stops at {_clock(decoded_ms)}; "
            "upload a complete copy")


def _clock(ms: int) -> str:
    seconds = int(ms // 1000)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _quietest_cut(samples: np.ndarray, search_from: int) -> int:
    """Index of the start of the quietest short frame at or after ``search_from``."""
    frame = int(CUT_FRAME_SECONDS * SAMPLE_RATE)
    tail = samples[search_from:]
    count = len(tail) // frame
    if count < 2:
        return len(samples)
    energy = np.square(tail[: count * frame].reshape(count, frame)).mean(axis=1)
    return search_from + int(np.argmin(energy)) * frame


def iter_audio_windows(path: Path, *, window_seconds: float = 600) -> Iterator[AudioWindow]:
    """Yield the recording as consecutive windows of about ``window_seconds``.

    Memory stays near one window plus the cut search margin, whatever the recording's length.
    The whole file is checked as it is decoded: a truncated or damaged file raises MediaError
    (after the windows before the damage were yielded, so callers must not save anything
    until the generator is exhausted).
    """
    window = int(window_seconds * SAMPLE_RATE)
    margin = int(CUT_SEARCH_SECONDS * SAMPLE_RATE)
    pending: list[np.ndarray] = []
    pending_len = 0
    offset = 0
    for chunk in _iter_decoded_chunks(path):
        pending.append(chunk)
        pending_len += len(chunk)
        if pending_len >= window + margin:
            buffer = np.concatenate(pending)
            cut = _quietest_cut(buffer[: window + margin], window - margin)
            yield AudioWindow(offset * 1000 // SAMPLE_RATE, buffer[:cut])
            offset += cut
            rest = buffer[cut:]
            pending, pending_len = [rest], len(rest)
    if pending_len:
        yield AudioWindow(offset * 1000 // SAMPLE_RATE, np.concatenate(pending))


def decode_audio(path: Path) -> np.ndarray:
    """The whole recording as one float32 array (for short clips and tests)."""
    chunks = list(_iter_decoded_chunks(path))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
