"""WER (and run time) of batched decoding variants on the long benchmark recording, one process.

    python bench/asr_variants.py VARIANT [VARIANT ...]

The search behind bench/RESULTS.md "Long recordings": each variant decodes
bench/out/asr-cache/long-600.wav (made by bench/asr_benchmark.py) with the int8 model that
rostra uses, window by window as rostra does, and prints its WER with the benchmark's own
normalization. Run times here are for comparing variants of one run only; the figures in
RESULTS.md come from asr_benchmark.py under the quiet lock. Variants:

  fw-vad              faster-whisper's own batched VAD chunks (rostra before this change)
  fw-vad-sil:MS       the same with VAD min_silence_duration_ms=MS
  pauses:MS[:MIN]     rostra's chunks: contiguous audio cut at the longest pause of at least MS
                      ms, each chunk MIN..30 s (default MIN 15)
  packed:MS[:CAP]     the same VAD regions packed into as few <= 30-s chunks as fit, cut
                      where the pauses are longest (each counted up to CAP s, default 2)

The second-pass variants in RESULTS.md (+ctx, +ctx-low:LP: chunks decoded again by plain
faster-whisper with the previous chunk's text as prompt) were measured with this script at
commit 3c699a9 of branch wer-gap; the second pass lost words and time, and was removed.
"""

from __future__ import annotations

import sys
from statistics import quantiles
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from asr_benchmark import CACHE, model_dir, wer  # noqa: E402


def run(variant: str, model, path: Path) -> tuple[str, float]:
    from rostra.pipeline.asr.faster_whisper_engine import FasterWhisperEngine  # noqa: F401
    from rostra.pipeline.asr import faster_whisper_engine as engine
    from rostra.pipeline.audio import iter_audio_windows
    from rostra.pipeline.types import AsrOptions

    started = time.monotonic()
    cpu_started = time.process_time()
    texts = []
    kind, *numbers = variant.split(":")
    for window in iter_audio_windows(path, window_seconds=600):
        if kind == "fw-vad":
            from faster_whisper import BatchedInferencePipeline

            vad = {"min_silence_duration_ms": int(numbers[0])} if numbers else None
            found, _ = BatchedInferencePipeline(model).transcribe(
                window.samples, language="en", beam_size=5, word_timestamps=True,
                vad_filter=True, vad_parameters=vad, batch_size=8)
            texts.extend(segment.text.strip() for segment in found)
            continue
        if kind == "packed" and len(numbers) > 1:
            from rostra.pipeline.asr.chunking import plan_packed_chunks

            cap = float(numbers[1])
            engine.plan_packed_chunks = lambda regions, cap=cap: plan_packed_chunks(
                regions, pause_cap_seconds=cap)
        else:
            engine.plan_packed_chunks = PLAN_PACKED
        options = AsrOptions(language="en", batched=True,
                             chunk_plan="packed" if kind == "packed" else "longest",
                             chunk_pause_ms=int(numbers[0]),
                             chunk_min_seconds=float(numbers[1]) if len(numbers) > 1 else 15.0)
        CHUNK_COUNTS.append(len(engine._chunks_at_pauses(window.samples, options)))
        found, _ = engine.recognize_batched(model, window.samples, "en", options)
        texts.extend(segment.text.strip() for segment in found)
        LOGPROBS.extend(segment.avg_logprob for segment in found)
    CPU_SECONDS.append(time.process_time() - cpu_started)
    return " ".join(texts), time.monotonic() - started


from rostra.pipeline.asr.chunking import plan_packed_chunks as PLAN_PACKED  # noqa: E402

CPU_SECONDS: list[float] = []  # CPU time of the variant: steadier than wall time under load
CHUNK_COUNTS: list[int] = []  # chunks planned per window (each costs a full 30-s encoder pass)
LOGPROBS: list[float] = []  # of the variant's segments, to choose the second pass's threshold


def main() -> None:
    from faster_whisper import WhisperModel

    path = CACHE / "long-600.wav"
    reference = path.with_suffix(".txt").read_text()
    model = WhisperModel(str(model_dir()), device="cpu", compute_type="int8")
    sequential = model.transcribe
    redone = []

    def counted(*args, **kwargs):  # the second pass's re-decodes, counted per variant
        redone.append(1)
        return sequential(*args, **kwargs)

    model.transcribe = counted
    for variant in sys.argv[1:]:
        redone.clear()
        LOGPROBS.clear()
        CHUNK_COUNTS.clear()
        text, seconds = run(variant, model, path)
        safe = variant.replace(":", "_").replace("+", "_")
        (CACHE / f"hyp-v-{safe}-long-600.txt").write_text(text + "\n")
        deciles = " ".join(f"{q:.2f}" for q in quantiles(LOGPROBS, n=10)) \
            if len(LOGPROBS) > 1 else "-"
        print(f"{variant:28} WER {wer(reference, text) * 100:5.2f}%  run {seconds:6.1f} s  "
              f"cpu {CPU_SECONDS[-1]:6.1f} s  chunks {sum(CHUNK_COUNTS)}  "
              f"chunks decoded again {len(redone)}  "
              f"avg_logprob deciles {deciles}", flush=True)


if __name__ == "__main__":
    main()
