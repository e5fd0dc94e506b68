"""Test setup shared by every suite.

The data directory is a fresh temporary folder per run. Which database the suite uses comes
from ROSTRA_DATABASE_URL (empty: SQLite), so `.ci/run` runs the same tests on PostgreSQL.
Tests needing a server use the ``redis_url``/``postgres_url`` fixtures: they skip when the
server is missing, or fail when ROSTRA_REQUIRE_SERVICES=true.
"""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# The real conference programs the tests import, with their provenance (SOURCES.md): a copy
# inside the repository, so a clone tests itself with nothing beside it.
SCHEDULES = REPO / "tests" / "fixtures" / "schedules"


# Set before Django reads its settings (so not in pyproject's ini, which pytest-django reads
# before any conftest): the whole run uses a temporary data dir, never ./rostra-data.
if "ROSTRA_TEST_DATA_DIR" not in os.environ:
    os.environ["ROSTRA_TEST_DATA_DIR"] = tempfile.mkdtemp(prefix="rostra-test-")
os.environ["ROSTRA_DATA_DIR"] = os.environ["ROSTRA_TEST_DATA_DIR"]
# Encoding web renditions is its own stage with its own tests (tests/media), which turn it on;
# elsewhere it would only slow processing tests down.
os.environ.setdefault("ROSTRA_RENDITIONS", "false")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.settings")
import django  # noqa: E402

django.setup()  # test modules and conftests below import models at collection time


def services_required() -> bool:
    from django.conf import settings

    return settings.ROSTRA_REQUIRE_SERVICES


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def need_service(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if services_required():
        pytest.fail(message + " and ROSTRA_REQUIRE_SERVICES is set")
    pytest.skip(message)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A test database name of this run's own, so two runs on one PostgreSQL never collide."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        if "postgresql" in database["ENGINE"]:
            database.setdefault("TEST", {})["NAME"] = f"test_rostra_{os.getpid()}"
            _drop_databases_of_finished_runs(database)


def _drop_databases_of_finished_runs(database: dict) -> None:
    """A run whose teardown met a lingering connection leaves its database behind: drop the
    test databases of runs whose process is gone, so they do not pile up on the server."""
    import psycopg

    try:
        with psycopg.connect(host=database.get("HOST") or None, port=database.get("PORT") or None,
                             user=database.get("USER") or None, dbname=database["NAME"],
                             autocommit=True, connect_timeout=5) as connection:
            names = [row[0] for row in connection.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'test_rostra_%'")]
            for name in names:
                pid = name.removeprefix("test_rostra_")
                if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error:
        pass  # the run itself reports an unreachable server


@pytest.fixture(scope="session")
def redis_url():
    """A Redis database this run holds alone.

    Two test runs sharing one database (a developer's run beside CI's) take each other's
    Celery tasks, so each run claims a free database number for as long as it lasts.
    """
    if "ROSTRA_TEST_REDIS_URL" in os.environ:
        yield os.environ["ROSTRA_TEST_REDIS_URL"]
        return
    need_service("Redis", "127.0.0.1", 6379)
    import redis

    claim_key, owner = "rostra-test-run", str(os.getpid())
    for number in range(15, 0, -1):
        client = redis.Redis(host="127.0.0.1", port=6379, db=number)
        if client.set(claim_key, owner, nx=True, ex=6 * 3600):
            break
        client.close()
    else:
        pytest.fail("every Redis database 1-15 is claimed by another test run; "
                    "set ROSTRA_TEST_REDIS_URL or delete the stale 'rostra-test-run' keys")
    client.flushdb()
    client.set(claim_key, owner, ex=6 * 3600)
    try:
        yield f"redis://127.0.0.1:6379/{number}"
    finally:
        client.flushdb()
        client.close()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("ROSTRA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    need_service("PostgreSQL", "127.0.0.1", 5432)
    return url


@pytest.fixture
def data_dir(settings, tmp_path) -> Path:
    """A private data dir (and media dir) for one test."""
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_DIR = tmp_path / "data" / "media"
    settings.DATA_DIR.mkdir(parents=True)
    return settings.DATA_DIR


@pytest.fixture(scope="session")
def schedules_dir() -> Path:
    if not SCHEDULES.is_dir():
        pytest.fail(f"the schedule fixtures are missing: {SCHEDULES}")
    return SCHEDULES


@pytest.fixture(autouse=True)
def empty_page_cache():
    """Each test starts with no cached public page: a page kept from an earlier test would
    show rows that test's rollback removed (rostra.public.pagecache); nor with a search facet
    map read before such a rollback (rostra.search.results)."""
    from django.core.cache import caches

    from rostra.search.results import forget_facet_map

    caches["pages"].clear()
    forget_facet_map()
    yield
