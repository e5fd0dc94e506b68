"""Live captions: committed-caption latency, live vs offline WER, CPU per room, rooms kept up
with, and Server-Sent Events fan-out.

    python bench/live_benchmark.py [--seconds 30] [--rooms 1,2] [--readers 100,500,1000]

English speech read by espeak-ng (texts below) is fed at real time, 100 ms at a time, to
rostra's streaming recognizer (LocalAgreement-2 over the bundled Whisper base model, CPU
int8, beam 1, VAD). Each room is a process of its own, as `rostra live` runs them.

- latency: for every committed word, wall time of its commit minus wall time at which the
  end of that word's audio was fed (p50/p95). A reader sees it one SSE delivery later
  (measured in the fan-out part: the poller ticks every 0.25 s).
- WER (jiwer, lower-cased, punctuation removed) of the committed live text and of rostra's
  offline recognition (beam 5, the normal pipeline) of the same file, against the text read.
- baselines in the same run: one room with the previous step policy (PREVIOUS_POLICY), one
  (with --full-context) with the encoder reading Whisper's full padded 30 s
  (rostra's live path with ROSTRA_LIVE_SHORT_CONTEXT=false), and fixed 3-second chunks
  recognized one by one as they arrive (no overlap, no agreement): the obvious way to
  "stream" Whisper.
- CPU per room: the room process's CPU seconds / audio seconds (1.0 = one core busy).
- fan-out: uvicorn (one process) serving rostra.asgi, N readers on loopback with one
  EventSource-like connection each; a line is committed every 0.5 s; delivery time per line
  per reader (p50/p95/max) and the share delivered in under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TEXTS = [
    "Cities reuse water every day.", "Rain gardens help cities stay cool in summer.",
    "Solar panels on the library roof make electricity for the whole building.",
    "Museums share their collections online so that students can study them at home.",
    "The new bridge carries bicycles and trams across the river.",
    "Clean air in the city centre improved after the buses changed to electric motors.",
    "Farmers measure the moisture of the soil with small sensors.",
    "The hospital opened a garden where patients can rest in the afternoon.",
    "Old trains were repaired and now run on the coastal line again.",
    "Libraries lend tools, seeds and musical instruments as well as books.",
    "A map of the trees in the park shows which species need more water.",
    "Engineers tested the tunnel for noise and vibration before it opened.",
]


# The step policy before 2026-12-02's session: a step per second of new audio, and Whisper's
# fallback to rising temperatures when a window's text looked unsure.
PREVIOUS_POLICY = {"min_step_seconds": 1.0, "temperatures": (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)}


def percentile(values, q):
    return round(float(np.percentile(values, q)), 2) if values else None


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    clean = lambda text: " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())  # noqa: E731
    return round(100 * jiwer.wer(clean(reference), clean(hypothesis) or "-"), 1)


def synthesize(folder: Path, seconds: float) -> tuple[Path, str]:
    from rostra.pipeline.audio import decode_audio

    said, parts = [], []
    total = 0.0
    index = 0
    while total < seconds:
        text = TEXTS[index % len(TEXTS)]
        path = folder / f"s{index}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "155", "-w", str(path), text],
                       check=True, capture_output=True)
        audio = decode_audio(path)
        parts += [audio, np.zeros(8000, dtype=np.float32)]
        total += len(audio) / 16000 + 0.5
        said.append(text)
        index += 1
    pcm = (np.concatenate(parts) * 32767).astype("<i2")
    import wave

    out = folder / "speech.wav"
    with wave.open(str(out), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(16000)
        handle.writeframes(pcm.tobytes())
    return out, " ".join(said)


def load_model(path: str, threads: int):
    from rostra.pipeline.asr.faster_whisper_engine import load_whisper_model

    return load_whisper_model(Path(path), device="cpu", compute_type="int8", cpu_threads=threads)


def play_room(args) -> dict:
    """One room: feed the file at real time to the streaming recognizer (see module doc)."""
    model_path, wav, threads, overrides = args
    from rostra.live.feed import AudioFeed, FedAudio, keep_up
    from rostra.pipeline.audio import decode_audio
    from rostra.pipeline.streaming.recognizer import StreamingOptions, StreamingRecognizer

    model = load_model(model_path, threads)
    audio = decode_audio(Path(wav))
    recognizer = StreamingRecognizer(model, StreamingOptions(language="en", beam_size=1,
                                                             **overrides))
    feed = AudioFeed(max_ms=30_000)
    chunk = 1600
    started = time.monotonic()

    def feeder():
        for offset in range(0, len(audio), chunk):
            ahead = started + offset / 16000 - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
            feed.put(FedAudio(offset * 1000 // 16000, audio[offset:offset + chunk]))
        feed.close()

    cpu_before = time.process_time()
    thread = threading.Thread(target=feeder)
    thread.start()
    latencies, words, skipped = [], [], 0
    lags = []

    def note(result):
        now = time.monotonic()
        for word in result.committed:
            latencies.append(now - (started + word.end_ms / 1000))
            words.append(word.text)

    while not feed.finished:
        for item in feed.take_all(timeout=0.2):
            if item.at_ms > recognizer.received_to_ms:
                skipped += item.at_ms - recognizer.received_to_ms
            recognizer.append(item.samples, at_ms=item.at_ms)
        lag = (time.monotonic() - started) * 1000 - recognizer.read_to_ms
        keep_up(recognizer, feed, lag_ms=int(lag), max_ms=30_000)  # as `rostra live` does
        if recognizer.ready():
            lags.append(lag)
            note(recognizer.step())
    note(recognizer.finish())
    thread.join()
    wall = time.monotonic() - started
    duration = len(audio) / 16000
    return {"text": "".join(words), "latencies": latencies, "skipped_ms": skipped,
            "cpu_per_audio_s": round((time.process_time() - cpu_before) / duration, 3),
            "finished_after_end_s": round(wall - duration, 2),
            "max_lag_s": round(max(lags) / 1000, 2) if lags else 0}


def chunked_baseline(model, wav: Path, chunk_seconds: float = 3.0) -> dict:
    """Fixed chunks recognized one by one as each arrives (real-time pace, no agreement)."""
    from rostra.pipeline.audio import decode_audio

    audio = decode_audio(wav)
    size = int(chunk_seconds * 16000)
    started = time.monotonic()
    latencies, text = [], []
    for offset in range(0, len(audio), size):
        arrives = started + min(offset + size, len(audio)) / 16000
        ahead = arrives - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
        segments, _ = model.transcribe(audio[offset:offset + size], language="en", beam_size=1,
                                       word_timestamps=True, vad_filter=True,
                                       condition_on_previous_text=False)
        now = time.monotonic()
        for segment in segments:
            for word in segment.words or ():
                latencies.append(now - (started + offset / 16000 + word.end))
                text.append(word.word)
    return {"text": "".join(text), "latencies": latencies}


def offline(model_cache: Path, wav: Path) -> tuple[str, float]:
    from rostra.pipeline.asr.faster_whisper_engine import FasterWhisperEngine
    from rostra.pipeline.types import AsrOptions

    engine = FasterWhisperEngine(model="bundled-base", model_cache=model_cache, device="cpu",
                                 compute_type="int8")
    started = time.monotonic()
    result = engine.transcribe_file(wav, options=AsrOptions(language="en"))
    return " ".join(segment.text for segment in result.segments), time.monotonic() - started


# --- fan-out ----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def reader(port: int, path: str, arrivals: dict, ready: asyncio.Event, counter: list):
    stream_reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2 ** 20)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                 "\r\n".encode())
    await writer.drain()
    counted = False
    try:
        while True:
            line = await stream_reader.readline()
            if not line:
                return
            if line.startswith(b"event: status") and not counted:
                counted = True
                counter[0] += 1
                if counter[0] == counter[1]:
                    ready.set()
            if line.startswith(b"data: {\"id\""):
                event_id = json.loads(line[6:])["id"]
                arrivals.setdefault(event_id, []).append(time.monotonic())
    except (ConnectionError, asyncio.CancelledError):
        return
    finally:
        writer.close()


async def fan_out(port: int, slug: str, readers: int, record_line) -> dict:
    arrivals: dict[int, list[float]] = {}
    ready = asyncio.Event()
    counter = [0, readers]
    tasks = [asyncio.create_task(reader(port, f"/en/live/{slug}/events/", arrivals, ready,
                                        counter)) for _ in range(readers)]
    try:
        await asyncio.wait_for(ready.wait(), 120)
    except TimeoutError:
        pass
    connected = counter[0]
    sent = {}
    for _ in range(10):
        line_id = await asyncio.to_thread(record_line)
        sent[line_id] = time.monotonic()
        await asyncio.sleep(0.5)
    await asyncio.sleep(2)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    delays = [arrived - sent[line_id] for line_id, times in arrivals.items()
              if line_id in sent for arrived in times]
    expected = connected * len(sent)
    under = sum(1 for delay in delays if delay < 1.0)
    return {"readers": readers, "connected": connected, "deliveries": len(delays),
            "expected": expected, "p50_s": percentile(delays, 50),
            "p95_s": percentile(delays, 95), "max_s": round(max(delays), 2) if delays else None,
            "share_under_1s": round(under / expected, 3) if expected else 0}


def sse_benchmark(data_dir: Path, reader_counts: list[int]) -> list[dict]:
    from rostra.archive.models import Event, Speech
    from rostra.live.domain import record_words, start_live_job
    from rostra.pipeline.types import Word

    event = Event.objects.create(slug="bench", name={"en": "Bench"})
    speech = Speech.objects.create(event=event, slug="fanout", title={"en": "Fan-out"},
                                   original_language="en")
    source = data_dir / "dummy.pcm"
    source.write_bytes(b"\0\0" * 16000)
    job = start_live_job(speech, source=str(source)).job
    counter = iter(range(10 ** 6))

    def record_line():
        start = next(counter) * 500
        return record_words(job, [Word(start, start + 400, " word")]).id

    port = free_port()
    env = dict(os.environ, ROSTRA_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT / "src"))
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "rostra.asgi:application",
                               "--port", str(port), "--log-level", "warning",
                               "--backlog", "4096"], env=env)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        results = []
        for readers in reader_counts:
            results.append(asyncio.run(fan_out(port, speech.slug, readers, record_line)))
            print(json.dumps({"fan_out": results[-1]}), flush=True)
        return results
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rooms", default="1,2")
    parser.add_argument("--readers", default="100,500,1000")
    parser.add_argument("--skip-asr", action="store_true")
    parser.add_argument("--no-previous", action="store_true",
                        help="skip the one-room run with the previous step policy (a step per "
                             "second of audio, Whisper's temperature fallback)")
    parser.add_argument("--full-context", action="store_true",
                        help="also run one room with Whisper's full 30-s encoder input")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="rostra-live-bench-"))
    sys.path.insert(0, str(ROOT / "bench"))
    from benchsetup import setup_django

    setup_django(str(folder / "data"))
    print(json.dumps({"machine": {"cores": os.cpu_count(), "load_before": os.getloadavg()}}))
    if not args.skip_asr:
        from rostra.pipeline.weights import resolve_asr_model

        model_cache = folder / "data" / "models"
        spec = resolve_asr_model("bundled-base", model_cache=model_cache)
        wav, reference = synthesize(folder, args.seconds)
        from rostra.pipeline.audio import decode_audio

        duration = round(len(decode_audio(wav)) / 16000, 1)
        cores = os.cpu_count() or 1
        # rostra's live defaults for every room count; then, as baselines in the same run, one
        # room with the previous step policy, and (asked for) one with the encoder reading
        # Whisper's full padded 30 s.
        runs = [(int(value), "defaults", {}) for value in args.rooms.split(",")]
        if not args.no_previous:
            runs.append((1, "previous policy", PREVIOUS_POLICY))
        if args.full_context:
            runs.append((1, "full 30-s context", {"short_context": False}))
        for rooms, variant, overrides in runs:
            threads = max(1, cores // rooms)
            with multiprocessing.get_context("spawn").Pool(rooms) as pool:
                outcomes = pool.map(play_room,
                                    [(str(spec.path), str(wav), threads, overrides)] * rooms)
            for number, outcome in enumerate(outcomes, 1):
                print(json.dumps({"live": {
                    "rooms": rooms, "room": number, "audio_s": duration, "threads": threads,
                    "variant": variant,
                    "latency_p50_s": percentile(outcome["latencies"], 50),
                    "latency_p95_s": percentile(outcome["latencies"], 95),
                    "wer": wer(reference, outcome["text"]), "skipped_ms": outcome["skipped_ms"],
                    "max_lag_s": outcome["max_lag_s"],
                    "cpu_per_audio_s": outcome["cpu_per_audio_s"],
                    "finished_after_end_s": outcome["finished_after_end_s"],
                    "load": os.getloadavg()[0]}}), flush=True)
        model = load_model(str(spec.path), cores)
        baseline = chunked_baseline(model, wav)
        print(json.dumps({"baseline_3s_chunks": {
            "latency_p50_s": percentile(baseline["latencies"], 50),
            "latency_p95_s": percentile(baseline["latencies"], 95),
            "wer": wer(reference, baseline["text"])}}), flush=True)
        text, seconds = offline(model_cache, wav)
        print(json.dumps({"offline": {"wer": wer(reference, text),
                                      "real_time_factor": round(seconds / duration, 3)}}),
              flush=True)
    sse_benchmark(folder / "data", [int(value) for value in args.readers.split(",")])
    print(json.dumps({"machine": {"load_after": os.getloadavg()}}))


if __name__ == "__main__":
    main()
