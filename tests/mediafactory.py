"""Tiny real media files for tests, written with PyAV (a tone, silence, a video, breakage)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def write_audio(path: Path, *, seconds: float = 1.0, rate: int = 16000, codec: str = "libopus",
                tone_hz: float = 440.0, silent: bool = False) -> Path:
    """An audio file with a sine tone (or silence). Container chosen by the file extension."""
    rate = 48000 if codec == "libopus" else rate
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate)
        stream.layout = "mono"
        samples = int(seconds * rate)
        t = np.arange(samples) / rate
        wave = np.zeros(samples) if silent else 0.3 * np.sin(2 * np.pi * tone_hz * t)
        pcm = (wave * 32767).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def write_video(path: Path, *, seconds: float = 1.0, with_audio: bool = True,
                video_codec: str = "libvpx", audio_codec: str = "libopus") -> Path:
    """A small video (solid colour frames at 2 fps), with or without a sound track."""
    with av.open(str(path), "w") as container:
        video = container.add_stream(video_codec, rate=2)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        audio = None
        if with_audio:
            audio = container.add_stream(audio_codec, rate=48000)
            audio.layout = "mono"
        for index in range(max(1, int(seconds * 2))):
            image = np.full((48, 64, 3), (index * 40) % 255, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, 2)
            for packet in video.encode(frame):
                container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)
        if audio is not None:
            samples = int(seconds * 48000)
            pcm = (0.2 * np.sin(np.arange(samples) / 20) * 32767).astype(np.int16).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
            frame.sample_rate = 48000
            for packet in audio.encode(frame):
                container.mux(packet)
            for packet in audio.encode(None):
                container.mux(packet)
    return path


def truncate(path: Path, *, keep: float = 0.5) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path
