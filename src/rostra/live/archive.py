"""What a live stream leaves in the archive: its recording as the speech's media, and its
committed words as the speech's first machine transcript (flagged ``live``)."""

from __future__ import annotations

from django.utils import timezone

from rostra.archive.domain.media import add_media_file
from rostra.live.domain import live_folder, recording_path
from rostra.live.models import LiveJob, LiveLine
from rostra.pipeline.segmentation import cues_from_words
from rostra.pipeline.streaming.recording import encode_recording, recorded_ms_of
from rostra.pipeline.types import Word
from rostra.review.domain.revisions import record_revision
from rostra.transcripts.domain import HumanWorkProtected, SegmentData, save_transcript
from rostra.transcripts.models import Transcript

LIVE_FLAG = "live"
LIVE_REVISION_NOTE = "live captions draft (recognized while the speech was streamed)"


def committed_words(job: LiveJob) -> list[Word]:
    rows = job.lines.filter(kind=LiveLine.Kind.WORDS).order_by("id").values_list("words",
                                                                                  flat=True)
    return [Word(int(start), int(end), text, float(probability))
            for words in rows for start, end, text, probability in words]


def finish_live_job(job: LiveJob) -> list[str]:
    """Turn the ended stream into archive content; returns what was done, for people.

    Side effects: the job becomes ``finishing`` then ``ended``; the raw recording is encoded
    to Opus and stored through the content-addressed media path (unless the speech already
    has a recording, which is kept); the committed words become the speech's machine
    transcript with the ``live`` flag, unless an editor already worked on one. The normal
    pipeline (``rostra process``) later replaces that draft with an offline recognition; the
    draft stays in the transcript's history (a revision), so editors see both.
    """
    LiveJob.objects.filter(pk=job.pk).update(state=LiveJob.State.FINISHING, tentative="")
    speech = job.speech
    done: list[str] = []
    pcm = recording_path(speech)
    if recorded_ms_of(pcm) > 0:
        if speech.media_id:
            done.append("kept the speech's existing recording (the live one stays in "
                        f"{live_folder(speech)})")
        else:
            encoded = encode_recording(pcm, live_folder(speech) / f"{speech.slug}-live.ogg")
            add_media_file(encoded, speech=speech, original_name=encoded.name)
            encoded.unlink()
            pcm.unlink()
            done.append("the live recording is now the speech's media")
    done.append(_save_live_draft(job))
    LiveJob.objects.filter(pk=job.pk).update(state=LiveJob.State.ENDED, ended_at=timezone.now(),
                                             message="; ".join(done))
    job.refresh_from_db()
    return done


def _save_live_draft(job: LiveJob) -> str:
    words = committed_words(job)
    if not words:
        return "no words were committed, so there is no live draft"
    cues = cues_from_words(words)
    options = dict(job.options, live=True)
    try:
        draft = save_transcript(
            speech=job.speech, language=job.language or job.speech.original_language or "und",
            origin=Transcript.Origin.ASR,
            segments=[SegmentData(cue.start_ms, cue.end_ms, cue.text,
                                  [word.as_row() for word in cue.words]) for cue in cues],
            engine=job.options.get("engine", "faster-whisper"),
            model=job.options.get("model", ""), engine_version=job.options.get("version", ""),
            options=options, fingerprint="", flags=(LIVE_FLAG,))
    except HumanWorkProtected:
        return "an editor already worked on the machine transcript; the live draft was not saved"
    # Kept as a revision of its own: when the offline recognition later replaces the draft,
    # editors still find the live text in the transcript's history and can diff the two.
    record_revision(draft, user=None, note=LIVE_REVISION_NOTE)
    return f"the live transcript ({len(cues)} cues) is the speech's first machine draft"
