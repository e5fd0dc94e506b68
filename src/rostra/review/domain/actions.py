"""Writes that other apps implement, with the role check and the audit entry added: media
upload, processing, a human transcript. The API and pages call these. (Comment moderation with
its audit entry is rostra.comments.domain.moderate_as, so comments need not import review.)"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_noop

from rostra.archive.models import Speech
from rostra.core.errors import UserError
from rostra.staff import audit, roles


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
    """Queue the speech's processing stages (processing.domain.queue_processing with this
    deployment's executor: the Celery workers, or the background thread of ``rostra serve``,
    so a request never waits minutes). Needs manage_archive. Returns the StageRuns queued.
    """
    if not roles.can_manage_archive(user):
        raise PermissionDenied("you may not start processing")
    if speech.media_id is None:
        raise UserError(gettext_noop("%(speech)s has no recording; upload its media first"),
                        params={"speech": speech.slug})
    from rostra.processing.dispatch import deployment_executor
    from rostra.processing.domain import queue_processing

    runs = queue_processing(speech, stages=stages or None, force=force,
                            executor=deployment_executor())
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
