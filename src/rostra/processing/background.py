"""Background processing for ``rostra serve`` on one machine: no broker, no extra service.

A loop runs what is waiting, one speech at a time (with the in-process executor): stages queued
earlier (by the API, the editors' pages, a worker that died), then the search backlog a big
import left (a batch at a time), then speeches whose recording has not been recognized yet. ``rostra serve`` runs it as a process of its own (``python -m
rostra.processing.background``), which stops between two speeches on SIGTERM; tests and
embedders can run it as a daemon thread. With ROSTRA_BROKER_URL set, workers elsewhere do this
instead and no loop is started.
"""

from __future__ import annotations

import logging
import signal
import threading
import time

from django.db import close_old_connections

logger = logging.getLogger(__name__)

_thread: threading.Thread | None = None
_lock = threading.Lock()


def start_background_worker(*, interval_seconds: float = 10.0) -> threading.Thread | None:
    """Start the processing thread once per process; returns it (None with a broker)."""
    global _thread
    from django.conf import settings

    if settings.ROSTRA_BROKER_URL:
        return None
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_work_forever, args=(interval_seconds,),
                                       name="rostra-background-processing", daemon=True)
            _thread.start()
        return _thread


def process_pending_once() -> int:
    """Run the next queued stage, or else process the next speech waiting for recognition;
    returns how many were taken up (0 or 1)."""
    from rostra.processing.domain import speeches_needing_processing
    from rostra.processing.in_process import process_speech, run_queued_stage
    from rostra.processing.models import StageRun

    run = (StageRun.objects.filter(status=StageRun.Status.QUEUED).select_related("speech")
           .order_by("queued_at", "pk").first())
    if run is not None:
        run_queued_stage(run)
        return 1
    if index_backlog_batch():
        return 1
    speech = speeches_needing_processing().first()
    if speech is None:
        return 0
    process_speech(speech)
    return 1


def index_backlog_batch() -> int:
    """A batch of the search backlog (a big import's speeches, rostra.search.backlog), between
    two stages so processing is not held up for minutes; 0 when none waits or another
    indexer is at it."""
    from rostra.search.backlog import BATCH, drain_backlog, pending_count

    if not pending_count():
        return 0
    return drain_backlog(limit=BATCH, should_stop=_stop.is_set) or 0


_stop = threading.Event()


def _work_forever(interval_seconds: float) -> None:
    while not _stop.is_set():
        try:
            close_old_connections()
            while process_pending_once():
                close_old_connections()
        except Exception:  # the website must keep serving; the next round tries again
            logger.exception("background processing failed")
        finally:
            close_old_connections()
        _stop.wait(interval_seconds)


def main() -> None:
    """The background process: work until SIGTERM, finishing the speech in hand."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.settings")
    django.setup()
    signal.signal(signal.SIGTERM, lambda signum, frame: _stop.set())
    signal.signal(signal.SIGINT, lambda signum, frame: _stop.set())
    _work_forever(10.0)


if __name__ == "__main__":
    main()
