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


def write_recording(path: Path, *, audio_tracks: list[tuple[np.ndarray, str]],
                    seconds: float | None = None, video: bool = True, fmt: str | None = None,
                    size: tuple[int, int] = (64, 48), rate: int = 16000) -> Path:
    """A recording with a picture (optional) and several audio tracks, as streams record them.

    ``audio_tracks`` holds (mono int16 samples at ``rate``, ISO 639-2 language tag or "").
    ``fmt`` names the container (mpegts, flv, matroska…); by default the file extension does.
    Video is H.264 at 5 fps in moving grey levels, so thumbnails differ from one another.
    """
    length = seconds or max(len(samples) for samples, _ in audio_tracks) / rate
    audio_codec = "libmp3lame" if fmt == "flv" else "aac"
    with av.open(str(path), "w", format=fmt) as container:
        picture = None
        if video:
            picture = container.add_stream("libx264", rate=5)
            picture.width, picture.height, picture.pix_fmt = size[0], size[1], "yuv420p"
            picture.options = {"preset": "ultrafast"}
        sounds = []
        for _, tag in audio_tracks:
            stream = container.add_stream(audio_codec, rate=44100 if fmt == "flv" else 48000)
            stream.layout = "mono"
            if tag:
                stream.metadata["language"] = tag
            sounds.append(stream)
        if picture is not None:
            for index in range(max(1, int(length * 5))):
                image = np.full((size[1], size[0], 3), (index * 23) % 255, dtype=np.uint8)
                frame = av.VideoFrame.from_ndarray(image, format="rgb24")
                frame.pts, frame.time_base = index, Fraction(1, 5)
                for packet in picture.encode(frame):
                    container.mux(packet)
            for packet in picture.encode(None):
                container.mux(packet)
        for stream, (samples, _) in zip(sounds, audio_tracks):
            frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1).astype(np.int16),
                                               format="s16", layout="mono")
            frame.sample_rate = rate
            resampler = av.AudioResampler(format=stream.codec_context.codec.audio_formats[0].name,
                                          layout="mono", rate=stream.codec_context.sample_rate)
            for converted in resampler.resample(frame) + resampler.resample(None):
                for packet in stream.encode(converted):
                    container.mux(packet)
            for packet in stream.encode(None):
                container.mux(packet)
    return path


def tone(seconds: float, *, hz: float = 440.0, rate: int = 16000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * hz * t) * 32767).astype(np.int16)


def spoken(text: str, *, voice: str, folder: Path, rate: int = 16000) -> np.ndarray:
    """``text`` read by espeak-ng, as mono int16 samples at ``rate``."""
    import subprocess
    import wave

    wav = folder / f"spoken-{abs(hash((text, voice)))}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(wav), text], check=True,
                   capture_output=True, timeout=60)
    with wave.open(str(wav)) as handle:
        source_rate = handle.getframerate()
        samples = np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16)
    positions = np.linspace(0, len(samples) - 1, int(len(samples) * rate / source_rate))
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.int16)
