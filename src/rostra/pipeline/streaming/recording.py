"""The recording kept while streaming: raw PCM appended as it arrives, encoded at the end.

Appending raw 16-bit samples makes the file its own progress record: after a crash its size
says exactly how much audio was kept, so a restarted job resumes there. At the end it is
encoded once to Opus, which becomes the speech's media.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from rostra.pipeline.audio import SAMPLE_RATE

BYTES_PER_SAMPLE = 2
ENCODE_CHUNK_SAMPLES = SAMPLE_RATE * 10


class PcmRecording:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            # A crash can leave half a sample at the end; drop it.
            size = self.path.stat().st_size
            if size % BYTES_PER_SAMPLE:
                os.truncate(self.path, size - size % BYTES_PER_SAMPLE)
        self._handle = open(self.path, "ab")

    @property
    def recorded_ms(self) -> int:
        return self.path.stat().st_size // BYTES_PER_SAMPLE * 1000 // SAMPLE_RATE

    def append(self, samples: np.ndarray) -> None:
        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
        self._handle.write(pcm.tobytes())
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()


def recorded_ms_of(path: Path) -> int:
    path = Path(path)
    return path.stat().st_size // BYTES_PER_SAMPLE * 1000 // SAMPLE_RATE if path.exists() else 0


def encode_recording(pcm_path: Path, destination: Path) -> Path:
    """Encode the raw recording to Opus in Ogg at ``destination`` (written then renamed)."""
    import av

    destination = Path(destination)
    partial = destination.with_name(destination.name + ".part")
    with av.open(os.fspath(partial), "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=48000)
        stream.layout = "mono"
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        with open(pcm_path, "rb") as handle:
            while True:
                data = handle.read(ENCODE_CHUNK_SAMPLES * BYTES_PER_SAMPLE)
                if not data:
                    break
                pcm = np.frombuffer(data, dtype="<i2").reshape(1, -1)
                frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
                frame.sample_rate = SAMPLE_RATE
                for out in resampler.resample(frame):
                    for packet in stream.encode(out):
                        container.mux(packet)
        for out in resampler.resample(None):
            for packet in stream.encode(out):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    os.replace(partial, destination)
    return destination
