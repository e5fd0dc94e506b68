"""A big import is indexed in the background from a durable backlog (rostra.search.backlog);
a small one at once. The real kill-and-resume run is tests/search/test_background_indexing.py."""

from __future__ import annotations

import pytest
from django.db import connection

from rostra.archive.domain.program_import import import_program
from rostra.archive.models import Speech
from rostra.search import backlog
from rostra.search.backends.registry import get_backend
from rostra.search.consistency import check_index
from rostra.search.models import PendingIndex
from rostra.search.normalize import query_groups
from tests.programs import COMMON_WORD, write_program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keyword_only(settings, data_dir):
    settings.ROSTRA_EMBEDDINGS = "none"


def indexed_speeches() -> set[int]:
    counts = get_backend().keyword_match_counts(query_groups(COMMON_WORD), speech_ids=None,
                                                languages=None)
    return {speech_id for speech_id, _, _ in counts}


def test_a_big_import_leaves_its_speeches_pending_for_the_background(
        tmp_path, django_capture_on_commit_callbacks):
    count = backlog.INLINE_LIMIT + 50
    with django_capture_on_commit_callbacks(execute=True):
        report = import_program(write_program(tmp_path / "big.csv", count))
    assert report.counts["speeches"].created == count
    assert PendingIndex.objects.count() == count and indexed_speeches() == set()
    check = check_index()
    assert (len(check.missing), check.pending, check.consistent) == (count, count, False)

    assert backlog.drain_backlog() == count
    assert PendingIndex.objects.count() == 0
    assert indexed_speeches() == set(Speech.objects.values_list("pk", flat=True))
    assert check_index().consistent


def test_a_small_import_is_indexed_at_once(tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_program(write_program(tmp_path / "small.csv", 12))
    assert PendingIndex.objects.count() == 0
    assert len(indexed_speeches()) == 12 and check_index().consistent


def test_a_dry_run_leaves_no_backlog(tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_program(write_program(tmp_path / "big.csv", backlog.INLINE_LIMIT + 1),
                       dry_run=True)
    assert PendingIndex.objects.count() == 0


def test_a_speech_marked_again_while_indexed_stays_pending(tmp_path, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        import_program(write_program(tmp_path / "three.csv", 3))
    first = PendingIndex.objects.order_by("marked_at", "speech_id").first()
    from rostra.search import indexing

    original = indexing.index_speech

    def index_and_meanwhile_change(speech, **options):
        result = original(speech, **options)
        if speech.pk == first.speech_id:
            backlog.mark_pending([speech.pk])  # an edit committed while this one indexed
        return result

    monkeypatch.setattr(indexing, "index_speech", index_and_meanwhile_change)
    assert backlog.index_pending(limit=3) == 3
    assert list(PendingIndex.objects.values_list("speech_id", flat=True)) == [first.speech_id]


def test_one_indexer_at_a_time(tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        import_program(write_program(tmp_path / "three.csv", 3))
    with other_indexer_holding_the_lock():
        assert backlog.drain_backlog() is None
        assert backlog.indexer_running()
    assert not backlog.indexer_running()
    assert backlog.drain_backlog() == 3


class other_indexer_holding_the_lock:
    """The indexer lock as another process would hold it: another database session on
    PostgreSQL, another open file on SQLite."""

    def __enter__(self):
        if connection.vendor == "postgresql":
            import psycopg

            settings = connection.settings_dict
            self.other = psycopg.connect(host=settings["HOST"] or None,
                                         port=settings["PORT"] or None,
                                         user=settings["USER"] or None,
                                         dbname=settings["NAME"], autocommit=True)
            self.other.execute("SELECT pg_advisory_lock(%s)", [backlog.ADVISORY_LOCK_KEY])
        else:
            self.context = backlog.indexer_lock()
            assert self.context.__enter__()
        return self

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            self.other.close()
        else:
            self.context.__exit__(*exc)


def test_the_background_test_program_is_big_enough():
    from tests.search.test_background_indexing import SPEECHES

    assert SPEECHES > backlog.INLINE_LIMIT


def test_the_serve_background_loop_and_the_celery_task_index_the_backlog(
        tmp_path, django_capture_on_commit_callbacks):
    from rostra.processing.background import process_pending_once
    from rostra.processing.tasks import index_backlog_task

    with django_capture_on_commit_callbacks(execute=False):  # as if killed after the commit
        import_program(write_program(tmp_path / "three.csv", 3))
    assert process_pending_once() == 1  # a batch between two stages (rostra serve)
    assert PendingIndex.objects.count() == 0 and len(indexed_speeches()) == 3

    backlog.mark_pending(Speech.objects.values_list("pk", flat=True))
    assert index_backlog_task() == 3  # what a worker runs (with a broker)
    assert PendingIndex.objects.count() == 0
