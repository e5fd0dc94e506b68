"""Writes that other apps implement, with the role check and the audit entry added: media
upload, processing, a human transcript, comment moderation. The API and pages call these."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied

from rostra.archive.models import Speech
from rostra.core.errors import UserError
from rostra.review import roles
from rostra.review.domain import audit


def upload_media(speech: Speech, *, user, path: Path, original_name: str, via: str = "api"):
    """Store a recording and attach it (archive.domain.media.add_media_file). Needs
    manage_archive. Side effects: the media file and row; the speech's media; audit entry."""
    if not roles.can_manage_archive(user):
        raise PermissionDenied("you may not upload media")
    from rostra.archive.domain.media import add_media_file

    before = {"media": speech.media.sha256 if speech.media_id else None}
    result = add_media_file(Path(path), speech=speech, original_name=original_name)
    audit.record(user=user, action="speech.media", obj=speech, via=via, before=before,
                 after={"media": result.asset.sha256, "created": result.created,
                        "original_name": original_name})
    return result


def start_processing(speech: Speech, *, user, stages: list[str] | None = None,
                     force: bool = False, via: str = "api") -> list:
    """Queue the speech's processing stages. Needs manage_archive. Returns the StageRuns.

    With a broker: processing.tasks.enqueue_speech (the workers take it). Without one, speech
    recognition is only marked queued (processing.domain.queue_stage) for the background
    worker of ``rostra serve`` (or ``rostra process``), so a request never waits minutes for
    it; stages after recognition are queued the same way as with a broker.
    """
    if not roles.can_manage_archive(user):
        raise PermissionDenied("you may not start processing")
    if speech.media_id is None:
        raise UserError(f"{speech.slug} has no recording; upload its media first")
    from rostra.processing import domain as processing
    from django.conf import settings
    from rostra.processing.tasks import enqueue_speech

    runs = None
    if not settings.ROSTRA_BROKER_URL and (
            not stages or processing.STAGE_ASR in stages):
        run = processing.queue_stage(speech, stage=processing.STAGE_ASR, force=force)
        runs = [run] if run is not None else None
    if runs is None:
        runs = enqueue_speech(speech, stages=stages or None, force=force)
    audit.record(user=user, action="speech.process", obj=speech, via=via,
                 after={"stages": [run.stage for run in runs], "force": force})
    return runs


def import_human_transcript(speech: Speech, *, user, language: str, path: Path,
                            via: str = "api"):
    """Read a .vtt/.srt file as the human transcript in ``language``
    (transcripts.subtitle_import.import_subtitles). Needs the right to edit that language.
    Side effects: the human transcript replaced; search reindexed; an audit entry."""
    if not roles.can_edit_language(user, language):
        raise PermissionDenied(f"you may not write {language} transcripts")
    from rostra.transcripts.subtitle_import import import_subtitles

    transcript = import_subtitles(speech=speech, language=language, path=path)
    audit.record(user=user, action="transcript.import", obj=transcript, via=via,
                 after={"revision": transcript.revision, "segments": transcript.segments.count(),
                        "file": Path(path).name})
    return transcript


def moderate(comment, *, user, status: str, via: str = "api") -> bool:
    """Approve, reject, mark as spam or hold a comment (comments.domain.moderate_comment).
    Needs moderate_comment. Side effects: the comment's status; an audit entry."""
    if not roles.can_moderate(user):
        raise PermissionDenied("you may not moderate comments")
    from rostra.comments.domain import moderate_comment

    before = comment.status
    changed = moderate_comment(comment=comment, status=status, moderator=user)
    if changed:
        audit.record(user=user, action="comment.moderate", obj=comment, via=via,
                     before={"status": before}, after={"status": status})
    return changed
