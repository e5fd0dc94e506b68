"""A real spoken recording for browser tests: espeak-ng reads sentences, PyAV encodes Opus/WebM.

Each sentence's start and end in the file are measured while concatenating, so the transcript
segments built from them line up with what the player actually plays.
"""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import av
import numpy as np

from rostra.transcripts.domain import SegmentData

PAUSE_SECONDS = 0.35
RATE = 48000


def _speak(text: str, voice: str, path: Path) -> np.ndarray:
    subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", str(path), text], check=True,
                   capture_output=True, timeout=60)
    with wave.open(str(path)) as handle:
        rate = handle.getframerate()
        samples = np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16)
    # Linear resampling to 48 kHz (Opus's rate) is plenty for synthetic speech.
    positions = np.linspace(0, len(samples) - 1, int(len(samples) * RATE / rate))
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.int16)


def spoken_recording(sentences: list[str], *, voice: str, folder: Path,
                     name: str = "speech.webm") -> tuple[Path, list[tuple[int, int]]]:
    """Write ``folder/name`` reading ``sentences``.

    Returns the file and each sentence's (start_ms, end_ms) in it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    pieces, spans, cursor = [], [], 0
    pause = np.zeros(int(PAUSE_SECONDS * RATE), dtype=np.int16)
    for index, sentence in enumerate(sentences):
        audio = _speak(sentence, voice, folder / f"sentence-{index}.wav")
        start = cursor
        cursor += len(audio)
        spans.append((start * 1000 // RATE, cursor * 1000 // RATE))
        pieces += [audio, pause]
        cursor += len(pause)
    pcm = np.concatenate(pieces).reshape(1, -1)
    path = folder / name
    with av.open(str(path), "w", format="webm") as container:
        stream = container.add_stream("libopus", rate=RATE)
        stream.layout = "mono"
        frame_size = 960 * 50
        for offset in range(0, pcm.shape[1], frame_size):
            chunk = np.ascontiguousarray(pcm[:, offset:offset + frame_size])
            frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout="mono")
            frame.sample_rate = RATE
            frame.pts = offset
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path, spans


def timed_segments(lines: list[str], spans: list[tuple[int, int]]) -> list[SegmentData]:
    return [SegmentData(start, end, text) for text, (start, end) in zip(lines, spans)]
