"""The transcript editor: segments with times, audio per segment, split/merge/nudge/review,
optimistic concurrency (a save names the revision it started from), history, diff, revert."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_noop
from django.views.decorators.http import require_POST

from rostra.core.errors import UserError
from rostra.core.languages import text_direction
from rostra.review.domain import editing, segment_ops
from rostra.review.domain.revisions import (diff_snapshots, format_ms, segment_dicts,
                                            segments_from_snapshot, snapshot_of)
from rostra.review.domain.translation import retranslate_stale, retranslation_available
from rostra.review.models import TranscriptRevision
from rostra.review.views.common import (error_text, page_context, reader_number,
                                        redirect_with_result, staff_page)
from rostra.staff import roles
from rostra.transcripts.domain import SegmentData
from rostra.transcripts.models import Transcript


def _transcript(pk: int) -> Transcript:
    return get_object_or_404(Transcript.objects.select_related("speech", "speech__media",
                                                               "source"), pk=pk)


def _editor_url(transcript: Transcript) -> str:
    return reverse("review:editor", args=[transcript.pk])


def parse_seconds(raw: str, *, label: str) -> int:
    """``12.345`` or ``1:02.5`` or ``1:00:02`` → milliseconds."""
    try:
        parts = [float(part) for part in raw.strip().split(":")]
    except ValueError:
        raise UserError(gettext_noop("%(label)s: “%(value)s” is not a time; write seconds "
                                     "such as 12.5 or 1:02.5"),
                        params={"label": label, "value": raw}) from None
    if not parts or len(parts) > 3 or any(part < 0 for part in parts):
        raise UserError(gettext_noop("%(label)s: “%(value)s” is not a time; write seconds "
                                     "such as 12.5"), params={"label": label, "value": raw})
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return round(seconds * 1000)


def seconds_text(ms: int) -> str:
    return f"{ms / 1000:.3f}"


def segments_from_form(post) -> list[SegmentData]:
    """The editor's working copy: JSON (conflict page) or one set of fields per segment."""
    if post.get("segments_json"):
        try:
            rows = json.loads(post["segments_json"])
            return segments_from_snapshot(rows)
        except (ValueError, KeyError, TypeError):
            raise UserError(gettext_noop("the submitted segments are not valid JSON; reload "
                                         "the editor"), params={})
    try:
        count = int(post.get("count", ""))
    except ValueError:
        raise UserError(gettext_noop("the form is incomplete; reload the editor"),
                        params={}) from None
    segments = []
    for i in range(count):
        number = i + 1
        try:
            words = json.loads(post.get(f"seg-{i}-words") or "[]")
        except ValueError:
            words = []
        segments.append(SegmentData(
            start_ms=parse_seconds(post.get(f"seg-{i}-start", ""), label=_(
                "segment %(number)s start") % {"number": reader_number(number)}),
            end_ms=parse_seconds(post.get(f"seg-{i}-end", ""), label=_(
                "segment %(number)s end") % {"number": reader_number(number)}),
            text=(post.get(f"seg-{i}-text") or "").strip(),
            words=tuple(tuple(w) for w in words),
            reviewed=post.get(f"seg-{i}-reviewed") == "1",
            stale=post.get(f"seg-{i}-stale") == "1",
        ))
    return segments


def apply_operation(segments: list[SegmentData], op: str, post) -> tuple[list[SegmentData], str]:
    """Apply a button's operation (split:i, merge:i, review-all) to the working copy."""
    name, _separator, arg = op.partition(":")
    if name == "save" or not name:
        return segments, (post.get("note") or "").strip()
    try:
        position = int(arg) if arg else 0
    except ValueError:
        raise UserError(f"unknown editor operation {op!r}") from None
    if name == "split":
        at_char = post.get("split_at", "")
        at = int(at_char) if at_char.isdigit() else None
        return segment_ops.split(segments, position, at), f"split segment {position + 1}"
    if name == "merge":
        return (segment_ops.merge(segments, position),
                f"merged segments {position + 1} and {position + 2}")
    if name == "review-all":
        return (segment_ops.set_reviewed(segments, range(len(segments))),
                "marked every segment reviewed")
    raise UserError(f"unknown editor operation {op!r}")


def _render_editor(request, transcript, *, segments, base_revision, theirs=None, status=200):
    rows = [{"index": i, "start": seconds_text(s.start_ms), "end": seconds_text(s.end_ms),
             "start_ms": s.start_ms, "end_ms": s.end_ms, "text": s.text,
             "words": json.dumps([list(w) for w in s.words]), "reviewed": s.reviewed,
             "stale": s.stale}
            for i, s in enumerate(segments)]
    speech = transcript.speech
    return render(request, "review/editor.html", page_context(
        request, transcript=transcript, speech=speech, rows=rows, base_revision=base_revision,
        direction=text_direction(transcript.language),
        media_url=reverse("review:media", args=[speech.slug]) if speech.media_id else "",
        theirs=[{"time": f"{format_ms(s.start_ms)}–{format_ms(s.end_ms)}", "text": s.text}
                for s in theirs] if theirs is not None else None,
        stale_count=sum(1 for s in segments if s.stale),
        retranslation_unavailable=retranslation_available(),
    ), status=status)


@staff_page("edit_transcript")
def editor(request, pk: int):
    transcript = _transcript(pk)
    editing.require_edit_right(request.user, transcript)
    if request.method != "POST":
        segments = editing.current_segments(transcript)
        return _render_editor(request, transcript, segments=segments,
                              base_revision=transcript.revision)
    try:
        base_revision = int(request.POST.get("base_revision", ""))
    except ValueError:
        messages.error(request, "the form did not say which revision it started from; reload")
        return redirect(_editor_url(transcript))
    try:
        segments = segments_from_form(request.POST)
        op = request.POST.get("op", "save")
        if op == "load":  # "merge by hand" from the conflict page: show mine over theirs
            theirs = editing.current_segments(transcript)
            messages.info(request, _("Your version is loaded on top of the newest revision; "
                                     "compare with theirs on the right, then save."))
            return _render_editor(request, transcript, segments=segments,
                                  base_revision=base_revision, theirs=theirs)
        segments, note = apply_operation(segments, op, request.POST)
        saved = editing.edit_segments(transcript, user=request.user,
                                      base_revision=base_revision, changes=segments, note=note)
    except editing.EditConflict as conflict:
        return _render_conflict(request, conflict)
    except UserError as error:
        messages.error(request, error_text(error))
        return _render_editor(request, transcript, segments=_best_effort(request.POST, transcript),
                              base_revision=base_revision, status=400)
    if saved.revision == base_revision:
        messages.info(request, _("nothing changed"))
    else:
        messages.success(request, _("saved as revision %(number)s")
                         % {"number": reader_number(saved.revision)})
    anchor = request.POST.get("focus", "")
    return redirect(_editor_url(saved) + (f"#seg-{anchor}" if anchor.isdigit() else ""))


def _best_effort(post, transcript):
    """Redisplay what the editor sent, even if part of it is invalid, so no work is lost."""
    try:
        return segments_from_form(post)
    except UserError:
        return editing.current_segments(transcript)


def _render_conflict(request, conflict: editing.EditConflict):
    mine, theirs = segment_dicts(conflict.mine), segment_dicts(conflict.theirs)
    return render(request, "review/conflict.html", page_context(
        request, transcript=conflict.transcript, speech=conflict.transcript.speech,
        base_revision=conflict.base_revision, current_revision=conflict.current_revision,
        their_author=conflict.their_author, diff=diff_snapshots(theirs, mine),
        mine_json=json.dumps(mine, ensure_ascii=False),
        direction=text_direction(conflict.transcript.language),
    ), status=409)


@staff_page("edit_transcript")
def history(request, pk: int):
    transcript = _transcript(pk)
    revisions = list(TranscriptRevision.objects.filter(transcript=transcript)
                     .only("number", "author_name", "note", "created_at").order_by("-number"))
    # numbers need not be contiguous (saves outside the editor bump the revision too)
    for revision, older in zip(revisions, revisions[1:] + [None]):
        revision.previous_number = older.number if older else None
    return render(request, "review/history.html", page_context(
        request, transcript=transcript, speech=transcript.speech, revisions=revisions,
        can_edit=roles.can_edit_language(request.user, transcript.language)))


@staff_page("edit_transcript")
def diff(request, pk: int):
    transcript = _transcript(pk)
    numbers = {}
    for name in ("from", "to"):
        try:
            numbers[name] = int(request.GET.get(name, ""))
        except ValueError:
            numbers[name] = None

    def snapshot(number):
        if number is None or number == transcript.revision:
            return transcript.revision, snapshot_of(transcript)
        revision = get_object_or_404(TranscriptRevision, transcript=transcript, number=number)
        return number, revision.segments

    new_number, new = snapshot(numbers["to"])
    if numbers["from"] is None:  # default: the recorded revision before the newer one
        numbers["from"] = (TranscriptRevision.objects.filter(
            transcript=transcript, number__lt=new_number).order_by("-number")
            .values_list("number", flat=True).first() or new_number)
    old_number, old = snapshot(numbers["from"])
    return render(request, "review/diff.html", page_context(
        request, transcript=transcript, speech=transcript.speech, old_number=old_number,
        new_number=new_number, lines=diff_snapshots(old, new),
        direction=text_direction(transcript.language)))


@require_POST
@staff_page("edit_transcript")
def revert(request, pk: int, number: int):
    transcript = _transcript(pk)
    try:
        base_revision = int(request.POST.get("base_revision", ""))
    except ValueError:
        base_revision = -1
    try:
        editing.revert_to_revision(transcript, user=request.user, number=number,
                                   base_revision=base_revision)
    except editing.EditConflict:
        messages.error(request, _("the transcript changed while you looked at its history; "
                                  "look again before reverting"))
        return redirect(reverse("review:history", args=[transcript.pk]))
    except UserError as error:
        messages.error(request, error_text(error))
        return redirect(reverse("review:history", args=[transcript.pk]))
    messages.success(request, _("reverted to revision %(number)s (saved as a new revision)")
                     % {"number": reader_number(number)})
    return redirect(_editor_url(transcript))


@require_POST
@staff_page("edit_transcript")
def retranslate(request, pk: int):
    transcript = _transcript(pk)
    if not roles.can_edit_language(request.user, transcript.language):
        raise PermissionDenied(f"you may not edit {transcript.language} transcripts")
    return redirect_with_result(request, _editor_url(transcript),
                                lambda: retranslate_stale(transcript, user=request.user),
                                "stale segments re-translated")
