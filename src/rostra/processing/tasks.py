"""Celery tasks: one per stage per speech. They take ids, stop quietly when the speech is gone,
and hand off to rostra.processing.domain.

Recognition (of the floor and of interpreters' tracks) goes to the ``asr`` queue, translation
to ``translate``, web renditions to ``media``; tasks are sent after the
transaction that queued their StageRun commits, so a worker never looks for a row that is not
there yet. Only temporary errors are retried (growing delays, a limit); permanent ones are
recorded on the speech by the domain.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from django.db import transaction

from rostra.archive.models import Speech
from rostra.processing import domain
from rostra.processing.models import StageRun

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


def queue_for(stage: str) -> str:
    if stage == domain.STAGE_ASR or stage.startswith(domain.INTERPRET_PREFIX):
        return "asr"
    if stage == domain.STAGE_RENDITIONS:
        return "media"
    if stage.startswith(domain.TRANSLATE_PREFIX):
        return "translate"
    return "default"


def enqueue_stage(speech: Speech, *, stage: str, stages: list[str] | None = None,
                  force: bool = False) -> StageRun | None:
    """Queue one stage and send its task once the transaction commits.

    Side effects: the StageRun row (queued); a Celery message on the stage's queue after
    commit. Returns None when the stage is up to date or running elsewhere.
    """
    run = domain.queue_stage(speech, stage=stage, force=force)
    if run is not None:
        run_id = run.pk
        transaction.on_commit(lambda: run_stage_task.apply_async(
            args=[run_id], kwargs={"stages": stages, "force": force}, queue=queue_for(stage)))
    return run


def enqueue_speech(speech: Speech, *, stages: list[str] | None = None,
                   force: bool = False) -> list[StageRun]:
    """Queue the processing of ``speech`` for the workers: recognition first, with the stages
    that need only the recording (interpreters' tracks, renditions) beside it; translations
    are queued by the recognition task when it finishes (or now, if it is done)."""
    queued = []
    if not stages or domain.STAGE_ASR in stages:
        run = enqueue_stage(speech, stage=domain.STAGE_ASR, stages=stages, force=force)
        if run is not None:
            independent = [stage for stage in domain.planned_stages(speech, stages=stages)
                           if domain.is_media_stage(stage)]
            return [run] + [other for other in (
                enqueue_stage(speech, stage=stage, stages=stages, force=force)
                for stage in independent) if other is not None]
        current = StageRun.objects.filter(speech=speech, stage=domain.STAGE_ASR).first()
        if current is not None and current.status in (StageRun.Status.RUNNING,
                                                      StageRun.Status.FAILED):
            return []
    for stage in domain.planned_stages(speech, stages=stages):
        if stage != domain.STAGE_ASR:
            run = enqueue_stage(speech, stage=stage, stages=stages, force=force)
            if run is not None:
                queued.append(run)
    return queued


class StageTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Reached when retries ran out (temporary errors that did not pass): record it.
        if not isinstance(exc, domain.TemporaryError) or not args:
            return
        run = StageRun.objects.select_related("speech").filter(pk=args[0]).first()
        if run is not None:
            domain.record_failure(run.speech, run, f"gave up after {MAX_RETRIES} retries ({exc})")


@shared_task(name="rostra.processing.process_speech")
def process_speech_task(speech_id: int, stages: list[str] | None = None,
                        force: bool = False) -> int:
    """Queue the stages of one speech; returns how many were queued."""
    speech = Speech.objects.filter(pk=speech_id).select_related("media").first()
    if speech is None:
        return 0
    return len(enqueue_speech(speech, stages=stages, force=force))


@shared_task(name="rostra.processing.run_stage", base=StageTask, bind=True,
             autoretry_for=(domain.TemporaryError,), max_retries=MAX_RETRIES,
             retry_backoff=30, retry_backoff_max=900, retry_jitter=True)
def run_stage_task(self, run_id: int, stages: list[str] | None = None,
                   force: bool = False) -> str:
    """Claim and run one stage; after recognition, queue the stages that follow it."""
    if not StageRun.objects.filter(pk=run_id).exists():
        return "gone"  # the speech was deleted since: nothing to do
    outcome = domain.execute_stage_run(run_id)
    if outcome.stage == domain.STAGE_ASR and outcome.status in ("done", "skipped"):
        run = StageRun.objects.select_related("speech").filter(pk=run_id).first()
        if run is not None:
            with transaction.atomic():
                for stage in domain.planned_stages(run.speech, stages=stages):
                    # Media stages were queued beside recognition (enqueue_speech).
                    if stage != domain.STAGE_ASR and not domain.is_media_stage(stage):
                        enqueue_stage(run.speech, stage=stage, stages=stages, force=force)
    return outcome.status
