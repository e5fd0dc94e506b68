"""Live audio sources: a stream URL, a local file played at real-time pace, raw PCM on stdin.

Every source yields 16 kHz mono float32 chunks. :func:`read_live_audio` wraps a source in the
reconnect policy: a network source that drops is opened again with growing delays and the
missing time reported as a gap; it ends when the source stays away too long, a file or stdin
ends at its end, and a stop request ends any of them.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

import numpy as np

from rostra.pipeline.audio import SAMPLE_RATE
from rostra.pipeline.types import MediaError

STDIN = "-"
# Raw PCM on stdin: signed 16-bit little-endian, mono, 16 kHz; read 100 ms at a time.
PCM_CHUNK_BYTES = SAMPLE_RATE // 10 * 2
URL_SCHEMES = ("http://", "https://", "udp://", "srt://", "rtmp://", "rtmps://", "rtsp://",
               "tcp://", "icecast://")
OPEN_TIMEOUT_SECONDS = 10
READ_TIMEOUT_SECONDS = 5
BACKOFF_SECONDS = (0.5, 1, 2, 4, 8)


class SourceError(MediaError):
    """The source cannot be read at all (a missing file, an unknown scheme): not worth retrying."""


class SourceDropped(Exception):
    """A network source stopped delivering; it may come back."""


@dataclass(frozen=True)
class SourceAudio:
    samples: np.ndarray  # float32, 16 kHz mono


@dataclass(frozen=True)
class SourceLost:
    reason: str  # the source stopped; reconnecting


@dataclass(frozen=True)
class SourceGap:
    missing_ms: int  # wall-clock time the source was away
    reason: str


def source_kind(spec: str) -> str:
    """``stdin``, ``url`` or ``file``; raises SourceError for a source that cannot exist."""
    if spec == STDIN:
        return "stdin"
    if spec.lower().startswith(URL_SCHEMES):
        return "url"
    if "://" in spec:
        raise SourceError(f"the live source {spec!r} uses a scheme rostra does not read; "
                          "give an http(s), udp, srt, rtmp or rtsp URL, a file, or - for stdin")
    path = Path(spec)
    if not path.is_file():
        raise SourceError(f"the live source {spec} does not exist; give a stream URL, a "
                          "recording file, or - for raw PCM on stdin")
    if path.stat().st_size == 0:
        raise SourceError(f"the live source {spec} is an empty file; give a recording")
    return "file"


def _to_float(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def read_pcm_stream(stream: BinaryIO) -> Iterator[np.ndarray]:
    """Raw s16le 16 kHz mono PCM as chunks until the writer closes the pipe."""
    leftover = b""
    while True:
        data = stream.read(PCM_CHUNK_BYTES)
        if not data:
            return
        data = leftover + data
        usable = len(data) - len(data) % 2
        leftover = data[usable:]
        if usable:
            yield _to_float(data[:usable])


def decode_media(spec: str, *, timeout: bool) -> Iterator[np.ndarray]:
    """Decode any PyAV input to chunks; a network failure raises SourceDropped."""
    import av

    options = {"timeout": (OPEN_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS)} if timeout else {}
    try:
        container = av.open(spec, metadata_errors="ignore", **options)
    except (av.FFmpegError, OSError) as exc:
        if timeout:
            raise SourceDropped(f"cannot open {spec} ({exc})") from None
        raise SourceError(f"the live source {spec} cannot be read as audio ({exc})") from None
    try:
        if not container.streams.audio:
            raise SourceError(f"the live source {spec} has no audio track")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(stream):
                frame.pts = None
                for out in resampler.resample(frame):
                    yield out.to_ndarray().reshape(-1)
        except (av.FFmpegError, OSError) as exc:
            if timeout:
                raise SourceDropped(f"{spec} stopped ({exc})") from None
            raise SourceError(f"the live source {spec} is damaged ({exc})") from None
    finally:
        container.close()


def paced(chunks: Iterator[np.ndarray], stop: threading.Event) -> Iterator[np.ndarray]:
    """Yield no faster than real time (a file played as if it were a live stream)."""
    started = time.monotonic()
    played = 0
    for chunk in chunks:
        ahead = started + played / SAMPLE_RATE - time.monotonic()
        if ahead > 0 and stop.wait(ahead):
            return
        played += len(chunk)
        yield chunk


def skipped(chunks: Iterator[np.ndarray], skip_samples: int) -> Iterator[np.ndarray]:
    """Drop the first ``skip_samples`` (a restarted job resumes a file where it stopped)."""
    for chunk in chunks:
        if skip_samples >= len(chunk):
            skip_samples -= len(chunk)
            continue
        yield chunk[skip_samples:]
        skip_samples = 0


def read_live_audio(spec: str, *, stop: threading.Event, skip_ms: int = 0,
                    give_up_seconds: float = 60, stdin: BinaryIO | None = None
                    ) -> Iterator[SourceAudio | SourceLost | SourceGap]:
    """The source's audio, reconnecting a dropped network source (see the module doc)."""
    kind = source_kind(spec)
    skip = skip_ms * SAMPLE_RATE // 1000
    if kind == "stdin":
        for chunk in read_pcm_stream(stdin or sys.stdin.buffer):
            if stop.is_set():
                return
            yield SourceAudio(chunk)
        return
    if kind == "file":
        for chunk in paced(skipped(decode_media(os.fspath(spec), timeout=False), skip), stop):
            yield SourceAudio(chunk)
        return
    yield from _reconnecting(spec, stop=stop, give_up_seconds=give_up_seconds)


def _reconnecting(spec: str, *, stop: threading.Event, give_up_seconds: float
                  ) -> Iterator[SourceAudio | SourceLost | SourceGap]:
    dropped_at: float | None = None
    attempt = 0
    reason = ""
    while not stop.is_set():
        try:
            for chunk in paced(decode_media(spec, timeout=True), stop):
                if dropped_at is not None:
                    yield SourceGap(round((time.monotonic() - dropped_at) * 1000), reason)
                    dropped_at, attempt = None, 0
                yield SourceAudio(chunk)
            reason = "the stream ended"
        except SourceDropped as exc:
            reason = str(exc)
        if dropped_at is None:  # a failed reconnect attempt keeps the first drop's time
            dropped_at = time.monotonic()
            yield SourceLost(reason)
        if time.monotonic() - dropped_at >= give_up_seconds:
            return
        delay = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)]
        attempt += 1
        if stop.wait(delay):
            return
