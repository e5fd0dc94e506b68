"""Background processing for ``rostra serve`` on one machine: no broker, no extra service.

A daemon thread runs what is waiting, one speech at a time, in the server's process (with the
in-process executor): stages queued earlier (by the API, the editors' pages, a worker that
died), then speeches whose recording has not been recognized yet. With ROSTRA_BROKER_URL set,
workers elsewhere do this instead and no thread is started.
"""

from __future__ import annotations

import logging
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
    speech = speeches_needing_processing().first()
    if speech is None:
        return 0
    process_speech(speech)
    return 1


def _work_forever(interval_seconds: float) -> None:
    while True:
        try:
            close_old_connections()
            while process_pending_once():
                close_old_connections()
        except Exception:  # the website must keep serving; the next round tries again
            logger.exception("background processing failed")
        finally:
            close_old_connections()
        time.sleep(interval_seconds)
