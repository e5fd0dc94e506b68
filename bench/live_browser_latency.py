"""Live captions as a reader sees them: from the audio of a word to its committed caption
painted in a real browser.

    python bench/live_browser_latency.py [--seconds 120] [--speech varied] [--readers 1]

The whole production path, nothing simulated: a fresh data dir with the demo program,
`rostra serve` (the production server, its front cache and Server-Sent Events),
`rostra live SLUG --source -` fed raw PCM on its standard input at real-time pace by this
script (it writes 100 ms every 100 ms and notes the wall time at which each sample was
written), and Debian's chromium (Playwright) on the speech's live page.

In the page, a wrapper around EventSource notes, for every `line` event, the wall time of the
first animation frame after the page's own handler has put the line into the document (the
frame in which the caption is painted). After the stream ends, the committed lines are read
from the database with their words' audio times. For each committed word:

    latency = painted at - (wall time at which the end of that word's audio was written)

which is the issue's "audio of a word to its committed appearance on the page". Printed:
p50 / p95 / max, the share under the 3-s goal, WER of the committed text against the text
read, and the machine's load before and after (the run is real time: a loaded machine
delays it; compare with bench/live_benchmark.py's virtual clock, which does not).
Needs espeak-ng and /usr/bin/chromium (as the browser tests do).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from live_benchmark import percentile, synthesize, wer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SLUG = "solar-rooftops"  # an English speech of the demo program
GOAL_S = 3.0
CHUNK_SAMPLES = 1600  # 100 ms, what `--source -` reads at a time

# Runs before the page's own script: the page's EventSource gets our listener first, and the
# frame requested there comes after every listener of that event has run.
PAINT_PROBE = """
(() => {
  window.__painted = {};
  const Native = window.EventSource;
  window.EventSource = function (url, options) {
    const source = new Native(url, options);
    source.addEventListener("line", (message) => {
      const id = JSON.parse(message.data).id;
      requestAnimationFrame(() => { window.__painted[id] = Date.now(); });
    });
    return source;
  };
  window.EventSource.prototype = Native.prototype;
})();
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rostra(*args: str, env: dict, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "rostra", *args], env=env, **kwargs)


def wait_for(url: str, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"live_browser_latency: {url} did not answer in {timeout:.0f} s")
        time.sleep(0.3)


def wait_for_job(data_dir: Path, env: dict, timeout: float = 120) -> None:
    """Until `rostra live` has started its job (the model is loaded, audio is being read)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listed = subprocess.run([sys.executable, "-m", "rostra", "live", "--list", "--json"],
                                env=env, capture_output=True, text=True)
        if listed.returncode == 0 and SLUG in listed.stdout:
            return
        time.sleep(0.5)
    raise SystemExit("live_browser_latency: the live job did not start")


def feed_at_real_time(process: subprocess.Popen, pcm: np.ndarray) -> list[float]:
    """Write ``pcm`` to the job's stdin 100 ms per 100 ms; the wall time each chunk ended."""
    written_at = []
    started = time.monotonic()
    wall_offset = time.time() - started
    for index, offset in enumerate(range(0, len(pcm), CHUNK_SAMPLES)):
        due = started + offset / 16000
        ahead = due - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
        process.stdin.write(pcm[offset:offset + CHUNK_SAMPLES].tobytes())
        process.stdin.flush()
        written_at.append(time.monotonic() + wall_offset)
    process.stdin.close()
    return written_at


def committed_words(data_dir: Path, env: dict) -> list[dict]:
    script = (
        "import django, json, os\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'rostra.settings'\n"
        "django.setup()\n"
        "from rostra.live.models import LiveLine\n"
        f"rows = LiveLine.objects.filter(job__speech__slug={SLUG!r}, kind='words')\n"
        "print(json.dumps([{'id': r.id, 'words': r.words,"
        " 'committed': r.committed_at.timestamp()} for r in rows]))\n")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def print_steps(trace: Path, written_at: list[float]) -> None:
    """Where the delay comes from, from the job's step trace (ROSTRA_LIVE_TRACE): each step's
    cost, the gap between steps, and for each committed word the steps that read it before
    the one that committed it."""
    if not trace.exists():  # code from before ROSTRA_LIVE_TRACE (a baseline run)
        return
    steps = [json.loads(line) for line in trace.read_text().splitlines()]
    if not steps:
        return
    wall = [step["seconds"] for step in steps]
    cpu = [step["cpu"] for step in steps]
    gaps = [b["at"] - a["at"] for a, b in zip(steps, steps[1:])]
    buffers = [(step["read_to_ms"] - step["buffer_from_ms"]) / 1000 for step in steps]
    print(f"steps: {len(steps)}; computing p50 / p95 / max {percentile(wall, 50):.2f} / "
          f"{percentile(wall, 95):.2f} / {max(wall):.2f} s (CPU {percentile(cpu, 50):.2f} / "
          f"{percentile(cpu, 95):.2f} s); between steps p50 / p95 {percentile(gaps, 50):.2f} / "
          f"{percentile(gaps, 95):.2f} s; buffer p50 / max {percentile(buffers, 50):.1f} / "
          f"{max(buffers):.1f} s; behind in {sum(step['small_window'] for step in steps)} steps")
    readings, waits = [], []
    for index, step in enumerate(steps):
        for _start, end_ms, _text in step["committed"]:
            first = next((i for i, s in enumerate(steps) if s["read_to_ms"] >= end_ms), index)
            readings.append(index - first + 1)
            chunk = min(len(written_at) - 1, max(0, -(-end_ms * 16 // CHUNK_SAMPLES) - 1))
            waits.append(steps[first]["at"] - steps[first]["seconds"] - written_at[chunk])
    if readings:
        counts = {n: readings.count(n) for n in sorted(set(readings))}
        print(f"readings until committed (words): {counts}; audio written -> first reading "
              f"starts p50 / p95 {percentile(waits, 50):.2f} / {percentile(waits, 95):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--speech", choices=("short", "varied"), default="varied")
    parser.add_argument("--threads", type=int, default=None,
                        help="ROSTRA_LIVE_THREADS for the live job (default: rostra's own)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"live_browser_latency: {CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="rostra-live-browser-"))
    data_dir = work / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROSTRA_")}
    trace = work / "steps.jsonl"
    env.update(ROSTRA_DATA_DIR=str(data_dir), ROSTRA_EMBEDDINGS="none", ROSTRA_MT_ENGINE="none",
               ROSTRA_LIVE_TRACE=str(trace))
    if args.threads is not None:
        env["ROSTRA_LIVE_THREADS"] = str(args.threads)
    wav, said = synthesize(work, args.seconds, args.speech)
    with wave.open(str(wav)) as handle:
        pcm = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")
    print(f"{len(pcm) / 16000:.0f} s of espeak-ng English ({args.speech}), "
          f"ROSTRA_LIVE_THREADS={env.get('ROSTRA_LIVE_THREADS', 'default')}, load "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    subprocess.run([sys.executable, "-m", "rostra", "import",
                    str(ROOT / "src/rostra/demo/program.csv")], env=env, check=True,
                   capture_output=True)
    port = free_port()
    server = rostra("serve", "--no-worker", "--port", str(port), env=env,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    live = rostra("live", SLUG, "--source", "-", env=env, stdin=subprocess.PIPE,
                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        wait_for_job(data_dir, env)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox"])
            page = browser.new_page()
            page.add_init_script(PAINT_PROBE)
            page.goto(f"http://127.0.0.1:{port}/en/live/{SLUG}/?captions=en")
            written_at = feed_at_real_time(live, pcm)
            if live.wait(timeout=300) != 0:
                raise SystemExit("live_browser_latency: rostra live failed: "
                                 + live.stderr.read().decode()[-400:])
            page.wait_for_selector('article.live[data-state="ended"]', timeout=60_000)
            painted = page.evaluate("window.__painted")
            browser.close()
    finally:
        for process in (live, server):
            if process.poll() is None:
                process.terminate()
                process.wait(20)
    latencies, committed, text = [], [], []
    for line in committed_words(data_dir, env):
        shown = painted.get(str(line["id"]))
        for start_ms, end_ms, word, _probability in line["words"]:
            text.append(word)
            chunk = min(len(written_at) - 1, max(0, -(-end_ms * 16 // CHUNK_SAMPLES) - 1))
            committed.append(line["committed"] - written_at[chunk])
            if shown is not None:
                latencies.append(shown / 1000 - written_at[chunk])
    if not latencies:
        raise SystemExit("live_browser_latency: no committed word reached the page")
    under = sum(1 for value in latencies if value <= GOAL_S) / len(latencies)
    print(f"committed words painted: {len(latencies)} of {len(text)}")
    print(f"latency audio -> painted caption: p50 {percentile(latencies, 50):.2f} s, "
          f"p95 {percentile(latencies, 95):.2f} s, max {max(latencies):.2f} s; "
          f"{under:.0%} within {GOAL_S:.0f} s")
    print(f"of which committed (the line's row written): p50 {percentile(committed, 50):.2f} s, "
          f"p95 {percentile(committed, 95):.2f} s")
    print(f"live WER {wer(said, ''.join(text)):.1f} %")
    print_steps(trace, written_at)
    print(f"load after {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
