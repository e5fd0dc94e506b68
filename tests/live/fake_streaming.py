"""A stand-in for a loaded Whisper model, for tests of live orchestration (not recognition).

It "hears" one word per second of audio, named after the second of the stream it is in, so
consecutive hypotheses agree and words commit; ``ROSTRA_FAKE_STEP_SECONDS`` makes each step
slow, to put recognition behind real time. Selected in a subprocess with
``ROSTRA_ASR_ENGINE=fake_streaming:FakeStreamingEngine``.
"""

from __future__ import annotations

import os
import time
from types import SimpleNamespace

from rostra.pipeline.asr.base import AsrEngine

SAMPLE_RATE = 16000


class FakeStreamingModel:
    def __init__(self, step_seconds: float = 0.0):
        self.step_seconds = step_seconds
        self.calls = 0
        self.longest_buffer = 0

    def transcribe(self, audio, **options):
        self.calls += 1
        self.longest_buffer = max(self.longest_buffer, len(audio))
        time.sleep(self.step_seconds)
        whole_seconds = len(audio) // SAMPLE_RATE
        words = [SimpleNamespace(start=second + 0.1, end=second + 0.6,
                                 word=f" w{second}" + ("." if second % 3 == 2 else ""),
                                 probability=0.9)
                 for second in range(whole_seconds)]
        segment = SimpleNamespace(words=words)
        return iter([segment] if words else []), SimpleNamespace(language="en")


class FakeStreamingEngine(AsrEngine):
    name = "fake-streaming"

    def transcribe_file(self, path, *, options, on_progress=None):
        raise NotImplementedError("live tests only")

    loaded_with_threads: list[int] = []  # what each load() was asked for, for the tests

    def load(self, *, cpu_threads: int = 0):
        self.loaded_with_threads.append(cpu_threads)
        return FakeStreamingModel(float(os.environ.get("ROSTRA_FAKE_STEP_SECONDS", "0")))
