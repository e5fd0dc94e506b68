"""Processing a speech: plan its stages, claim each one, run it, record what happened.

Where a stage runs is not decided here: an executor (rostra.processing.executor) runs what
:func:`queue_processing` and :func:`queue_after` queue, in the order :func:`next_stages` says.

Stages per speech: ``asr`` (recognize the recording and cut it into subtitle cues),
``interpret:<lang>`` for each interpreter's track, ``translate:<lang>`` for every other
archive language, and ``renditions`` (web versions; see rostra.processing.media_stages). The
media stages need only the recording, so they are queued beside recognition. Indexing for
search follows on its own:
``save_transcript`` sends ``transcript_changed`` after commit and the search app listens.

Each stage is idempotent. Its fingerprint (input hash + engine + model + options) is kept on
its StageRun; a done stage with the same fingerprint is skipped unless forced. A stage is
claimed with a conditional UPDATE before any work, results and the run's new status are
written in one transaction, and a stage left "running" by a worker that died is reclaimed once
its heartbeat is stale (or at once when that worker's process is gone from this machine).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone

from rostra.archive.domain import speech_languages
from rostra.archive.domain.states import set_speech_state
from rostra.archive.models import Speech
from rostra.core.languages import ENGLISH_NAMES
from rostra.pipeline.types import MediaError, PipelineError
from rostra.processing.engines import asr_engine, asr_options_for
from rostra.processing.executor import StageExecutor
from rostra.processing.media_stages import (INTERPRET_PREFIX, STAGE_RENDITIONS, describe_stage,
                                            is_media_stage, media_stage_fingerprint,
                                            planned_media_stages, run_media_stage)
from rostra.processing.models import StageRun
from rostra.processing.translation import translate_transcript
from rostra.transcripts.domain import (HumanWorkProtected, SegmentData, has_editor_work,
                                      save_transcript)
from rostra.transcripts.models import Transcript
from rostra.transcripts.reading import preferred_transcript

logger = logging.getLogger(__name__)

STAGE_ASR = "asr"
TRANSLATE_PREFIX = "translate:"
STALE_AFTER = timedelta(minutes=10)
HEARTBEAT_SECONDS = 30
# Speech states that processing moves along; approved or published speeches keep theirs.
MOVABLE_STATES = (Speech.State.SCHEDULED, Speech.State.RECORDED, Speech.State.PROCESSING,
                  Speech.State.NEEDS_REVIEW, Speech.State.FAILED)

# Called as on_progress(stage, fraction_done) while a stage runs.
StageProgress = Callable[[str, float], None]


class TemporaryError(Exception):
    """A failure that will likely pass (database busy, storage unreachable): retry later."""


@dataclass(frozen=True)
class StageOutcome:
    stage: str
    status: str  # done, skipped, up-to-date, busy, failed
    message: str = ""
    detail: dict = field(default_factory=dict)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def language_name(code: str) -> str:
    return ENGLISH_NAMES.get(code, code)


def fingerprint_of(parts: dict) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


# --- planning ----------------------------------------------------------------------------------

def planned_stages(speech: Speech, *, stages: list[str] | None = None) -> list[str]:
    """The stages to run for ``speech``, in order; ``stages`` may name ``translate`` for all."""
    translate = [f"{TRANSLATE_PREFIX}{code}" for code in settings.ROSTRA_LANGUAGES
                 if code != speech.original_language]
    interpret, renditions = planned_media_stages(speech)
    every = [STAGE_ASR, *interpret, *translate, *renditions]
    if not stages:
        return every
    wanted: list[str] = []
    for name in stages:
        if name == "translate":
            wanted.extend(translate)
        elif name == "interpret":
            wanted.extend(interpret)
        elif name in (STAGE_ASR, STAGE_RENDITIONS) or name.startswith(
                (TRANSLATE_PREFIX, INTERPRET_PREFIX)):
            wanted.append(name)
        else:
            raise ValueError(f"unknown stage {name!r}")
    return [stage for stage in every if stage in wanted] + \
        [stage for stage in wanted if stage not in every]


def stage_fingerprint(speech: Speech, stage: str) -> tuple[str, str]:
    """(fingerprint of the stage's current input and configuration, reason it cannot run).

    The reason is empty when the stage can run; otherwise the stage will be recorded as
    skipped with it (no recording yet, no source transcript yet…).
    """
    if is_media_stage(stage):
        return media_stage_fingerprint(speech, stage)
    if stage == STAGE_ASR:
        if speech.media_id is None:
            return "", "no recording is attached to this speech"
        engine = asr_engine()
        parts = engine.fingerprint_parts(asr_options_for(speech))
        return fingerprint_of({"stage": stage, "input": speech.media.sha256, **parts}), ""
    target = stage.removeprefix(TRANSLATE_PREFIX)
    source = source_transcript(speech)
    if source is None:
        return "", "there is no transcript in the spoken language yet"
    parts = {name: getattr(settings, name) for name in (
        "ROSTRA_MT_ENGINE", "ROSTRA_MT_MODEL", "ROSTRA_MT_URL", "ROSTRA_MT_CHAT_MODEL",
        "ROSTRA_MT_BEAM_SIZE")}
    return fingerprint_of({"stage": stage, "target": target, "source": source.pk,
                           "source_revision": source.revision, **parts}), ""


def source_transcript(speech: Speech) -> Transcript | None:
    """What translations start from: the spoken language's transcript, a person's first."""
    language = speech.original_language
    if not language:
        return None
    return preferred_transcript(speech, language)


# --- claiming ------------------------------------------------------------------------------------

def is_stale(run: StageRun, *, now=None) -> bool:
    """Whether a running stage's worker is gone: its heartbeat stopped, or its process died."""
    if run.status != StageRun.Status.RUNNING:
        return False
    now = now or timezone.now()
    if run.heartbeat_at is None or now - run.heartbeat_at > STALE_AFTER:
        return True
    host, _, pid = run.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return not _process_alive(int(pid))
    return False


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def queue_stage(speech: Speech, *, stage: str, force: bool = False) -> StageRun | None:
    """Mark ``stage`` of ``speech`` as queued unless it is up to date or running elsewhere.

    A stage left running by a dead worker (stale heartbeat, or its process gone from this
    machine) is queued again; ``force`` also requeues done stages and live claims.

    Side effects: creates or updates the StageRun row (status queued) with a conditional
    UPDATE, so of two callers at most one moves it. Returns the row to execute, or None when
    there is nothing to do (done with the same fingerprint, or a live worker has it).
    """
    fingerprint, _ = stage_fingerprint(speech, stage)
    run, _ = StageRun.objects.get_or_create(speech=speech, stage=stage)
    finished = (StageRun.Status.DONE, StageRun.Status.SKIPPED)
    if run.status in finished and run.fingerprint == fingerprint and fingerprint and not force:
        return None
    if run.status == StageRun.Status.QUEUED:
        return run
    if run.status == StageRun.Status.RUNNING and not is_stale(run) and not force:
        return None  # a live worker has it; --force takes it over (the user knows best)
    moved = StageRun.objects.filter(
        pk=run.pk, status=run.status, attempts=run.attempts, heartbeat_at=run.heartbeat_at,
    ).update(status=StageRun.Status.QUEUED, queued_at=timezone.now())
    run.refresh_from_db()
    return run if moved or run.status == StageRun.Status.QUEUED else None


def _requeue_stale(run: StageRun) -> bool:
    """Put a stale running stage back in the queue; True for exactly one caller."""
    return StageRun.objects.filter(
        pk=run.pk, status=StageRun.Status.RUNNING, attempts=run.attempts,
        heartbeat_at=run.heartbeat_at,
    ).update(status=StageRun.Status.QUEUED, queued_at=timezone.now()) == 1


def claim_stage_run(run_id: int, *, worker: str) -> bool:
    """Move a queued stage to running for ``worker``; True for exactly one caller.

    Side effects: one conditional UPDATE (``status=queued`` → ``running``), which the database
    applies to one caller only, however many workers were handed the same task.
    """
    now = timezone.now()
    from django.db.models import F

    return StageRun.objects.filter(pk=run_id, status=StageRun.Status.QUEUED).update(
        status=StageRun.Status.RUNNING, worker=worker, started_at=now, heartbeat_at=now,
        finished_at=None, attempts=F("attempts") + 1) == 1


class _Heartbeat:
    """Refreshes the claimed row's heartbeat while a long stage runs, from its own thread."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{run_id}",
                                       daemon=True)

    def _beat(self) -> None:
        try:
            while not self.stop.wait(HEARTBEAT_SECONDS):
                StageRun.objects.filter(pk=self.run_id, status=StageRun.Status.RUNNING) \
                    .update(heartbeat_at=timezone.now())
        except Exception:  # a missed beat only risks an early reclaim, never wrong data
            logger.warning("heartbeat of stage run %s failed", self.run_id, exc_info=True)
        finally:
            close_old_connections()
            from django.db import connection

            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        self.thread.join(timeout=5)


# --- running -------------------------------------------------------------------------------------

def execute_stage_run(run_id: int, *, worker: str | None = None,
                      on_progress: StageProgress | None = None) -> StageOutcome:
    """Claim the queued stage run ``run_id`` and do its work.

    Side effects: the claim (StageRun → running); the stage's results (a transcript) and the
    run's final status written together in one transaction; the speech's state (processing →
    needs review, or failed with the reason). Raises TemporaryError (after putting the run back
    in the queue) for failures worth retrying; records permanent ones and returns them.
    """
    run = StageRun.objects.select_related("speech", "speech__media").filter(pk=run_id).first()
    if run is None:
        return StageOutcome("?", "skipped", "the stage run no longer exists")
    if not claim_stage_run(run_id, worker=worker or worker_name()):
        # A message delivered again after its worker died finds the run still "running":
        # take it back once that worker is known to be gone, else leave it to its owner.
        if not (is_stale(run) and _requeue_stale(run)
                and claim_stage_run(run_id, worker=worker or worker_name())):
            return StageOutcome(run.stage, "busy", "another worker has claimed this stage")
    speech = run.speech
    try:
        with _Heartbeat(run_id):
            if run.stage == STAGE_ASR:
                outcome = _run_asr(speech, run, on_progress)
            elif run.stage.startswith(TRANSLATE_PREFIX):
                outcome = _run_translation(speech, run)
            elif is_media_stage(run.stage):
                outcome = run_media_stage(speech, run, on_progress,
                                          lambda **result: _finish(run, **result))
            else:
                raise PipelineError(f"unknown stage {run.stage!r}")
    except HumanWorkProtected as exc:
        # Checked again inside the write's transaction: an editor may have started meanwhile.
        speech.refresh_from_db(fields=["state"])
        if speech.state == Speech.State.PROCESSING:
            set_speech_state(speech, Speech.State.NEEDS_REVIEW)
        return _finish(run, status=StageRun.Status.SKIPPED, fingerprint="", message=str(exc))
    except (TemporaryError, OperationalError, InterfaceError) as exc:
        StageRun.objects.filter(pk=run_id, status=StageRun.Status.RUNNING).update(
            status=StageRun.Status.QUEUED, error=f"temporary problem, will retry: {exc}")
        raise TemporaryError(str(exc)) from exc
    except PipelineError as exc:
        if not exc.permanent:
            StageRun.objects.filter(pk=run_id).update(status=StageRun.Status.QUEUED,
                                                      error=str(exc))
            raise TemporaryError(str(exc)) from exc
        return record_failure(speech, run, str(exc))
    except Exception as exc:
        logger.exception("stage %s of speech %s failed unexpectedly", run.stage, speech.slug)
        return record_failure(
            speech, run, f"unexpected error ({type(exc).__name__}: {exc}); the administrator "
            "can find the details in the worker's log")
    return outcome


def record_failure(speech: Speech, run: StageRun, reason: str) -> StageOutcome:
    """Record a permanent failure on the stage run and on the speech, in editors' words.

    Side effects: StageRun → failed with the reason; the speech → failed with the reason.
    """
    if is_media_stage(run.stage):
        what = describe_stage(run.stage)
    elif run.stage == STAGE_ASR:
        what = "speech recognition"
    else:
        what = f"translation into {language_name(run.stage.removeprefix(TRANSLATE_PREFIX))}"
    message = f"{what} failed: {reason}"
    with transaction.atomic():
        StageRun.objects.filter(pk=run.pk).update(
            status=StageRun.Status.FAILED, error=message, finished_at=timezone.now())
        speech.refresh_from_db(fields=["state", "failure_reason"])
        if speech.state in MOVABLE_STATES:
            set_speech_state(speech, Speech.State.FAILED, reason=message)
    return StageOutcome(run.stage, "failed", message)


def _finish(run: StageRun, *, status: str, fingerprint: str, message: str = "",
            detail: dict | None = None) -> StageOutcome:
    StageRun.objects.filter(pk=run.pk).update(
        status=status, fingerprint=fingerprint, error=message, detail=detail or {},
        finished_at=timezone.now())
    return StageOutcome(run.stage, status, message, detail or {})


def _run_asr(speech: Speech, run: StageRun, on_progress: StageProgress | None) -> StageOutcome:
    from rostra.core.storage import media_file

    fingerprint, reason = stage_fingerprint(speech, STAGE_ASR)
    if reason:
        return _finish(run, status=StageRun.Status.SKIPPED, fingerprint="", message=reason)
    existing = speech.transcripts.filter(origin=Transcript.Origin.ASR).first()
    if existing and has_editor_work(existing):
        return _finish(run, status=StageRun.Status.SKIPPED, fingerprint=fingerprint,
                       message="an editor has reviewed the machine transcript; it is kept")
    if speech.state in MOVABLE_STATES:
        set_speech_state(speech, Speech.State.PROCESSING)
    engine = asr_engine()
    options = asr_options_for(speech)
    path = media_file(speech.media.path)
    if not path.parent.exists():
        raise TemporaryError(f"media storage {path.parent} is not reachable")
    try:
        result = engine.transcribe_file(
            path, options=options,
            on_progress=(lambda fraction: on_progress(STAGE_ASR, fraction)) if on_progress
            else None)
    except MediaError as exc:
        # Editors know the file by the name it was uploaded as, not by its storage hash.
        raise MediaError(str(exc).replace(path.name, speech.media.original_name or path.name)) \
            from None
    from rostra.pipeline.segmentation import cues_from_segments

    cues = cues_from_segments(result.segments)
    detail = {"audio_ms": result.duration_ms, "cues": len(cues),
              "seconds": result.processing_seconds, "language": result.language,
              "device": result.device, "compute_type": result.compute_type,
              "flags": list(result.flags)}
    if result.duration_ms and result.processing_seconds:
        detail["real_time_factor"] = round(result.processing_seconds * 1000
                                           / result.duration_ms, 3)
    with transaction.atomic():
        save_transcript(
            speech=speech, language=result.language or speech.original_language or "und",
            origin=Transcript.Origin.ASR,
            segments=[SegmentData(cue.start_ms, cue.end_ms, cue.text,
                                  [word.as_row() for word in cue.words]) for cue in cues],
            engine=result.engine, model=result.model, engine_version=result.engine_version,
            options={**result.options, "device": result.device,
                     "compute_type": result.compute_type,
                     "language_probability": result.language_probability},
            fingerprint=fingerprint, flags=result.flags)
        if not speech.original_language and result.language:
            Speech.objects.filter(pk=speech.pk).update(original_language=result.language)
            speech_languages.sync_speeches([speech.pk])
            speech.original_language = result.language
        speech.refresh_from_db(fields=["state", "failure_reason"])
        if speech.state in MOVABLE_STATES:
            set_speech_state(speech, Speech.State.NEEDS_REVIEW)
        message = "no speech found in the recording" if "no-speech" in result.flags else ""
        return _finish(run, status=StageRun.Status.DONE, fingerprint=fingerprint,
                       message=message, detail=detail)


def _run_translation(speech: Speech, run: StageRun) -> StageOutcome:
    target = run.stage.removeprefix(TRANSLATE_PREFIX)
    fingerprint, reason = stage_fingerprint(speech, run.stage)
    if reason:
        return _finish(run, status=StageRun.Status.SKIPPED, fingerprint="", message=reason)
    source = source_transcript(speech)
    if source.language == target:
        return _finish(run, status=StageRun.Status.SKIPPED, fingerprint=fingerprint,
                       message="this is the spoken language")
    if speech.transcripts.filter(language=target, origin=Transcript.Origin.HUMAN).exists():
        return _finish(run, status=StageRun.Status.SKIPPED, fingerprint=fingerprint,
                       message="a human translation exists")
    # Not inside our own transaction: translating takes long, and the translator writes its
    # transcript in one transaction of its own (a killed worker leaves the run to be redone).
    translated = translate_transcript(source, target)
    if translated is None:
        # Up to date until the translation settings (part of the fingerprint) change.
        return _finish(run, status=StageRun.Status.SKIPPED, fingerprint=fingerprint,
                       message="no translation engine configured")
    return _finish(run, status=StageRun.Status.DONE, fingerprint=fingerprint,
                   detail={"transcript": translated.pk, "source": source.pk})


# --- what runs next ------------------------------------------------------------------------------

def next_stages(speech: Speech, *, stages: list[str] | None = None,
                after: StageOutcome | None = None) -> list[str]:
    """The one rule of order: recognition first, then the translations.

    At the start (``after`` None): recognition when it is asked for (its outcome decides the
    translations, and it tells the spoken language), with the media stages beside it (they
    need only the recording); else everything asked for. After recognition that did not fail
    and is not running elsewhere: the translations asked for. After anything else: nothing.
    """
    if after is None:
        wanted = planned_stages(speech, stages=stages)
        if STAGE_ASR not in wanted:
            return wanted
        return [STAGE_ASR] + [stage for stage in wanted if is_media_stage(stage)]
    if after.stage != STAGE_ASR or after.status not in ("done", "skipped", "up-to-date"):
        return []
    speech.refresh_from_db(fields=["original_language", "state"])  # recognition may set it
    return [stage for stage in planned_stages(speech, stages=stages)
            if stage != STAGE_ASR and not is_media_stage(stage)]


def queue_processing(speech: Speech, *, stages: list[str] | None = None, force: bool = False,
                     executor: StageExecutor) -> list[StageRun]:
    """Queue what comes first for ``speech`` and hand it to ``executor``.

    Side effects: StageRun rows queued (:func:`queue_stage`); the executor runs them (now or
    later) and calls :func:`queue_after` when each is done. Returns the runs queued now.
    """
    return _queue_stages(speech, next_stages(speech, stages=stages), stages=stages,
                         force=force, executor=executor)


def queue_after(outcome: StageOutcome, speech: Speech, *, stages: list[str] | None = None,
                force: bool = False, executor: StageExecutor) -> list[StageRun]:
    """Once a stage has run: queue what follows it (:func:`next_stages`) with ``executor``."""
    return _queue_stages(speech, next_stages(speech, stages=stages, after=outcome),
                         stages=stages, force=force, executor=executor)


def _queue_stages(speech: Speech, names: list[str], *, stages, force: bool,
                  executor: StageExecutor) -> list[StageRun]:
    queued = []
    for stage in names:
        run = queue_stage(speech, stage=stage, force=force)
        if run is not None:
            queued.append(run)
            executor.submit(run, stages=stages, force=force)
            continue
        current = StageRun.objects.get(speech=speech, stage=stage)
        outcome = (StageOutcome(stage, "busy", f"running on {current.worker}")
                   if current.status == StageRun.Status.RUNNING
                   else StageOutcome(stage, "up-to-date", current.error))
        executor.not_queued(outcome)
        # Recognition already done: what follows it may still be due.
        queued += queue_after(outcome, speech, stages=stages, force=force, executor=executor)
    return queued


def speeches_needing_processing():
    """Speeches with a recording whose recognition is neither done nor failed nor running."""
    settled = StageRun.objects.filter(stage=STAGE_ASR).exclude(status=StageRun.Status.QUEUED)
    return (Speech.objects.filter(media__isnull=False)
            .exclude(state=Speech.State.WITHDRAWN)
            .exclude(pk__in=settled.values("speech_id"))
            .select_related("media").order_by("pk"))
