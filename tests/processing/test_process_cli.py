"""`rostra process`, `rostra worker` and `rostra models` as a user runs them."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from clirunner import one_error_line, run_rostra

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent.parent / "src" / "rostra" / "demo"
FAKE = {"ROSTRA_ASR_ENGINE": "fake_asr_engine:FakeAsrEngine", "PYTHONPATH": str(HERE)}


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory):
    """The demo program with its six recordings, in a data dir of its own."""
    if not (DEMO / "program.csv").exists():
        pytest.fail("the demo content (src/rostra/demo) is missing")
    data = tmp_path_factory.mktemp("demo-data")
    imported = run_rostra("import", str(DEMO / "program.csv"), data_dir=data)
    assert imported.returncode == 0, imported.stderr
    added = run_rostra("media", "add", *map(str, sorted((DEMO / "media").iterdir())),
                       "--match-filenames", data_dir=data)
    assert added.returncode == 0, added.stderr
    return data


def test_process_with_nothing_to_do_says_so(tmp_path):
    assert "no speech has a recording yet" in one_error_line(
        run_rostra("process", data_dir=tmp_path))


def test_bad_arguments_are_one_line(demo_archive):
    assert "no speech with the slug 'nope'" in one_error_line(
        run_rostra("process", "nope", data_dir=demo_archive))
    assert "unknown stage 'bogus'" in one_error_line(
        run_rostra("process", "--stages", "bogus", data_dir=demo_archive))
    assert "--workers must be at least 1" in one_error_line(
        run_rostra("process", "--workers", "0", data_dir=demo_archive))


def test_worker_needs_a_broker(tmp_path):
    assert "needs ROSTRA_BROKER_URL" in one_error_line(run_rostra("worker", data_dir=tmp_path))


def test_models_list_and_offline_fetch(tmp_path):
    listed = run_rostra("models", "list", "--json", data_dir=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = {row["kind"]: row for row in listed.json()}
    assert rows["speech recognition"]["configured"] == "bundled-base"
    assert rows["speech recognition"]["present"] is True
    assert rows["translation"]["configured"] == "none"
    fetched = run_rostra("models", "fetch", "large-v3", data_dir=tmp_path,
                         env={"HF_HUB_OFFLINE": "1"})
    line = one_error_line(fetched)
    assert "offline" in line and "rostra models fetch large-v3" in line


def test_two_worker_processes_share_the_demo_once(demo_archive, tmp_path):
    log = tmp_path / "calls.log"
    env = {**FAKE, "ROSTRA_FAKE_ASR_LOG": str(log), "ROSTRA_FAKE_ASR_SECONDS": "0.3"}
    first = run_rostra("process", "--workers", "2", "--stages", "asr", data_dir=demo_archive,
                       env=env)
    assert first.returncode == 0, first.stderr
    assert len(re.findall(r": asr done", first.stdout)) == 6
    calls = log.read_text().splitlines()
    assert len(calls) == 6 == len({line.split("\t")[1] for line in calls})
    assert len({line.split("\t")[0] for line in calls}) == 2  # two processes did the work
    again = run_rostra("process", "--workers", "2", "--stages", "asr", "--json",
                       data_dir=demo_archive, env=env)
    assert again.returncode == 0, again.stderr
    assert {rows[0]["status"] for rows in again.json().values()} == {"up-to-date"}
    assert len(log.read_text().splitlines()) == 6


@pytest.mark.slow
def test_the_bundled_model_recognizes_an_english_demo_speech(demo_archive):
    """The issue's bar: the English demo speeches at a word error rate of at most 10%."""
    import jiwer

    done = run_rostra("process", "sleep-and-health", "--stages", "asr", "--force",
                      data_dir=demo_archive)
    assert done.returncode == 0, done.stderr
    assert "sleep-and-health: asr done" in done.stdout
    with sqlite3.connect(demo_archive / "rostra.sqlite3") as db:
        rows = db.execute(
            "SELECT s.text, t.engine, t.model, t.language FROM transcripts_segment s "
            "JOIN transcripts_transcript t ON s.transcript_id = t.id "
            "JOIN archive_speech p ON t.speech_id = p.id "
            "WHERE p.slug = 'sleep-and-health' AND t.origin = 'asr' ORDER BY s.position").fetchall()
    assert {row[1:] for row in rows} == {("faster-whisper", "bundled-base", "en")}
    hypothesis = " ".join(row[0] for row in rows)
    reference = " ".join(
        line for line in (DEMO / "subtitles" / "sleep-and-health.en.vtt").read_text().splitlines()
        if line.strip() and "-->" not in line and not line.strip().isdigit() and line != "WEBVTT")

    def norm(text):
        return " ".join(re.sub(r"[^\w\s']", " ", text.lower().replace("-", " ")).split())

    assert jiwer.wer(norm(reference), norm(hypothesis)) <= 0.10
    for text in (row[0] for row in rows):
        assert all(len(line) <= 42 for line in text.split("\n"))
