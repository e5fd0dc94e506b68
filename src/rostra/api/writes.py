"""Token-authenticated writes. Each endpoint calls the same domain function the review pages
and the CLI use; the token's user must hold the role (see rostra.staff.roles)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import Http404
from ninja import File, Status
from ninja.files import UploadedFile

from rostra.api import serialize
from rostra.api.auth import TokenAuth
from rostra.api.public import router
from rostra.api.errors import API_ERROR_CODES, ErrorOut
from rostra.api.schemas import (CommentOut, CommentPage, MediaOut, MeOut, MergeIn,
                                ModerateIn, ProcessIn, ProcessOut, PublishIn, SegmentsEdit,
                                SpeechCreate, SpeechOut, SpeechUpdate, SplitIn, StateOut,
                                TranscriptInfo, TranscriptOut)
from rostra.archive.models import Speech
from rostra.comments.domain import moderate_as
from rostra.review.domain import actions, archive_edits, publishing
from rostra.staff import roles

# One router with the reads: ninja answers a path from one router only, so GET and POST
# /speeches must live together. Writes carry the token auth and the "write" tag.
AUTH = TokenAuth()


def write(method: str, path: str, **options):
    return getattr(router, method)(path, auth=AUTH, tags=["write"], **options)

ERRORS = {API_ERROR_CODES: ErrorOut}
Limit = 50


def speech_or_404(slug: str) -> Speech:
    speech = Speech.objects.select_related("event", "session", "room", "media").filter(
        slug=slug).first()
    if speech is None:
        raise Http404(f"no speech {slug!r}")
    return speech


def full_speech(speech: Speech) -> dict:
    speech = speech_or_404(speech.slug)
    transcripts = list(speech.transcripts.select_related("source").order_by("language",
                                                                            "origin"))
    return serialize.speech_out(speech, transcripts)


@write("get", "/me", response={200: MeOut, **ERRORS}, summary="Who the token acts as")
def me(request):
    return {"username": request.auth.get_username(), "roles": roles.role_names(request.auth),
            "languages": roles.editable_languages(request.auth)}


@write("post", "/speeches", response={201: SpeechOut, **ERRORS}, summary="Create a speech")
def create_speech(request, payload: SpeechCreate):
    speech = archive_edits.create_speech(user=request.auth, data=payload.dict(), via="api")
    return Status(201, full_speech(speech))


@write("patch", "/speeches/{slug}", response={200: SpeechOut, **ERRORS},
              summary="Change a speech's fields")
def update_speech(request, slug: str, payload: SpeechUpdate):
    speech = speech_or_404(slug)
    changes = payload.dict(exclude_unset=True)
    archive_edits.update_speech(speech, user=request.auth, changes=changes, via="api")
    return full_speech(speech)


def _saved_upload(upload: UploadedFile) -> Path:
    suffix = Path(upload.name or "upload").suffix[:12]
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)
    with handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return Path(handle.name)


@write("post", "/speeches/{slug}/media", response={201: MediaOut, **ERRORS},
             summary="Upload the recording")
def upload_media(request, slug: str, file: UploadedFile = File(...)):
    speech = speech_or_404(slug)
    if not roles.can_manage_archive(request.auth):
        from django.core.exceptions import PermissionDenied
        raise PermissionDenied("you may not upload media")
    path = _saved_upload(file)
    try:
        result = actions.upload_media(speech, user=request.auth, path=path,
                                      original_name=Path(file.name or path.name).name)
    finally:
        path.unlink(missing_ok=True)
    return Status(201, serialize.media_out(result.asset))


@write("post", "/speeches/{slug}/process", response={202: ProcessOut, **ERRORS},
             summary="Start processing (recognition, translation, indexing)")
def process(request, slug: str, payload: ProcessIn):
    speech = speech_or_404(slug)
    runs = actions.start_processing(speech, user=request.auth, stages=payload.stages,
                                    force=payload.force)
    return Status(202, {"speech": speech.slug,
                        "queued": [{"stage": run.stage, "status": run.status} for run in runs]})


@write("post", "/speeches/{slug}/transcripts/{language}",
       response={201: TranscriptInfo, **ERRORS},
             summary="Upload a human transcript or translation (.vtt or .srt)")
def upload_transcript(request, slug: str, language: str, file: UploadedFile = File(...)):
    speech = speech_or_404(slug)
    if not roles.can_edit_language(request.auth, language):
        from django.core.exceptions import PermissionDenied
        raise PermissionDenied(f"you may not write {language} transcripts")
    path = _saved_upload(file)
    try:
        renamed = path.with_name(Path(file.name or "transcript.vtt").name)
        path.rename(renamed)
        path = renamed
        transcript = actions.import_human_transcript(speech, user=request.auth,
                                                     language=language, path=path)
    finally:
        path.unlink(missing_ok=True)
    return Status(201, serialize.transcript_info(transcript))


def state_out(speech: Speech, changed: bool) -> dict:
    speech.refresh_from_db()
    return {"slug": speech.slug, "state": speech.state,
            "published_languages": list(speech.published_languages or []), "changed": changed}


@write("post", "/speeches/{slug}/approve/{language}",
       response={200: TranscriptInfo, **ERRORS},
             summary="Approve the transcript readers get in a language")
def approve(request, slug: str, language: str):
    transcript = publishing.approve_language(speech_or_404(slug), language, user=request.auth,
                                             via="api")
    return serialize.transcript_info(transcript)


@write("post", "/speeches/{slug}/publish", response={200: StateOut, **ERRORS},
             summary="Publish a speech in the chosen languages")
def publish(request, slug: str, payload: PublishIn):
    speech = speech_or_404(slug)
    changed = publishing.publish(speech, user=request.auth, languages=payload.languages,
                                 allow_machine=payload.allow_machine, via="api")
    return state_out(speech, changed)


@write("post", "/speeches/{slug}/unpublish", response={200: StateOut, **ERRORS},
             summary="Take a speech off the site to work on it again")
def unpublish(request, slug: str):
    speech = speech_or_404(slug)
    return state_out(speech, publishing.unpublish(speech, user=request.auth, via="api"))


@write("post", "/speeches/{slug}/withdraw", response={200: StateOut, **ERRORS},
             summary="Withdraw a speech from the site, search and feeds")
def withdraw(request, slug: str):
    speech = speech_or_404(slug)
    return state_out(speech, publishing.withdraw(speech, user=request.auth, via="api"))


@write("get", "/comments", response={200: CommentPage, **ERRORS},
            summary="Comments for moderation")
def list_comments(request, status: str = "held", speech: str | None = None, limit: int = 50,
                  offset: int = 0):
    from django.core.exceptions import PermissionDenied

    from rostra.comments.models import Comment

    if not roles.can_moderate(request.auth):
        raise PermissionDenied("you may not moderate comments")
    limit, offset = max(1, min(limit, 100)), max(0, min(offset, 1_000_000))
    comments = Comment.objects.select_related("speech").filter(status=status).order_by(
        "created_at", "pk")
    if speech:
        comments = comments.filter(speech__slug=speech)
    return {"count": comments.count(), "limit": limit, "offset": offset,
            "items": [serialize.comment_out(c) for c in comments[offset:offset + limit]]}


@write("post", "/comments/{comment_id}/moderate", response={200: CommentOut, **ERRORS},
             summary="Approve, reject, mark as spam or hold a comment")
def moderate(request, comment_id: int, payload: ModerateIn):
    from rostra.comments.models import Comment

    comment = Comment.objects.select_related("speech").filter(pk=comment_id).first()
    if comment is None:
        raise Http404(f"no comment {comment_id}")
    moderate_as(comment, user=request.auth, status=payload.status, via="api")
    return serialize.comment_out(comment)


def transcript_or_404(transcript_id: int):
    from rostra.transcripts.models import Transcript

    transcript = Transcript.objects.select_related("speech", "source").filter(
        pk=transcript_id).first()
    if transcript is None:
        raise Http404(f"no transcript {transcript_id}")
    return transcript


@write("put", "/transcripts/{transcript_id}/segments", response={200: TranscriptOut, **ERRORS},
       summary="Replace a transcript's segments (an edit; 409 if it changed since "
               "base_revision)")
def edit_segments(request, transcript_id: int, payload: SegmentsEdit):
    from rostra.review.domain import editing
    from rostra.transcripts.domain import SegmentData

    transcript = transcript_or_404(transcript_id)
    old = {(s.start_ms, s.end_ms, s.text): s for s in editing.current_segments(transcript)}
    changes = []
    for row in payload.segments:
        kept = old.get((row.start_ms, row.end_ms, row.text))  # keep word timings if unchanged
        changes.append(SegmentData(row.start_ms, row.end_ms, row.text,
                                   words=kept.words if kept else (), reviewed=row.reviewed,
                                   stale=kept.stale if kept else False))
    saved = editing.edit_segments(transcript, user=request.auth,
                                  base_revision=payload.base_revision, changes=changes,
                                  note=payload.note, via="api")
    return serialize.transcript_out(saved)


@write("post", "/transcripts/{transcript_id}/split", response={200: TranscriptOut, **ERRORS},
       summary="Split one segment in two")
def split_segment(request, transcript_id: int, payload: SplitIn):
    from rostra.review.domain import editing

    saved = editing.split_segment(transcript_or_404(transcript_id), user=request.auth,
                                  base_revision=payload.base_revision,
                                  position=payload.position, at_char=payload.at_char, via="api")
    return serialize.transcript_out(saved)


@write("post", "/transcripts/{transcript_id}/merge", response={200: TranscriptOut, **ERRORS},
       summary="Merge a segment with the next one")
def merge_segments(request, transcript_id: int, payload: MergeIn):
    from rostra.review.domain import editing

    saved = editing.merge_segments(transcript_or_404(transcript_id), user=request.auth,
                                   base_revision=payload.base_revision,
                                   position=payload.position, via="api")
    return serialize.transcript_out(saved)
