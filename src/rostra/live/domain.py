"""Live jobs' rules: one running job per speech and per room, resume after a crash, stop,
the lines a job commits, and what the stream leaves in the archive when it ends.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from django.db import transaction
from django.utils import timezone

from rostra.archive.models import Speech
from rostra.core.errors import UserError
from rostra.core.storage import data_dir
from rostra.live.models import LiveJob, LiveLine
from rostra.pipeline.streaming.recognizer import CommittedSentence
from rostra.pipeline.streaming.recording import recorded_ms_of
from rostra.pipeline.streaming.sources import source_kind
from rostra.pipeline.types import Word
from rostra.processing.domain import _process_alive

# A job whose process has not said anything for this long on another machine is taken as
# gone (on this machine the process id tells at once).
STALE_AFTER_SECONDS = 30


def live_folder(speech: Speech) -> Path:
    return data_dir() / "live" / speech.slug


def recording_path(speech: Speech) -> Path:
    return live_folder(speech) / "recording.pcm"


def job_alive(job: LiveJob) -> bool:
    """Whether the process running ``job`` is still there."""
    if not job.is_active or job.pid is None:
        return False
    if job.host == socket.gethostname():
        return _process_alive(job.pid)
    return (timezone.now() - job.heartbeat_at).total_seconds() < STALE_AFTER_SECONDS


@dataclass(frozen=True)
class StartedJob:
    job: LiveJob
    resumed_at_ms: int  # 0 for a fresh start; where the recording left off otherwise


def start_live_job(speech: Speech, *, source: str, player_url: str = "",
                   options: dict | None = None) -> StartedJob:
    """Claim the live job of ``speech`` for this process, or resume one whose process died.

    Side effects: creates or updates the LiveJob row (state running, this host and pid). A
    resumed job keeps its lines and its recording; a gap line marks the restart. Raises
    UserError when the speech is already live in a running process, when another speech in
    the same room is, when the speech's live stream has already ended, or for a source that
    cannot exist.
    """
    source_kind(source)  # a missing file or an unknown scheme fails before anything is written
    with transaction.atomic():
        job = LiveJob.objects.select_for_update().filter(speech=speech).first()
        if job is not None and job_alive(job):
            raise UserError(f"{speech.slug} is already live (process {job.pid} on {job.host}); "
                            f"stop it first with `rostra live --stop {speech.slug}`")
        if job is not None and job.state == LiveJob.State.ENDED:
            raise UserError(f"the live stream of {speech.slug} has ended and is in the archive; "
                            "`rostra live --list` shows it")
        _refuse_busy_room(speech)
        recorded = recorded_ms_of(recording_path(speech))
        fields = dict(source=source, player_url=player_url, state=LiveJob.State.RUNNING,
                      host=socket.gethostname(), pid=os.getpid(), heartbeat_at=timezone.now(),
                      stop_requested=False, behind=False, tentative="", recorded_ms=recorded,
                      language=speech.original_language or "", options=dict(options or {}),
                      message="")
        if job is None:
            recording_path(speech).unlink(missing_ok=True)  # left by a deleted job
            job = LiveJob.objects.create(speech=speech, **fields)
            return StartedJob(job, 0)
        for name, value in fields.items():
            setattr(job, name, value)
        job.restarts += 1
        job.save()
        if recorded:
            LiveLine.objects.create(job=job, kind=LiveLine.Kind.GAP, start_ms=recorded,
                                    end_ms=recorded, text="restarted")
        return StartedJob(job, recorded)


def _refuse_busy_room(speech: Speech) -> None:
    if speech.room_id is None:
        return
    for other in LiveJob.objects.filter(speech__room_id=speech.room_id).exclude(speech=speech):
        if job_alive(other):
            raise UserError(f"room {speech.room} is already live with {other.speech.slug}; "
                            f"stop it first with `rostra live --stop {other.speech.slug}`")


def request_stop(speech: Speech) -> LiveJob:
    """Ask the live job of ``speech`` to end; does nothing when it was already asked.

    A job whose process is gone is finished here and now (its recording and lines are in
    storage). Raises UserError when the speech has no live job or it has already ended.
    """
    job = LiveJob.objects.filter(speech=speech).first()
    if job is None:
        raise UserError(f"{speech.slug} has no live job; `rostra live --list` shows them")
    if not job.is_active:
        raise UserError(f"the live job of {speech.slug} is already {job.state}")
    if job_alive(job):
        LiveJob.objects.filter(pk=job.pk, stop_requested=False).update(stop_requested=True)
    else:
        from rostra.live.archive import finish_live_job

        finish_live_job(job)
    job.refresh_from_db()
    return job


def live_jobs():
    return LiveJob.objects.select_related("speech").order_by("-started_at")


def record_words(job: LiveJob, words: Sequence[Word]) -> LiveLine | None:
    """Store words that became final (one line per step that committed any)."""
    if not words:
        return None
    return LiveLine.objects.create(
        job=job, kind=LiveLine.Kind.WORDS, start_ms=words[0].start_ms, end_ms=words[-1].end_ms,
        text="".join(word.text for word in words),
        words=[word.as_row() for word in words])


def record_sentence(job: LiveJob, sentence: CommittedSentence,
                    translations: dict[str, str]) -> LiveLine:
    return LiveLine.objects.create(
        job=job, kind=LiveLine.Kind.SENTENCE, start_ms=sentence.start_ms,
        end_ms=sentence.end_ms, text=sentence.text, translations=translations)


def record_gap(job: LiveJob, *, at_ms: int, missing_ms: int, reason: str) -> LiveLine:
    return LiveLine.objects.create(job=job, kind=LiveLine.Kind.GAP, start_ms=at_ms,
                                   end_ms=at_ms, text=reason[:500],
                                   translations={"missing_ms": missing_ms})


def report_progress(job: LiveJob, **fields) -> bool:
    """Save the job's progress (recorded_ms, recognized_ms, tentative, behind, state, message);
    returns whether a stop was requested meanwhile."""
    fields["heartbeat_at"] = timezone.now()
    LiveJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)
    return LiveJob.objects.filter(pk=job.pk, stop_requested=True).exists()
