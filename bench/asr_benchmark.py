"""Speech recognition on CPU: plain faster-whisper as a user writes it vs rostra's pipeline.

    python bench/asr_benchmark.py [--long-seconds 600] [--batched] [--skip-long]

Sets: (1) the English demo recordings (src/rostra/demo/media, references in
src/rostra/demo/subtitles/<slug>.en.vtt); (2) one recording of at least --long-seconds made by
concatenating those with synthetic English speech (espeak-ng, several voices and speeds, texts
in bench/asr_corpus.txt). Every variant runs in its own child process, so its peak memory
(VmHWM of the child, see own_peak_mb) is its own; model loading is counted apart from recognition. Prints real-time
factor (processing time / audio time), speed-up over the baseline, peak memory and word error
rate (jiwer, lower-cased, punctuation removed) against the references.

Variants:
  baseline  WhisperModel(model_dir).transcribe(path) with default options (what a user writes)
  rostra      rostra.pipeline FasterWhisperEngine with rostra's defaults (CPU int8, threads =
              cores, VAD, word timestamps, windows of 10 min, batched for recordings of a
              minute or more, then cut into cues) — what `rostra process` runs
  sequential  (--variants) the same without batching, to show what batching does

Each variant's transcript is kept in bench/out/asr-cache/hyp-VARIANT-RECORDING.txt;
bench/asr_errors.py shows where two of them differ.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "src" / "rostra" / "demo"
CORPUS = Path(__file__).resolve().parent / "asr_corpus.txt"
# Inside the checkout (bench/out is ignored by git): a benchmark reads nothing outside it.
CACHE = Path(os.environ.get("ROSTRA_BENCH_CACHE", REPO / "bench" / "out" / "asr-cache"))
VOICES = [("en-us", 165), ("en", 175), ("en-us+f3", 155), ("en+m3", 185)]


def asr_setting(name: str):
    """A ROSTRA_ASR_* value parsed as rostra parses it (no Django in a benchmark child)."""
    from rostra.config import SETTINGS_BY_NAME, read_setting

    return read_setting(SETTINGS_BY_NAME[name], os.environ)


def model_dir() -> Path:
    from rostra.pipeline.weights import ensure_bundled_model

    return ensure_bundled_model(CACHE / "models" / "asr" / "bundled-base")


# --- child: one variant on one file ------------------------------------------------------------

def own_peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB.

    Not ru_maxrss: Linux carries the resident size of the forked copy of the parent over
    exec into ru_maxrss, so a child of a parent holding an hour of audio would look as big.
    VmHWM belongs to the address space the child itself built.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(variant: str, audio: str) -> None:
    started = time.monotonic()
    if variant == "baseline":
        from faster_whisper import WhisperModel

        model = WhisperModel(str(model_dir()))
        loaded = time.monotonic()
        segments, _ = model.transcribe(audio)
        text = " ".join(segment.text.strip() for segment in segments)
    else:
        from rostra.pipeline.asr.faster_whisper_engine import FasterWhisperEngine
        from rostra.pipeline.segmentation import cues_from_segments
        from rostra.pipeline.types import AsrOptions, pause_ms_for

        # The same settings `rostra process` reads (ROSTRA_ASR_COMPUTE_TYPE, _BEAM_SIZE…).
        engine = FasterWhisperEngine(
            model="bundled-base", model_cache=CACHE / "models",
            compute_type=asr_setting("ROSTRA_ASR_COMPUTE_TYPE"),
            cpu_threads=asr_setting("ROSTRA_ASR_THREADS"))
        engine.load()
        loaded = time.monotonic()
        from rostra.pipeline.audio import probe_audio
        from rostra.pipeline.asr.base import BATCH_FROM_MS

        batched = asr_setting("ROSTRA_ASR_BATCHED")
        if batched == "auto":  # as rostra.processing.engines.asr_options_for decides
            batched = "true" if (probe_audio(Path(audio)).duration_ms or 0) >= BATCH_FROM_MS \
                else "false"
        if variant != "rostra":
            batched = "true" if variant == "batched" else "false"
        options = AsrOptions(beam_size=asr_setting("ROSTRA_ASR_BEAM_SIZE"),
                             batched=batched == "true",
                             chunk_pause_ms=pause_ms_for(asr_setting("ROSTRA_ASR_CHUNKS")))
        result = engine.transcribe_file(Path(audio), options=options)
        cues_from_segments(result.segments)
        text = result.text
    finished = time.monotonic()
    # Kept for reading the errors: CACHE/hyp-<variant>-<recording>.txt
    (CACHE / f"hyp-{variant}-{Path(audio).stem}.txt").write_text(text + "\n")
    print(json.dumps({"load_s": loaded - started, "run_s": finished - loaded, "text": text,
                      "peak_mb": own_peak_mb()}))


def memory_child(variant: str, audio: str) -> None:
    """Decoding (and, for the baseline, feature extraction) of a long recording, no decoding
    of text: the part of each pipeline whose memory grows with the recording's length."""
    started = time.monotonic()
    if variant == "hour-baseline":
        from faster_whisper.audio import decode_audio
        from faster_whisper.feature_extractor import FeatureExtractor

        samples = decode_audio(audio)  # what WhisperModel.transcribe(path) does first
        FeatureExtractor()(samples)  # then the log-mel features of the whole recording
    else:
        from rostra.pipeline.audio import iter_audio_windows

        for window in iter_audio_windows(Path(audio), window_seconds=600):
            pass
    print(json.dumps({"load_s": 0.0, "run_s": time.monotonic() - started, "text": "",
                      "peak_mb": own_peak_mb()}))


def hour_recording() -> Path:
    target = CACHE / "hour.wav"
    if not target.exists():
        ten = decode(CACHE / "long-600.wav")
        write_wav(target, np.concatenate([ten] * 6))
    return target


def run_child(variant: str, audio: Path) -> dict:
    process = subprocess.Popen([sys.executable, __file__, "--child", variant, str(audio)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    output = process.stdout.read()
    if process.wait() != 0:
        raise SystemExit(f"variant {variant} failed on {audio}")
    return json.loads(output.strip().splitlines()[-1])


# --- the audio sets ------------------------------------------------------------------------------

def vtt_text(path: Path) -> str:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return " ".join(line for line in lines if line and "-->" not in line
                    and not line.isdigit() and line != "WEBVTT" and not line.startswith("NOTE"))


def english_demo() -> list[tuple[str, Path, str]]:
    manifest = json.loads((DEMO / "manifest.json").read_text())
    found = []
    for speech in manifest["speeches"]:
        reference = DEMO / "subtitles" / f"{speech['slug']}.en.vtt"
        if speech["language"] == "en" and reference.exists():
            found.append((speech["slug"], DEMO / speech["media"]["file"], vtt_text(reference)))
    return found


def decode(path: Path) -> np.ndarray:
    from rostra.pipeline.audio import decode_audio

    return decode_audio(path)


def write_wav(path: Path, samples: np.ndarray) -> None:
    import wave

    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(pcm.tobytes())


def long_recording(demo, seconds: float) -> tuple[Path, str, float]:
    """A recording of at least ``seconds``: the demo speeches, then synthetic speech."""
    target = CACHE / f"long-{int(seconds)}.wav"
    reference_file = target.with_suffix(".txt")
    pieces = [(decode(path), text) for _, path, text in demo]
    paragraphs = [line.strip() for line in CORPUS.read_text().splitlines() if line.strip()]
    pause = np.zeros(16000, dtype=np.float32)
    if not target.exists():
        total = sum(len(samples) for samples, _ in pieces) / 16000
        index = 0
        while total < seconds:
            voice, speed = VOICES[(index // len(paragraphs)) % len(VOICES)]
            text = paragraphs[index % len(paragraphs)]
            with tempfile.NamedTemporaryFile(suffix=".wav") as wav:
                subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", wav.name, text],
                               check=True, capture_output=True)
                samples = decode(Path(wav.name))
            pieces.append((samples, text))
            total += len(samples) / 16000 + 1
            index += 1
        audio = np.concatenate([part for samples, _ in pieces for part in (samples, pause)])
        write_wav(target, audio)
        reference_file.write_text(" ".join(text for _, text in pieces))
    duration = len(decode(target)) / 16000
    return target, reference_file.read_text(), duration


# --- figures --------------------------------------------------------------------------------

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
# British spellings in the references that Whisper writes the American way.
SPELLING = {"neighbours": "neighbors", "neighbour": "neighbor", "colour": "color",
            "centre": "center", "metres": "meters", "kilometres": "kilometers"}


def number_words(value: int) -> str:
    """1–999 999 in words, so "200" and "two hundred" count as the same words."""
    if value < 20:
        return ONES[value]
    if value < 100:
        return TENS[value // 10] + ("" if value % 10 == 0 else " " + ONES[value % 10])
    if value < 1000:
        rest = value % 100
        return ONES[value // 100] + " hundred" + (" " + number_words(rest) if rest else "")
    rest = value % 1000
    return number_words(value // 1000) + " thousand" + (" " + number_words(rest) if rest else "")


def normalize(text: str) -> str:
    """Lower case, no punctuation, numbers as words, one spelling: what WER should not count."""
    text = text.lower().replace("-", " ").replace("%", " percent")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"\d+", lambda match: number_words(int(match.group()))
                  if int(match.group()) < 1_000_000 else match.group(), text)
    words = re.sub(r"[^\w\s']", " ", text).split()
    return " ".join(SPELLING.get(word, word) for word in words)


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return jiwer.wer(normalize(reference), normalize(hypothesis))


def measure(name: str, items: list[tuple[Path, str, float]], variants: list[str]) -> dict:
    rows = {}
    for variant in variants:
        run_s = load_s = 0.0
        peak = 0.0
        references, hypotheses = [], []
        for audio, reference, _ in items:
            result = run_child(variant, audio)
            run_s += result["run_s"]
            load_s = max(load_s, result["load_s"])
            peak = max(peak, result["peak_mb"])
            references.append(reference)
            hypotheses.append(result["text"])
        audio_s = sum(duration for _, _, duration in items)
        rows[variant] = {"audio_s": audio_s, "run_s": run_s, "rtf": run_s / audio_s,
                         "load_s": load_s, "peak_mb": peak,
                         "wer": wer(" ".join(references), " ".join(hypotheses))}
    print(f"\n{name}: {len(items)} recording(s), {rows[variants[0]]['audio_s']:.0f} s of audio")
    print(f"{'variant':10} {'RTF':>7} {'speed-up':>9} {'run s':>8} {'load s':>7} "
          f"{'peak MB':>8} {'WER':>7}")
    base = rows["baseline"]["rtf"] if "baseline" in rows else rows[variants[0]]["rtf"]
    for variant, row in rows.items():
        print(f"{variant:10} {row['rtf']:7.3f} {base / row['rtf']:8.2f}x {row['run_s']:8.1f} "
              f"{row['load_s']:7.1f} {row['peak_mb']:8.0f} {row['wer'] * 100:6.2f}%")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "AUDIO"), help=argparse.SUPPRESS)
    parser.add_argument("--long-seconds", type=float, default=600)
    parser.add_argument("--skip-long", action="store_true")
    parser.add_argument("--batched", action="store_true", help="also run the batched variant")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--hour", action="store_true",
                        help="also measure decoding memory on a one-hour recording")
    parser.add_argument("--variants", default="", help="comma separated, e.g. rostra,batched")
    args = parser.parse_args()
    if args.child:
        if args.child[0].startswith("hour-"):
            memory_child(*args.child)
        else:
            child(*args.child)
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    model_dir()
    variants = ["baseline", "rostra"] + (["batched"] if args.batched else [])
    if args.variants:
        variants = args.variants.split(",")
    print(f"cores: {os.cpu_count()}  model: bundled-base (Whisper base)  "
          f"beam: {asr_setting('ROSTRA_ASR_BEAM_SIZE')}  compute type: "
          f"{asr_setting('ROSTRA_ASR_COMPUTE_TYPE')}")
    demo = english_demo()
    items = [(path, text, len(decode(path)) / 16000) for _, path, text in demo]
    figures = {}
    if not args.skip_demo:
        figures["demo"] = measure("English demo speeches", items, variants)
    if not args.skip_long:
        path, reference, duration = long_recording(demo, args.long_seconds)
        figures["long"] = measure(f"one long recording ({duration / 60:.1f} min)",
                                  [(path, reference, duration)], variants)
        for variant, row in figures["long"].items():
            per_hour = row["peak_mb"]  # memory is bounded by the window, not the length
            print(f"{variant}: peak {per_hour:.0f} MB for {duration / 60:.1f} min of audio")
    if args.hour:
        hour = hour_recording()
        print(f"\none hour ({len(decode(hour)) / 3600 / 16000:.2f} h), decoding only:")
        for variant in ("hour-baseline", "hour-rostra"):
            row = run_child(variant, hour)
            figures[variant] = row
            print(f"{variant:14} peak {row['peak_mb']:7.0f} MB  {row['run_s']:6.1f} s")
    print("\nJSON " + json.dumps(figures))


if __name__ == "__main__":
    main()
