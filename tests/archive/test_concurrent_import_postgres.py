"""Two ``rostra import`` processes at the same moment on one PostgreSQL database: the same
program, then two overlapping ones. Each ends in success (or one clear line), never a raw
"duplicate key … DETAIL" message, and the archive holds each speaker and speech once."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.clirunner import run_rostra
from tests.programs import fresh_postgres_database, write_program


@pytest.fixture
def postgres_env(postgres_url, tmp_path):
    with fresh_postgres_database(postgres_url, f"rostra_concurrent_{os.getpid()}") as url:
        env = {key: value for key, value in os.environ.items() if not key.startswith("ROSTRA_")}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        env.update({"ROSTRA_DATABASE_URL": url, "ROSTRA_DATA_DIR": str(tmp_path / "data"),
                    "ROSTRA_EMBEDDINGS": "none", "COLUMNS": "200"})
        # Migrated once beforehand: two first commands would both create the tables.
        assert run_rostra("status", data_dir=tmp_path / "data", env=env).returncode == 0
        yield env


def import_at_once(env, *programs) -> list[subprocess.CompletedProcess]:
    """Start one ``rostra import`` per program together; wait for all."""
    started = [subprocess.Popen([sys.executable, "-m", "rostra", "import", str(program)],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for program in programs]
    results = []
    for process in started:
        out, err = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def assert_clean_ending(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr
    assert "duplicate key" not in result.stderr + result.stdout
    assert "DETAIL" not in result.stderr + result.stdout
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("rostra: error: "), result.stderr


def archive_counts(env) -> dict:
    import psycopg

    with psycopg.connect(env["ROSTRA_DATABASE_URL"]) as connection:
        one = lambda sql: connection.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "events": one("SELECT count(*) FROM archive_event"),
            "speeches": one("SELECT count(*) FROM archive_speech"),
            "distinct_speeches": one("SELECT count(DISTINCT (event_id, external_id)) "
                                     "FROM archive_speech"),
            "speakers": one("SELECT count(*) FROM archive_speaker"),
            "distinct_speakers": one("SELECT count(DISTINCT external_id) FROM archive_speaker"),
            "speech_speakers": one("SELECT count(*) FROM archive_speechspeaker"),
        }


@pytest.mark.slow
def test_the_same_program_twice_at_the_same_moment(postgres_env, tmp_path):
    program = write_program(tmp_path / "program.csv", 120)
    results = import_at_once(postgres_env, program, program)
    for result in results:
        assert_clean_ending(result)
    assert all(result.returncode == 0 for result in results), [r.stderr for r in results]
    assert archive_counts(postgres_env) == {
        "events": 1, "speeches": 120, "distinct_speeches": 120, "speakers": 20,
        "distinct_speakers": 20, "speech_speakers": 120}


@pytest.mark.slow
def test_overlapping_programs_at_the_same_moment(postgres_env, tmp_path):
    first = write_program(tmp_path / "first.csv", 120)
    second = write_program(tmp_path / "second.csv", 120, first=61)  # s61…s180
    results = import_at_once(postgres_env, first, second)
    for result in results:
        assert_clean_ending(result)
    assert all(result.returncode == 0 for result in results), [r.stderr for r in results]
    assert archive_counts(postgres_env) == {
        "events": 1, "speeches": 180, "distinct_speeches": 180, "speakers": 20,
        "distinct_speakers": 20, "speech_speakers": 180}
