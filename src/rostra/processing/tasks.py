"""Celery: the executor for workers on many machines, and its tasks.

Tasks take ids, stop quietly when the speech is gone, and hand off to rostra.processing.domain.
Recognition (of the floor and of interpreters' tracks) goes to the ``asr`` queue, translation
to ``translate``, web renditions to ``media``; a task is sent after the
transaction that queued its StageRun commits, so a worker never looks for a row that is not
there yet. Only temporary errors are retried, as rostra.processing.retries.WORKER_RETRIES says;
permanent ones are recorded on the speech by the domain.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from rostra.archive.models import Speech
from rostra.processing import domain
from rostra.processing.executor import StageExecutor
from rostra.processing.models import StageRun
from rostra.processing.retries import WORKER_RETRIES

logger = logging.getLogger(__name__)


def queue_for(stage: str) -> str:
    if stage == domain.STAGE_ASR or stage.startswith(domain.INTERPRET_PREFIX):
        return "asr"
    if stage == domain.STAGE_RENDITIONS:
        return "media"
    if stage.startswith(domain.TRANSLATE_PREFIX):
        return "translate"
    return "default"


class CeleryExecutor(StageExecutor):
    """Sends each queued stage to the workers on its queue, once the transaction commits."""

    def submit(self, run: StageRun, *, stages, force) -> None:
        run_id, queue = run.pk, queue_for(run.stage)
        transaction.on_commit(lambda: run_stage_task.apply_async(
            args=[run_id], kwargs={"stages": stages, "force": force}, queue=queue))

    def submit_index_backlog(self) -> None:
        transaction.on_commit(lambda: index_backlog_task.apply_async(queue="default"))


def enqueue_speech(speech: Speech, *, stages: list[str] | None = None,
                   force: bool = False) -> list[StageRun]:
    """Queue the processing of ``speech`` for the workers (domain.queue_processing with the
    Celery executor); the stages after recognition follow when its task finishes."""
    return domain.queue_processing(speech, stages=stages, force=force,
                                   executor=CeleryExecutor())


@shared_task(name="rostra.processing.process_speech")
def process_speech_task(speech_id: int, stages: list[str] | None = None,
                        force: bool = False) -> int:
    """Queue the stages of one speech; returns how many were queued."""
    speech = Speech.objects.filter(pk=speech_id).select_related("media").first()
    if speech is None:
        return 0
    return len(enqueue_speech(speech, stages=stages, force=force))


@shared_task(name="rostra.processing.run_stage", bind=True)
def run_stage_task(self, run_id: int, stages: list[str] | None = None,
                   force: bool = False) -> str:
    """Claim and run one stage; then queue what follows it (domain.queue_after)."""
    run = StageRun.objects.select_related("speech").filter(pk=run_id).first()
    if run is None:
        return "gone"  # the speech was deleted since: nothing to do
    try:
        outcome = domain.execute_stage_run(run_id)
    except domain.TemporaryError as exc:
        attempt = self.request.retries + 1
        if WORKER_RETRIES.gives_up_after(attempt):
            run.refresh_from_db()
            outcome = domain.record_failure(run.speech, run, WORKER_RETRIES.gave_up_reason(exc))
            return outcome.status
        raise self.retry(exc=exc, countdown=WORKER_RETRIES.delay_s(attempt),
                         max_retries=WORKER_RETRIES.attempts - 1) from None
    with transaction.atomic():
        domain.queue_after(outcome, run.speech, stages=stages, force=force,
                           executor=CeleryExecutor())
    return outcome.status


@shared_task(name="rostra.search.index_backlog")
def index_backlog_task() -> int:
    """Index the search backlog (rostra.search.backlog.drain_backlog); 0 when another worker
    is at it (that one takes what was marked meanwhile too)."""
    from rostra.search.backlog import drain_backlog

    return drain_backlog() or 0
