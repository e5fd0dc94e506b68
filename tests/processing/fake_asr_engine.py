"""A fast stand-in speech engine for orchestration tests only (claims, retries, workers).

It never proves recognition works (tests/pipeline/test_asr_bundled_model.py does that with
the real model). It logs each call as "pid<TAB>file" to $ROSTRA_FAKE_ASR_LOG, so tests can
count how often each recording was recognized and by which process.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from rostra.pipeline.asr.base import AsrEngine
from rostra.pipeline.audio import probe_audio
from rostra.pipeline.types import RecognizedSegment, TranscriptionResult, Word

WORDS = (" Clean", " water", " is", " one", " of", " the", " great", " achievements", " of",
         " modern", " cities.")


class FakeAsrEngine(AsrEngine):
    name = "fake"

    def transcribe_file(self, path, *, options, on_progress=None):
        duration_ms = probe_audio(Path(path)).duration_ms or 0
        log = os.environ.get("ROSTRA_FAKE_ASR_LOG")
        if log:
            with open(log, "a") as handle:
                handle.write(f"{os.getpid()}\t{Path(path).name}\n")
        time.sleep(float(os.environ.get("ROSTRA_FAKE_ASR_SECONDS", "0")))
        if on_progress:
            on_progress(1.0)
        words = tuple(Word(i * 300, i * 300 + 250, text) for i, text in enumerate(WORDS))
        segment = RecognizedSegment(0, words[-1].end_ms, "".join(WORDS).strip(), words)
        return TranscriptionResult(
            engine=self.name, model=self.model_name, engine_version="0", options=options.as_dict(),
            language=options.language or "en", language_probability=1.0,
            duration_ms=duration_ms, segments=(segment,))
