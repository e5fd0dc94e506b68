"""Live captions: committed-caption latency, live vs offline WER, CPU per room, rooms kept up
with, and Server-Sent Events fan-out.

    python bench/live_benchmark.py [--seconds 30] [--rooms 1,2] [--readers 100,500,1000]
    python bench/live_benchmark.py --virtual-clock [--step-cost model] [--repeat 2] \
        [--seconds 180] [--dump DIR]

With --virtual-clock, nothing waits on the wall clock: audio arrives at real-time pace on a
simulated clock and each recognizer step advances it by its measured CPU time (one thread
per room; --cpu-scale), or with --step-cost model by a cost fitted to such measurements
(STEP_COST), which makes a run exactly repeatable. Latency and WER then measure the policy,
not the machine's load; the previous policy runs beside it on the same clock.

English speech read by espeak-ng (texts below) is fed at real time, 100 ms at a time, to
rostra's streaming recognizer (LocalAgreement-2 over the bundled Whisper base model, CPU
int8, beam 1, VAD). Each room is a process of its own, as `rostra live` runs them.

- latency: for every committed word, wall time of its commit minus wall time at which the
  end of that word's audio was fed (p50/p95). A reader sees it one SSE delivery later
  (measured in the fan-out part: the poller ticks every 0.25 s).
- WER (jiwer, lower-cased, punctuation removed) of the committed live text and of rostra's
  offline recognition (beam 5, the normal pipeline) of the same file, against the text read.
- baselines in the same run: one room with the previous policy (PREVIOUS_POLICY), one
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

# The longer, varied speech of --speech varied (the default with --virtual-clock): distinct
# sentences on science, cities and health, none repeated before the list ends, read at three
# speaking rates with pauses of three lengths, so WER is not decided by a few repeated words.
VARIED_TEXTS = [
    "Good morning, and thank you for coming to this session on healthy cities.",
    "Today I want to talk about water, air, and the way people move through a town.",
    "Most of the water that falls on a city runs off the roofs and streets into drains.",
    "When the rain is heavy, those drains overflow and the rivers carry the dirt to the sea.",
    "A rain garden is a shallow bed of plants that holds the water for a few hours.",
    "The soil filters the water slowly, and the roots take up much of what is left.",
    "In our study, streets with rain gardens flooded far less often than streets without them.",
    "Trees matter as much as gardens, because their shade keeps the pavement cool.",
    "On a hot afternoon, a street under trees can be several degrees cooler than an open square.",
    "That difference is important for older people, who suffer most during a heat wave.",
    "Doctors in the city hospital counted fewer emergency visits on the cooler streets.",
    "Let me turn now to the air that we breathe on the way to work.",
    "Small particles from engines and brakes travel deep into the lungs.",
    "After the buses changed to electric motors, the air near the main station became cleaner.",
    "We placed simple sensors on lamp posts and read them every ten minutes for a year.",
    "The readings were published on a public map, so that anyone could check their own street.",
    "Schools used the map to choose safer routes for children who walk or cycle.",
    "Cycling itself is good for the heart, and it takes very little space on the road.",
    "The new bridge carries bicycles and trams across the river in both directions.",
    "Since it opened, the number of people who cycle to the university has doubled.",
    "Of course, a city is more than its streets; it is also its libraries and museums.",
    "Our library now lends tools, seeds and musical instruments as well as books.",
    "The museum shares its collection online, so that students can study it at home.",
    "Astronomers from the observatory give free evening talks about the planets.",
    "Last winter, hundreds of families watched the moon through the old brass telescope.",
    "Science is easier to love when you can see it and touch it with your own hands.",
    "Farmers around the city measure the moisture of the soil with small wireless sensors.",
    "They water their fields only when the plants need it, and they save a great deal of energy.",
    "Fresh vegetables reach the market in the morning, a few hours after they are picked.",
    "A good diet, clean air and daily exercise together prevent many chronic diseases.",
    "None of this needs new inventions; it needs patient work by many ordinary people.",
    "Thank you very much for listening, and I look forward to your questions.",
]
VARIED_RATES = (150, 170, 140)  # espeak-ng words per minute, by sentence in turn
VARIED_PAUSES = (8000, 4800, 14400)  # samples of silence after each sentence: 0.5, 0.3, 0.9 s


# --step-cost model: a reading's clock cost in CPU seconds, a + b * buffer seconds + c * tokens
# decoded, fitted (least squares) to the measured CPU times of one thread on this project's
# 2-core VM (see bench/RESULTS.md, 2026-12-02 virtual clock): the same code and audio then
# give the same clock, step positions, latency and WER on every run, whatever the load.
STEP_COST = (0.1993, -0.0083, 0.011)  # 506 readings, residual p95 0.14 s

# The live policy as it stood at the start of 2026-12-02 07:45's session (greedy steps every
# 0.7 s, buffer cut at 4 s): each change since is an option, turned off here, so this room
# measures what the changes bring, side by side in the same run.
PREVIOUS_POLICY = {"drop_loops": False, "commit_at_silence_ms": 0, "max_tokens_per_second": 0,
                   "trim_seconds": 4.0, "keep_seconds": 0}


def percentile(values, q):
    return round(float(np.percentile(values, q)), 2) if values else None


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    clean = lambda text: " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())  # noqa: E731
    return round(100 * jiwer.wer(clean(reference), clean(hypothesis) or "-"), 1)


def synthesize(folder: Path, seconds: float, speech: str = "short") -> tuple[Path, str]:
    """At least ``seconds`` of espeak-ng English: ``short`` repeats the 12 TEXTS at one rate
    with 0.5-s pauses (the sessions before 2026-12-02 07:45 measured on it); ``varied`` reads
    VARIED_TEXTS at three rates with three pause lengths."""
    from rostra.pipeline.audio import decode_audio

    said, parts = [], []
    total = 0.0
    index = 0
    texts = VARIED_TEXTS if speech == "varied" else TEXTS
    while total < seconds:
        text = texts[index % len(texts)]
        rate = VARIED_RATES[index % 3] if speech == "varied" else 155
        pause = VARIED_PAUSES[index % 3] if speech == "varied" else 8000
        path = folder / f"s{index}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", str(rate), "-w", str(path), text],
                       check=True, capture_output=True)
        audio = decode_audio(path)
        parts += [audio, np.zeros(pause, dtype=np.float32)]
        total += (len(audio) + pause) / 16000
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
    recognizer = StreamingRecognizer(model, StreamingOptions(**{"language": "en",
                                                                "beam_size": 1, **overrides}))
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


def play_room_virtual(args) -> dict:
    """One room on a simulated clock (--virtual-clock): the same recognizer loop as
    :func:`play_room`, but time is counted, not waited for. Audio arrives at real-time pace on
    the clock, 100 ms at a time, each chunk once its last sample is "heard"; every recognizer
    step advances the clock by the CPU seconds it measured (time.process_time, the process has
    no other thread) times ``cpu_scale``. While the recognizer waits, the clock jumps to the
    next chunk. Latency and WER then depend on the code and the audio, not on what else the
    machine runs, and steps fall on the same audio positions from run to run (up to the few
    per cent by which a step's CPU time varies)."""
    model_path, wav, threads, overrides, cpu_scale, cost_model = args
    from rostra.live.feed import AudioFeed, FedAudio, keep_up
    from rostra.pipeline.audio import decode_audio
    from rostra.pipeline.streaming.recognizer import StreamingOptions, StreamingRecognizer

    model = load_model(model_path, threads)
    audio = decode_audio(Path(wav))
    recognizer = StreamingRecognizer(model, StreamingOptions(**{"language": "en",
                                                                "beam_size": 1, **overrides}))
    feed = AudioFeed(max_ms=30_000)
    chunk = 1600
    offsets = list(range(0, len(audio), chunk))
    arrivals = [min(offset + chunk, len(audio)) / 16000 for offset in offsets]
    clock, fed = 0.0, 0
    latencies, words, lags, costs, skipped = [], [], [], [], 0
    trace = []
    transcribe = model.transcribe
    heard = []  # (buffer seconds, tokens decoded) of each reading in the step
    readings = []  # the words of each reading in the step (ms from the buffer's start)

    def counted(audio, **options):
        segments, info = transcribe(audio, **options)
        segments = list(segments)
        heard.append((len(audio) / 16000, sum(len(segment.tokens) for segment in segments)))
        readings.append([[round(word.start * 1000), round(word.end * 1000), word.word]
                         for segment in segments for word in segment.words or ()])
        return iter(segments), info

    model.transcribe = counted

    def timed(call):
        nonlocal clock
        buffer_start = recognizer.buffer_start_ms
        heard.clear()
        readings.clear()
        before = time.process_time()
        result = call()
        cpu = time.process_time() - before
        if cost_model:  # deterministic: the fitted cost of what was read (STEP_COST)
            cost = sum(STEP_COST[0] + STEP_COST[1] * seconds + STEP_COST[2] * count
                       for seconds, count in heard) * cpu_scale
        else:
            cost = cpu * cpu_scale
        clock += cost
        costs.append(cpu)
        for word in result.committed:
            latencies.append(clock - word.end_ms / 1000)
            words.append(word.text)
        trace.append({"clock_s": round(clock, 2), "read_to_ms": result.recognized_to_ms,
                      "buffer_start_ms": buffer_start, "cpu_s": round(cpu, 4),
                      "heard": [[round(seconds, 2), count] for seconds, count in heard],
                      "readings": [list(reading) for reading in readings],
                      "committed": [[word.start_ms, word.end_ms, word.text]
                                    for word in result.committed],
                      "tentative": result.tentative})
        return result

    while True:
        while fed < len(offsets) and arrivals[fed] <= clock + 1e-9:
            feed.put(FedAudio(offsets[fed] * 1000 // 16000,
                              audio[offsets[fed]:offsets[fed] + chunk]))
            fed += 1
        for item in feed.take_all(timeout=0):
            if item.at_ms > recognizer.received_to_ms:
                skipped += item.at_ms - recognizer.received_to_ms
            recognizer.append(item.samples, at_ms=item.at_ms)
        lag = clock * 1000 - recognizer.read_to_ms
        keep_up(recognizer, feed, lag_ms=int(lag), max_ms=30_000)
        if recognizer.ready():
            lags.append(lag)
            timed(recognizer.step)
        elif fed < len(offsets):
            clock = max(clock, arrivals[fed])
        else:
            break
    timed(recognizer.finish)
    duration = len(audio) / 16000
    return {"text": "".join(words), "latencies": latencies, "skipped_ms": skipped,
            "cpu_per_audio_s": round(sum(costs) / duration, 3),
            "finished_after_end_s": round(clock - duration, 2),
            "max_lag_s": round(max(lags) / 1000, 2) if lags else 0,
            "steps": len(costs), "trace": trace}


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
    parser.add_argument("--readers", default=parser_default_readers())
    parser.add_argument("--skip-asr", action="store_true")
    parser.add_argument("--no-previous", action="store_true",
                        help="skip the one-room run with the previous step policy (a step per "
                             "second of audio, Whisper's temperature fallback)")
    parser.add_argument("--full-context", action="store_true",
                        help="also run one room with Whisper's full 30-s encoder input")
    parser.add_argument("--virtual-clock", action="store_true",
                        help="a simulated clock instead of the wall clock: audio arrives at "
                             "real-time pace on it and each step advances it by its CPU time "
                             "(one thread per room, see --cpu-scale); no SSE fan-out or "
                             "3-s-chunk baseline unless --readers is given")
    parser.add_argument("--cpu-scale", type=float, default=1.0,
                        help="virtual clock: clock seconds per CPU second of a step (default "
                             "1.0: a one-thread room owns a core, as with two rooms on two "
                             "cores)")
    parser.add_argument("--step-cost", choices=("measured", "model"), default="measured",
                        help="virtual clock: advance by each step's measured CPU time, or by "
                             "STEP_COST's fitted cost of what it read (deterministic)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="virtual clock: run each variant this many times (determinism)")
    parser.add_argument("--speech", choices=("short", "varied"), default=None,
                        help="test speech: the 12 sentences repeated (default on the wall "
                             "clock) or the 32 varied ones (default on the virtual clock)")
    parser.add_argument("--also", action="append", default=[], metavar="JSON",
                        help="virtual clock: one more room with these StreamingOptions "
                             "overrides, e.g. '{\"trim_seconds\": 12}' (repeatable)")
    parser.add_argument("--threads", type=int, default=0,
                        help="recognizer threads per room in real time (default: cores / rooms)")
    parser.add_argument("--dump", type=Path, default=None,
                        help="write each room's committed text, reference and step trace here")
    args = parser.parse_args()
    if args.virtual_clock:
        return main_virtual(args)
    folder = Path(tempfile.mkdtemp(prefix="rostra-live-bench-"))
    sys.path.insert(0, str(ROOT / "bench"))
    from benchsetup import setup_django

    setup_django(str(folder / "data"))
    print(json.dumps({"machine": {"cores": os.cpu_count(), "load_before": os.getloadavg()}}))
    if not args.skip_asr:
        from rostra.pipeline.weights import resolve_asr_model

        model_cache = folder / "data" / "models"
        spec = resolve_asr_model("bundled-base", model_cache=model_cache)
        wav, reference = synthesize(folder, args.seconds, args.speech or "short")
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
            threads = args.threads or max(1, cores // rooms)
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


def main_virtual(args) -> None:
    """--virtual-clock: every variant one room of one thread, on its own simulated clock."""
    folder = Path(tempfile.mkdtemp(prefix="rostra-live-bench-"))
    sys.path.insert(0, str(ROOT / "bench"))
    from benchsetup import setup_django

    setup_django(str(folder / "data"))
    print(json.dumps({"machine": {"cores": os.cpu_count(), "load_before": os.getloadavg()}}))
    from rostra.pipeline.audio import decode_audio
    from rostra.pipeline.weights import resolve_asr_model

    model_cache = folder / "data" / "models"
    spec = resolve_asr_model("bundled-base", model_cache=model_cache)
    wav, reference = synthesize(folder, args.seconds, args.speech or "varied")
    duration = round(len(decode_audio(wav)) / 16000, 1)
    runs = [("defaults", {})]
    if not args.no_previous:
        runs.append(("previous policy", PREVIOUS_POLICY))
    if args.full_context:
        runs.append(("full 30-s context", {"short_context": False}))
    for overrides in args.also:
        try:
            runs.append((overrides, json.loads(overrides)))
        except ValueError:
            sys.exit(f"--also: not a JSON object: {overrides}")
    jobs = [(variant, overrides) for variant, overrides in runs for _ in range(args.repeat)]
    with multiprocessing.get_context("spawn").Pool(min(len(jobs), os.cpu_count() or 1)) as pool:
        outcomes = pool.map(play_room_virtual, [(str(spec.path), str(wav), 1, overrides,
                                                 args.cpu_scale, args.step_cost == "model")
                                                for _, overrides in jobs])
    for number, ((variant, _), outcome) in enumerate(zip(jobs, outcomes), 1):
        print(json.dumps({"live_virtual": {
            "variant": variant, "run": number, "audio_s": duration, "threads": 1,
            "cpu_scale": args.cpu_scale, "step_cost": args.step_cost,
            "latency_p50_s": percentile(outcome["latencies"], 50),
            "latency_p95_s": percentile(outcome["latencies"], 95),
            "latency_max_s": percentile(outcome["latencies"], 100),
            "wer": wer(reference, outcome["text"]), "words": len(outcome["latencies"]),
            "steps": outcome["steps"], "skipped_ms": outcome["skipped_ms"],
            "max_lag_s": outcome["max_lag_s"], "cpu_per_audio_s": outcome["cpu_per_audio_s"],
            "finished_after_end_s": outcome["finished_after_end_s"],
            "load": os.getloadavg()[0]}}), flush=True)
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            name = str(number) + "-" + re.sub(r"[^\w]+", "-", variant).strip("-")
            (args.dump / f"{name}.txt").write_text(outcome["text"].strip() + "\n")
            (args.dump / f"{name}.trace.json").write_text(json.dumps(outcome["trace"], indent=0))
    if args.step_cost == "measured":  # the fit that STEP_COST takes (steps of one reading)
        rows = [(1.0, *step["heard"][0], step["cpu_s"]) for outcome in outcomes
                for step in outcome["trace"] if len(step["heard"]) == 1]
        if len(rows) > 3:
            matrix = np.array([row[:3] for row in rows])
            fit, *_ = np.linalg.lstsq(matrix, np.array([row[3] for row in rows]), rcond=None)
            residual = np.array([row[3] for row in rows]) - matrix @ fit
            print(json.dumps({"step_cost_fit": {
                "a_b_c": [round(float(value), 4) for value in fit], "readings": len(rows),
                "residual_p95_s": round(float(np.percentile(np.abs(residual), 95)), 3)}}))
    text, seconds = offline(model_cache, wav)
    print(json.dumps({"offline": {"wer": wer(reference, text),
                                  "real_time_factor": round(seconds / duration, 3)}}), flush=True)
    if args.dump:
        (args.dump / "reference.txt").write_text(reference + "\n")
        (args.dump / "offline.txt").write_text(text.strip() + "\n")
    if args.readers != parser_default_readers():
        sse_benchmark(folder / "data", [int(value) for value in args.readers.split(",")])
    print(json.dumps({"machine": {"load_after": os.getloadavg()}}))


def parser_default_readers() -> str:
    return "100,500,1000"


if __name__ == "__main__":
    main()
