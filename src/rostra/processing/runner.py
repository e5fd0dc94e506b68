"""Processing many speeches on this machine, in this process or in N worker processes.

Each worker process sets up Django once and keeps its speech model loaded for every speech it
is given (models load once per process). CPU threads are divided between the workers so two
workers on two cores do not fight over them. Progress events come back through a queue.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_module
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from typing import Callable

# Nothing from Django at module level: spawned worker processes import this module before
# _init_worker has set Django up.

# on_event(kind, speech_id, payload): kind is "start", "progress" (payload: fraction of the
# speech done) or "done" (payload: list of StageOutcome).
EventCallback = Callable[[str, int, object], None]


@dataclass(frozen=True)
class SpeechJob:
    speech_id: int
    slug: str
    audio_s: int  # the recording's length: the weight of this speech in the overall ETA


def process_here(speech_id: int, *, stages, force: bool, on_event: EventCallback) -> list:
    """Process one speech in this process, reporting progress through ``on_event``."""
    from django.db import close_old_connections

    from rostra.archive.models import Speech
    from rostra.processing.domain import StageOutcome
    from rostra.processing.in_process import process_speech

    close_old_connections()
    speech = Speech.objects.filter(pk=speech_id).select_related("media").first()
    if speech is None:
        return [StageOutcome("asr", "skipped", "the speech no longer exists")]
    on_event("start", speech_id, None)
    return process_speech(speech, stages=stages, force=force,
                          on_progress=lambda stage, fraction: on_event("progress", speech_id,
                                                                       fraction))


def run_jobs(jobs: list[SpeechJob], *, stages=None, force: bool = False, workers: int = 1,
             on_event: EventCallback) -> dict[int, list]:
    """Process ``jobs`` with ``workers`` processes; returns each speech's stage outcomes."""
    from rostra.processing.domain import StageOutcome

    results: dict[int, list[StageOutcome]] = {}
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            outcomes = process_here(job.speech_id, stages=stages, force=force, on_event=on_event)
            results[job.speech_id] = outcomes
            on_event("done", job.speech_id, outcomes)
        return results
    from django.db import connections

    connections.close_all()  # never share a database connection with child processes
    context = multiprocessing.get_context("spawn")
    manager = context.Manager()
    events = manager.Queue()
    threads = max(1, (os.cpu_count() or 1) // workers)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_init_worker, initargs=(threads,)) as pool:
        pending = {pool.submit(_process_in_worker, job.speech_id, stages, force, events): job
                   for job in jobs}
        while pending:
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(events, on_event)
            for future in done:
                job = pending.pop(future)
                outcomes = [StageOutcome(**row) for row in future.result()]
                results[job.speech_id] = outcomes
                on_event("done", job.speech_id, outcomes)
        _drain(events, on_event)
    manager.shutdown()
    return results


def _drain(events, on_event: EventCallback) -> None:
    while True:
        try:
            kind, speech_id, payload = events.get_nowait()
        except queue_module.Empty:
            return
        on_event(kind, speech_id, payload)


def _init_worker(threads: int) -> None:
    if os.environ.get("ROSTRA_ASR_THREADS", "0") in ("", "0"):
        os.environ["ROSTRA_ASR_THREADS"] = str(threads)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostra.settings")
    import django

    django.setup()


def _process_in_worker(speech_id: int, stages, force: bool, events) -> list[dict]:
    outcomes = process_here(
        speech_id, stages=stages, force=force,
        on_event=lambda kind, sid, payload: events.put((kind, sid, payload)))
    return [asdict(outcome) for outcome in outcomes]
