"""Editing a transcript: every save is a revision, checked against the revision it started
from, recorded in the audit log, and marks dependent translations stale."""

from __future__ import annotations

from dataclasses import replace

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_noop

from rostra.core.errors import UserError
from rostra.review.domain import segment_ops
from rostra.review.domain.revisions import (ensure_base_revision, record_revision,
                                            segment_dicts, segments_from_snapshot, snapshot_of)
from rostra.review.models import TranscriptRevision
from rostra.staff import audit, roles
from rostra.transcripts.domain import (HUMAN_EDITED_FLAG, RevisionConflict, SegmentData,
                                      normalize_newlines, replace_segments)
from rostra.transcripts.models import Segment, Transcript

HUMAN_EDITED = HUMAN_EDITED_FLAG


class EditConflict(Exception):
    """Someone saved this transcript after the revision the edit started from.

    Carries both versions so the editor can take theirs, keep theirs' or merge by hand.
    """

    def __init__(self, *, transcript: Transcript, base_revision: int,
                 mine: list[SegmentData]):
        super().__init__(f"{transcript} changed since revision {base_revision} "
                         f"(now {transcript.revision})")
        self.transcript = transcript
        self.base_revision = base_revision
        self.current_revision = transcript.revision
        self.mine = mine
        self.theirs = segments_from_snapshot(snapshot_of(transcript))
        last = TranscriptRevision.objects.filter(transcript=transcript).order_by(
            "-number").first()
        self.their_author = last.author_name if last else ""


def require_edit_right(user, transcript: Transcript) -> None:
    if not roles.can_edit_language(user, transcript.language):
        raise PermissionDenied(f"you may not edit {transcript.language} transcripts")


def current_segments(transcript: Transcript) -> list[SegmentData]:
    return segments_from_snapshot(snapshot_of(transcript))


def edit_segments(transcript: Transcript, *, user, base_revision: int,
                  changes: list[SegmentData], note: str = "", via: str = "web") -> Transcript:
    """Save ``changes`` (the transcript's complete new list of segments) as a new revision.

    Raises PermissionDenied when ``user`` may not edit this language, UserError for invalid
    segments, EditConflict when the transcript moved past ``base_revision``. Side effects, in
    one transaction: segments replaced through transcripts.domain.replace_segments (revision
    +1, approval cleared, flag ``human-edited``, search reindexed after commit); a
    TranscriptRevision snapshot (and one of the state it started from if none existed);
    segments of translations made from this transcript that overlap the changed times
    marked stale; an audit entry. Saving identical segments changes nothing.
    """
    require_edit_right(user, transcript)
    changes = [replace(s, text=normalize_newlines(s.text),
                       words=tuple(tuple(word) for word in s.words)) for s in changes]
    segment_ops.validate(changes)
    with transaction.atomic():
        transcript = Transcript.objects.select_for_update().get(pk=transcript.pk)
        if transcript.revision != base_revision:
            raise EditConflict(transcript=transcript, base_revision=base_revision, mine=changes)
        old = current_segments(transcript)
        if old == changes:
            return transcript
        ensure_base_revision(transcript)
        changes = _clear_stale_on_edited(old, changes)
        flags = list(dict.fromkeys([*transcript.flags, HUMAN_EDITED]))
        try:
            saved = replace_segments(transcript, segments=changes,
                                     expected_revision=base_revision, flags=flags)
        except RevisionConflict:  # pragma: no cover - the row lock above prevents it
            raise EditConflict(transcript=transcript, base_revision=base_revision, mine=changes)
        record_revision(saved, user=user, note=note or "edited")
        intervals = segment_ops.changed_intervals(old, changes)
        stale_count = mark_translations_stale(saved, intervals)
        audit.record(user=user, action="transcript.edit", obj=saved, via=via,
                     before={"revision": base_revision,
                             "segments": segment_dicts([s for s in old if s not in changes])},
                     after={"revision": saved.revision, "note": note,
                            "segments": segment_dicts([s for s in changes if s not in old]),
                            "translations_marked_stale": stale_count})
    return saved


def _clear_stale_on_edited(old: list[SegmentData], new: list[SegmentData]) -> list[SegmentData]:
    """A stale segment whose text a person changed, or that they marked reviewed, is no
    longer stale: they wrote or checked it anew. (Marking a segment stale also clears its
    reviewed mark, so "reviewed and stale" only arrives from a person ticking it.)"""
    old_texts = {(s.start_ms, s.end_ms, s.text) for s in old}
    return [replace(s, stale=False)
            if s.stale and (s.reviewed or (s.start_ms, s.end_ms, s.text) not in old_texts)
            else s for s in new]


def mark_translations_stale(source: Transcript, intervals) -> int:
    """Mark the segments of ``source``'s translations that overlap ``intervals`` stale (and
    not reviewed).

    Returns how many segments were marked. One UPDATE per translation.
    """
    if not intervals:
        return 0
    marked = 0
    for translation in Transcript.objects.filter(source=source):
        ids = [pk for pk, start, end in translation.segments.filter(stale=False).values_list(
            "pk", "start_ms", "end_ms") if segment_ops.overlaps(start, end, intervals)]
        if ids:  # a stale segment needs a new look: it is no longer reviewed
            marked += Segment.objects.filter(pk__in=ids).update(stale=True, reviewed=False)
    return marked


def split_segment(transcript: Transcript, *, user, base_revision: int, position: int,
                  at_char: int | None = None, via: str = "web") -> Transcript:
    """Split segment ``position`` (0-based) at ``at_char``; a new revision (see edit_segments)."""
    changes = segment_ops.split(current_segments(transcript), position, at_char)
    return edit_segments(transcript, user=user, base_revision=base_revision, changes=changes,
                         note=f"split segment {position + 1}", via=via)


def merge_segments(transcript: Transcript, *, user, base_revision: int, position: int,
                   via: str = "web") -> Transcript:
    """Merge segment ``position`` with the next; a new revision (see edit_segments)."""
    changes = segment_ops.merge(current_segments(transcript), position)
    return edit_segments(transcript, user=user, base_revision=base_revision, changes=changes,
                         note=f"merged segments {position + 1} and {position + 2}", via=via)


def nudge_segment(transcript: Transcript, *, user, base_revision: int, position: int,
                  start_delta_ms: int = 0, end_delta_ms: int = 0, via: str = "web"
                  ) -> Transcript:
    """Move a segment's start/end; a new revision (see edit_segments)."""
    changes = segment_ops.nudge(current_segments(transcript), position,
                                start_delta_ms=start_delta_ms, end_delta_ms=end_delta_ms)
    return edit_segments(transcript, user=user, base_revision=base_revision, changes=changes,
                         note=f"moved the times of segment {position + 1}", via=via)


def mark_reviewed(transcript: Transcript, *, user, base_revision: int, positions,
                  reviewed: bool = True, via: str = "web") -> Transcript:
    """Mark segments reviewed (clears their stale mark); a new revision."""
    positions = list(positions)
    changes = segment_ops.set_reviewed(current_segments(transcript), positions, reviewed)
    label = ", ".join(str(p + 1) for p in positions)
    return edit_segments(transcript, user=user, base_revision=base_revision, changes=changes,
                         note=f"{'reviewed' if reviewed else 'unreviewed'} segment(s) {label}",
                         via=via)


def revert_to_revision(transcript: Transcript, *, user, number: int, base_revision: int,
                       via: str = "web") -> Transcript:
    """Restore the segments of revision ``number`` as a NEW revision (history is kept)."""
    require_edit_right(user, transcript)
    revision = TranscriptRevision.objects.filter(transcript=transcript, number=number).first()
    if revision is None:
        raise UserError(gettext_noop("%(transcript)s has no revision %(number)s; see its "
                                     "history for the revisions it has"),
                        params={"transcript": str(transcript), "number": number})
    return edit_segments(transcript, user=user, base_revision=base_revision,
                         changes=segments_from_snapshot(revision.segments),
                         note=f"reverted to revision {number}", via=via)
