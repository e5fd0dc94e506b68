"""Faults: the source drops and returns, recognition falls behind, a job is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from rostra.pipeline.streaming.sources import SourceAudio, SourceGap, SourceLost, read_live_audio
from tests.clirunner import run_rostra
from tests.live.conftest import speak
from tests.live.fake_streaming import FakeStreamingModel
from tests.live.flaky_source import flaky_stream

HERE = Path(__file__).resolve().parent


def write_wav(path: Path, seconds: float, *, tone_hz: float = 220.0) -> Path:
    import wave

    samples = (0.3 * np.sin(2 * np.pi * tone_hz * np.arange(int(seconds * 16000)) / 16000)
               * 32767).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(16000)
        handle.writeframes(samples.tobytes())
    return path


def program_csv(slug: str, title: str) -> str:
    return ("id,slug,event,title_en,language,start,duration\n"
            f"t1,{slug},demo,{title},en,2026-05-14T10:00:00+03:30,00:30\n")


def test_a_dropped_stream_is_reopened_with_backoff_and_the_gap_reported(tmp_path):
    parts = [write_wav(tmp_path / "a.wav", 1.5), write_wav(tmp_path / "b.wav", 1.5)]
    with flaky_stream(parts, away_seconds=1.2) as url:
        items = list(read_live_audio(url, stop=threading.Event(), give_up_seconds=2))
    kinds = [type(item).__name__ for item in items if not isinstance(item, SourceAudio)]
    assert kinds == ["SourceLost", "SourceGap", "SourceLost"]
    gap = next(item for item in items if isinstance(item, SourceGap))
    assert 1000 <= gap.missing_ms < 6000
    heard = sum(len(item.samples) for item in items if isinstance(item, SourceAudio)) / 16000
    assert abs(heard - 3.0) < 0.2  # both parts, nothing doubled


@pytest.fixture
def run_job(transactional_db, live_speech, settings):
    """Run a live job in this process with the stand-in model; returns the finished job."""
    from rostra.live.runner import LiveRunOptions, run_live

    settings.ROSTRA_MT_ENGINE = "none"
    said: list[str] = []

    def run(source: str, *, model=None, **options):
        speech = live_speech()
        job = run_live(speech, LiveRunOptions(source=source, **options), report=said.append,
                       model=model or FakeStreamingModel())
        job.refresh_from_db()
        return job, said

    return run


def test_a_source_that_drops_leaves_a_gap_line_and_one_continuous_recording(run_job, tmp_path):
    from rostra.live.models import LiveLine

    parts = [write_wav(tmp_path / "a.wav", 2.0), write_wav(tmp_path / "b.wav", 2.0)]
    with flaky_stream(parts, away_seconds=1.2) as url:
        job, said = run_job(url, reconnect_seconds=2)
    gaps = list(job.lines.filter(kind=LiveLine.Kind.GAP))
    assert [gap.text for gap in gaps] == ["source-lost"]
    assert 1000 <= gaps[0].translations["missing_ms"] < 6000
    assert any(line.startswith("source back after") for line in said)
    assert job.state == "ended" and abs(job.speech.media.duration_ms - 4000) < 300
    words = job.lines.filter(kind=LiveLine.Kind.WORDS)
    assert words.exists() and all(a.end_ms <= b.start_ms for a, b in zip(words, words[1:]))


def test_recognition_behind_real_time_uses_a_smaller_window_and_never_queues_without_bound(
        run_job, tmp_path):
    from rostra.live.models import LiveJob, LiveLine

    slow = FakeStreamingModel(step_seconds=2.5)  # more than the queue holds
    seen_behind = []

    def watch():
        for _ in range(200):
            seen_behind.extend(LiveJob.objects.filter(behind=True).values_list("pk", flat=True))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    job, said = run_job(str(write_wav(tmp_path / "long.wav", 7.0)), model=slow,
                        max_lag_seconds=2)
    watcher.join(0)
    assert seen_behind, "the page was never told recognition is behind"
    skipped = job.lines.filter(kind=LiveLine.Kind.GAP, text="skipped")
    assert skipped.exists() and any("skipped" in line for line in said)
    # The window shrank: no step read more than the smaller window plus one step of audio.
    assert slow.longest_buffer / 16000 < 8 + 4
    assert job.recorded_ms >= 6900  # the recording kept everything recognition skipped


@pytest.mark.parametrize("configured, asked", [(None, 1), (0, 0), (3, 3)])
def test_a_live_room_loads_its_recognizer_on_one_thread_unless_configured(
        transactional_db, live_speech, settings, tmp_path, configured, asked):
    """One thread per room by default, so two rooms share a 2-core machine (bench/RESULTS.md)."""
    from rostra.live.runner import LiveRunOptions, run_live
    from rostra.processing import engines
    from tests.live.fake_streaming import FakeStreamingEngine

    settings.ROSTRA_MT_ENGINE = "none"
    settings.ROSTRA_ASR_ENGINE = "tests.live.fake_streaming:FakeStreamingEngine"
    if configured is not None:
        settings.ROSTRA_LIVE_THREADS = configured
    engines._engines.clear()
    FakeStreamingEngine.loaded_with_threads.clear()
    try:
        run_live(live_speech(), LiveRunOptions(source=str(write_wav(tmp_path / "a.wav", 1.0))),
                 report=lambda line: None)
    finally:
        engines._engines.clear()
    assert FakeStreamingEngine.loaded_with_threads == [asked]


# These run `rostra live` as a user would, in processes of their own on SQLite in a data dir of
# their own (the CLI helper's rule), so they are the same test in the PostgreSQL run: once.
in_own_processes = pytest.mark.skipif(bool(os.environ.get("ROSTRA_DATABASE_URL")),
                                      reason="subprocesses use SQLite; the SQLite run has it")


@pytest.fixture(scope="module")
def cli_archive(tmp_path_factory):
    """A data dir with two speeches, and the environment selecting the stand-in model."""
    folder = tmp_path_factory.mktemp("live-cli")
    env = {"ROSTRA_ASR_ENGINE": "fake_streaming:FakeStreamingEngine",
           "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    program = folder / "program.csv"
    program.write_text("id,slug,event,title_en,language,start,duration\n"
                       "t1,city-water,demo,City water,en,2026-05-14T10:00:00+03:30,00:30\n"
                       "t2,solar,demo,Solar roofs,en,2026-05-14T11:00:00+03:30,00:30\n",
                       encoding="utf-8")
    data = folder / "data"
    imported = run_rostra("import", str(program), data_dir=data, env=env)
    assert imported.returncode == 0, imported.stderr
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ROSTRA_")}
    environ.update(env, ROSTRA_DATA_DIR=str(data))
    return data, env, environ


def wait_for_recording(data: Path, slug: str, *, seconds: float, feed=None) -> None:
    recording = data / "live" / slug / "recording.pcm"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if recording.exists() and recording.stat().st_size >= seconds * 32000:
            return
        if feed:
            feed()
        time.sleep(0.1)
    raise AssertionError(f"{slug}: the recording did not reach {seconds} s")


@in_own_processes
def test_a_killed_job_restarts_where_the_recording_left_off(cli_archive, tmp_path):
    data, env, environ = cli_archive
    clip = str(write_wav(tmp_path / "talk.wav", 5.0))
    job = subprocess.Popen([sys.executable, "-m", "rostra", "live", "city-water", "--source",
                            clip], env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for_recording(data, "city-water", seconds=2)
    job.send_signal(signal.SIGKILL)
    job.wait()
    listed = run_rostra("live", "--list", "--json", data_dir=data, env=env).json()
    killed = next(row for row in listed if row["speech"] == "city-water")
    assert killed["state"] == "running" and killed["alive"] is False

    again = run_rostra("live", "city-water", "--source", clip, data_dir=data, env=env,
                       timeout=120)
    assert again.returncode == 0, again.stderr
    assert "resuming city-water at" in again.stderr
    assert "city-water: ended; 5.0 s recorded" in again.stdout or \
        "city-water: ended; 4.9 s recorded" in again.stdout, again.stdout
    # Nothing recorded twice, nothing lost: the media is as long as the clip.
    ended = run_rostra("live", "city-water", "--source", clip, data_dir=data, env=env)
    assert ended.returncode == 2 and "has ended and is in the archive" in ended.stderr


@in_own_processes
def test_stop_from_another_process_ends_a_stdin_stream(cli_archive):
    data, env, environ = cli_archive
    job = subprocess.Popen([sys.executable, "-m", "rostra", "live", "solar", "--source", "-"],
                           env=environ, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    second = (0.2 * np.sin(np.arange(16000) / 9) * 32767).astype("<i2").tobytes()

    def feed():
        job.stdin.write(second[:3200])
        job.stdin.flush()

    wait_for_recording(data, "solar", seconds=2, feed=feed)
    busy = run_rostra("live", "solar", "--source", "-", data_dir=data, env=env, input="")
    assert busy.returncode == 2 and "already live" in busy.stderr
    stopped = run_rostra("live", "--stop", "solar", data_dir=data, env=env)
    assert stopped.returncode == 0 and "stop requested" in stopped.stdout
    out, err = job.communicate(timeout=90)  # the stop ends it; stdin is still open
    assert job.returncode == 0, err
    assert out.decode().startswith("solar: ended;")


def test_a_trace_file_gets_one_line_per_recognition_step(run_job, settings, tmp_path):
    """ROSTRA_LIVE_TRACE: where the captions' delay comes from, step by step."""
    import json

    trace = tmp_path / "steps.jsonl"
    settings.ROSTRA_LIVE_TRACE = str(trace)
    job, _ = run_job(str(write_wav(tmp_path / "a.wav", 3.0)))
    steps = [json.loads(line) for line in trace.read_text().splitlines()]
    assert len(steps) >= 2 and {step["job"] for step in steps} == {job.pk}
    assert [step["read_to_ms"] for step in steps] == sorted(step["read_to_ms"] for step in steps)
    assert all(step["seconds"] >= 0 and step["cpu"] >= 0 for step in steps)
    committed = [word for step in steps for word in step["committed"]]
    assert committed and all(len(word) == 3 for word in committed)
