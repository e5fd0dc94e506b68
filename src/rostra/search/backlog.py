"""Indexing after a big import: in the background, resumable after a kill.

A program import marks every speech it created or changed as pending
(:class:`rostra.search.models.PendingIndex`) in its own transaction, so the work is recorded
before the import returns. After the commit a small import is indexed at once, in the importing
process; a big one (more than ``INLINE_LIMIT`` speeches: 23,000 took over 10 minutes) is handed
to the deployment's executor (rostra.processing.executor): a Celery task with a broker, else
the background process of ``rostra serve``, or the indexer ``rostra import`` starts
(``python -m rostra.search.backlog``).

One indexer drains the backlog at a time (``indexer_lock``: an advisory lock on PostgreSQL, a
file lock beside the SQLite index; both die with their holder, so a killed indexer never
blocks the next). A row is removed only after its speech is indexed, and each speech is
indexed in one index transaction, so a killed indexer leaves the rows of the speeches it had
not finished: the next one resumes there, and ``rostra search --check`` finds nothing half
written.
"""

from __future__ import annotations

import fcntl
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from django.db import connection, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

# Up to this many speeches an import indexes them itself (a few seconds); beyond, the
# background does, and the import returns.
INLINE_LIMIT = 200
BATCH = 50
LOCK_FILE_NAME = "search-indexer.lock"
# pg_try_advisory_lock key: "rostra-search-indexer" folded to a bigint.
ADVISORY_LOCK_KEY = 0x726F73747261_49


def mark_pending(speech_ids: Iterable[int]) -> int:
    """Record that these speeches' index entries are behind. Side effect: one PendingIndex row
    per speech (a new token on an existing row), in the caller's transaction."""
    from rostra.search.models import PendingIndex

    now = timezone.now()
    rows = [PendingIndex(speech_id=pk, token=secrets.token_hex(16), marked_at=now)
            for pk in speech_ids]
    PendingIndex.objects.bulk_create(rows, batch_size=500, update_conflicts=True,
                                     unique_fields=["speech"],
                                     update_fields=["token", "marked_at"])
    return len(rows)


def pending_count() -> int:
    from rostra.search.models import PendingIndex

    return PendingIndex.objects.count()


def index_pending(*, speech_ids: Iterable[int] | None = None, limit: int | None = None,
                  should_stop: Callable[[], bool] = lambda: False,
                  progress: Callable[[int], None] | None = None) -> int:
    """Index pending speeches, oldest mark first (only ``speech_ids`` when given), at most
    ``limit``; returns how many were indexed.

    Side effects: each speech's index entries (one index transaction per speech), then its
    PendingIndex row, unless the speech was marked again meanwhile (its new token stays)."""
    from rostra.archive.models import Speech
    from rostra.search.indexing import index_speech
    from rostra.search.models import PendingIndex

    done, failed = 0, set()
    wanted = None if speech_ids is None else list(speech_ids)
    while limit is None or done < limit:
        rows = PendingIndex.objects.exclude(speech_id__in=failed).order_by("marked_at",
                                                                           "speech_id")
        if wanted is not None:
            rows = rows.filter(speech_id__in=wanted)
        size = BATCH if limit is None else min(BATCH, limit - done)
        batch = list(rows.values_list("speech_id", "token")[:size])
        if not batch:
            break
        speeches = (Speech.objects.filter(pk__in=[pk for pk, _ in batch])
                    .prefetch_related("transcripts", "speakers", "topics").in_bulk())
        for speech_id, token in batch:
            if should_stop():
                return done
            try:
                if speech_id in speeches:  # a deleted speech's row went with it (cascade)
                    index_speech(speeches[speech_id])
            except Exception:  # its row stays, for --check and the next indexer
                log.exception("search: indexing speech %s failed; it stays pending",
                              speech_id)
                failed.add(speech_id)
                continue
            PendingIndex.objects.filter(speech_id=speech_id, token=token).delete()
            done += 1
            if progress is not None:
                progress(done)
    return done


@contextmanager
def indexer_lock() -> Iterator[bool]:
    """Hold the one-indexer lock if it is free; yields whether this process holds it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            held = cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        return
    from django.conf import settings

    path = Path(settings.DATA_DIR) / LOCK_FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def indexer_running() -> bool:
    """Whether another process holds the indexer lock now (for ``rostra status``)."""
    with indexer_lock() as held:
        return not held


def drain_backlog(*, limit: int | None = None,
                  should_stop: Callable[[], bool] = lambda: False) -> int | None:
    """Index the backlog under the indexer lock; None when another indexer holds it.

    Rows marked while this one finished are taken too: after letting the lock go it looks
    once more, so an import whose hand-off met a busy indexer is not left waiting."""
    total = 0
    for _ in range(2):
        with indexer_lock() as held:
            if not held:
                return None if total == 0 else total
            total += index_pending(limit=None if limit is None else limit - total,
                                   should_stop=should_stop)
        if should_stop() or (limit is not None and total >= limit) or not pending_count():
            break
    return total


def on_speeches_written(sender, speech_ids, **kwargs) -> None:
    """Receiver of rostra.archive.signals.speeches_written (inside the import's transaction):
    mark them, and after the commit index them here or hand them to the background."""
    speech_ids = list(speech_ids)
    if not speech_ids:
        return
    mark_pending(speech_ids)
    transaction.on_commit(lambda: after_commit(speech_ids))


def after_commit(speech_ids: list[int]) -> None:
    try:
        if len(speech_ids) <= INLINE_LIMIT:
            index_pending(speech_ids=speech_ids)
            return
        from rostra.processing.dispatch import deployment_executor

        deployment_executor().submit_index_backlog()
    except Exception:  # the import is committed; the rows stay for the next indexer
        log.exception("search: indexing after the import failed; the speeches stay pending "
                      "(rostra search --check --reindex indexes them now)")


def start_indexer_process() -> subprocess.Popen:
    """The indexer in a process of its own, outliving the command that starts it (``rostra
    import`` on a machine without a broker). Its log goes to the data dir's log file."""
    return subprocess.Popen([sys.executable, "-m", "rostra.search.backlog"],
                            env=dict(os.environ), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def main() -> None:
    """``python -m rostra.search.backlog``: drain the backlog, then exit; SIGTERM stops it
    between two speeches (the rest stays pending)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.settings")
    django.setup()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        done = drain_backlog(should_stop=stop.is_set)
    except Exception:
        log.exception("search: the background indexer stopped; the rest stays pending")
        raise SystemExit(1) from None
    log.info("search: background indexer %s", "found another one running" if done is None
             else f"indexed {done} speeches")


if __name__ == "__main__":
    main()
