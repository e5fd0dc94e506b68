"""Editing rules: revisions, conflicts, diff, revert, stale translations, audit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied

from rostra.core.errors import UserError
from rostra.review.domain import editing
from rostra.review.domain.revisions import diff_snapshots
from rostra.review.models import TranscriptRevision
from rostra.staff.models import AuditEntry
from tests.review.conftest import transcript_of

pytestmark = pytest.mark.django_db


def texts(transcript):
    return list(transcript.segments.order_by("position").values_list("text", flat=True))


def test_edit_creates_revision_with_base_snapshot_and_audit(speech, editor_fa):
    fa = transcript_of(speech, "fa")
    start = fa.revision
    changes = editing.current_segments(fa)
    changes[1] = replace(changes[1], text="حمل‌ونقل عمومی نقش مهمی دارد")
    saved = editing.edit_segments(fa, user=editor_fa, base_revision=start, changes=changes,
                                  note="fixed ZWNJ")
    assert saved.revision == start + 1
    assert texts(saved)[1] == "حمل‌ونقل عمومی نقش مهمی دارد"
    assert "human-edited" in saved.flags
    assert saved.origin == "asr" and saved.engine == "faster-whisper"  # provenance kept
    numbers = list(TranscriptRevision.objects.filter(transcript=fa).order_by("number")
                   .values_list("number", "author_name", "note"))
    assert numbers == [(start, "faster-whisper", "speech recognition output"),
                       (start + 1, "editor_fa", "fixed ZWNJ")]
    entry = AuditEntry.objects.get(action="transcript.edit")
    assert entry.username == "editor_fa"
    assert entry.before["segments"][0]["text"] == "حمل و نقل عمومی نقش مهمی دارد"
    assert entry.after["segments"][0]["text"] == "حمل‌ونقل عمومی نقش مهمی دارد"


def test_saving_identical_segments_changes_nothing(speech, editor_fa):
    fa = transcript_of(speech, "fa")
    saved = editing.edit_segments(fa, user=editor_fa, base_revision=fa.revision,
                                  changes=editing.current_segments(fa))
    assert saved.revision == fa.revision
    assert not TranscriptRevision.objects.exists()


def test_second_editor_meets_a_conflict_and_nothing_is_overwritten(speech, editor_fa,
                                                                    editor_all):
    fa = transcript_of(speech, "fa")
    base = fa.revision
    first = editing.current_segments(fa)
    first[0] = replace(first[0], text="نسخه اول")
    second = editing.current_segments(fa)
    second[2] = replace(second[2], text="نسخه دوم")
    editing.edit_segments(fa, user=editor_fa, base_revision=base, changes=first)
    with pytest.raises(editing.EditConflict) as caught:
        editing.edit_segments(fa, user=editor_all, base_revision=base, changes=second)
    conflict = caught.value
    assert conflict.current_revision == base + 1
    assert conflict.theirs[0].text == "نسخه اول"
    assert conflict.mine[2].text == "نسخه دوم"
    assert conflict.their_author == "editor_fa"
    fa.refresh_from_db()
    assert texts(fa)[0] == "نسخه اول" and texts(fa)[2] == "داده‌ها به برنامه‌ریزی کمک می‌کنند"
    # "keep mine": resubmit against the current revision
    kept = editing.edit_segments(fa, user=editor_all, base_revision=conflict.current_revision,
                                 changes=conflict.mine)
    assert texts(kept)[2] == "نسخه دوم" and kept.revision == base + 2


def test_split_merge_nudge_and_review(speech, editor_fa):
    fa = transcript_of(speech, "fa")
    fa = editing.split_segment(fa, user=editor_fa, base_revision=fa.revision, position=0,
                               at_char=len("شهرهای هوشمند"))
    rows = list(fa.segments.order_by("position").values_list("start_ms", "end_ms", "text"))
    assert rows[0][2] == "شهرهای هوشمند" and rows[1][2] == "انرژی کمتری مصرف می‌کنند"
    assert rows[0][0] == 0 and rows[0][1] == rows[1][0] and rows[1][1] == 2000
    assert len(rows) == 4
    fa = editing.merge_segments(fa, user=editor_fa, base_revision=fa.revision, position=0)
    assert texts(fa)[0] == "شهرهای هوشمند انرژی کمتری مصرف می‌کنند"
    fa = editing.nudge_segment(fa, user=editor_fa, base_revision=fa.revision, position=1,
                               start_delta_ms=100, end_delta_ms=-200)
    assert fa.segments.get(position=1).start_ms == 2100
    assert fa.segments.get(position=1).end_ms == 4300
    fa = editing.mark_reviewed(fa, user=editor_fa, base_revision=fa.revision, positions=[0, 2])
    assert list(fa.segments.order_by("position").values_list("reviewed", flat=True)) == [
        True, False, True]


def test_invalid_segments_are_refused_with_one_line(speech, editor_fa):
    fa = transcript_of(speech, "fa")
    changes = editing.current_segments(fa)
    changes[1] = replace(changes[1], end_ms=100)
    with pytest.raises(UserError, match="segment 2: it ends"):
        editing.edit_segments(fa, user=editor_fa, base_revision=fa.revision, changes=changes)
    with pytest.raises(UserError, match="between two words"):
        editing.split_segment(fa, user=editor_fa, base_revision=fa.revision, position=0,
                              at_char=0)
    with pytest.raises(UserError, match="last one"):
        editing.merge_segments(fa, user=editor_fa, base_revision=fa.revision, position=2)


def test_editor_of_another_language_may_not_edit(speech, editor_ar, moderator_mona):
    fa = transcript_of(speech, "fa")
    for user in (editor_ar, moderator_mona):
        with pytest.raises(PermissionDenied):
            editing.edit_segments(fa, user=user, base_revision=fa.revision,
                                  changes=editing.current_segments(fa))


def test_diff_and_revert_creates_a_new_revision(speech, editor_fa):
    fa = transcript_of(speech, "fa")
    original = fa.revision
    changes = editing.current_segments(fa)
    changes[0] = replace(changes[0], text="متن تازه")
    fa = editing.edit_segments(fa, user=editor_fa, base_revision=original, changes=changes)
    old = TranscriptRevision.objects.get(transcript=fa, number=original).segments
    new = TranscriptRevision.objects.get(transcript=fa, number=fa.revision).segments
    lines = diff_snapshots(old, new)
    assert [line.kind for line in lines] == ["removed", "added", "same", "same"]
    assert lines[0].text.endswith("شهرهای هوشمند انرژی کمتری مصرف می‌کنند")
    assert lines[1].text == "[0:00:00.000 → 0:00:02.000] متن تازه"
    reverted = editing.revert_to_revision(fa, user=editor_fa, number=original,
                                          base_revision=fa.revision)
    assert reverted.revision == original + 2
    assert texts(reverted)[0] == "شهرهای هوشمند انرژی کمتری مصرف می‌کنند"
    assert TranscriptRevision.objects.filter(transcript=fa).count() == 3
    assert TranscriptRevision.objects.get(transcript=fa, number=reverted.revision).note == (
        f"reverted to revision {original}")


def test_editing_the_source_marks_overlapping_translated_segments_stale(speech, editor_fa,
                                                                         editor_all):
    fa = transcript_of(speech, "fa")
    changes = editing.current_segments(fa)
    changes[1] = replace(changes[1], text="اتوبوس‌ها و قطارها نقش مهمی دارند")
    editing.edit_segments(fa, user=editor_fa, base_revision=fa.revision, changes=changes)
    for language in ("en", "ar"):
        stale = list(transcript_of(speech, language).segments.order_by("position")
                     .values_list("stale", flat=True))
        assert stale == [False, True, False]
    # fixing the English segment by hand clears its mark; the other stays stale
    en = transcript_of(speech, "en")
    en_changes = editing.current_segments(en)
    assert en_changes[1].stale
    en_changes[1] = replace(en_changes[1], text="Buses and trains play an important role")
    en = editing.edit_segments(en, user=editor_all, base_revision=en.revision,
                               changes=en_changes)
    assert list(en.segments.values_list("stale", flat=True)) == [False, False, False]
    assert transcript_of(speech, "ar").segments.filter(stale=True).count() == 1


def test_retranslate_says_plainly_when_no_engine_is_configured(speech, editor_fa, editor_all,
                                                               settings):
    from rostra.review.domain.translation import retranslate_stale

    settings.ROSTRA_MT_ENGINE = "none"
    fa = transcript_of(speech, "fa")
    changes = editing.current_segments(fa)
    changes[0] = replace(changes[0], text="تغییر")
    editing.edit_segments(fa, user=editor_fa, base_revision=fa.revision, changes=changes)
    with pytest.raises(UserError, match="no translation engine is configured"):
        retranslate_stale(transcript_of(speech, "en"), user=editor_all)


def test_merge_fresh_keeps_hand_edits_and_replaces_stale_ranges():
    from rostra.review.domain.translation import merge_fresh
    from rostra.transcripts.domain import SegmentData

    old = [SegmentData(0, 2000, "kept by hand", reviewed=True),
           SegmentData(2000, 4500, "old text", stale=True),
           SegmentData(4500, 7000, "also kept")]
    fresh = [SegmentData(0, 2000, "machine 1"), SegmentData(2000, 4500, "machine 2"),
             SegmentData(4500, 7000, "machine 3")]
    assert [s.text for s in merge_fresh(old, fresh)] == ["kept by hand", "machine 2",
                                                         "also kept"]


def test_marking_a_stale_segment_reviewed_clears_it(speech, editor_fa, editor_all):
    fa = transcript_of(speech, "fa")
    changes = editing.current_segments(fa)
    changes[0] = replace(changes[0], text="تغییر")
    editing.edit_segments(fa, user=editor_fa, base_revision=fa.revision, changes=changes)
    ar = transcript_of(speech, "ar")
    working = editing.current_segments(ar)
    assert working[0].stale and not working[0].reviewed
    working[0] = replace(working[0], reviewed=True)  # what the editor's checkbox sends
    ar = editing.edit_segments(ar, user=editor_all, base_revision=ar.revision, changes=working)
    assert list(ar.segments.values_list("stale", flat=True)) == [False, False, False]


def test_reprocessing_keeps_edits_unless_told_and_then_they_can_be_reverted(speech, editor_fa):
    from rostra.transcripts.domain import HumanWorkProtected, save_transcript
    from tests.review.conftest import FA_SEGMENTS

    fa = transcript_of(speech, "fa")
    changes = editing.current_segments(fa)
    changes[0] = replace(changes[0], text="ویرایش انسانی")
    fa = editing.edit_segments(fa, user=editor_fa, base_revision=fa.revision, changes=changes)
    edited_revision = fa.revision
    # the pipeline re-running (even with --force) does not write over the edit ...
    with pytest.raises(HumanWorkProtected):
        save_transcript(speech=speech, language="fa", origin="asr", segments=FA_SEGMENTS,
                        engine="faster-whisper", model="base")
    assert texts(transcript_of(speech, "fa"))[0] == "ویرایش انسانی"
    # ... unless explicitly told to; even then the edit stays in the history
    fa = save_transcript(speech=speech, language="fa", origin="asr", segments=FA_SEGMENTS,
                         engine="faster-whisper", model="base", replace_editor_work=True)
    assert texts(fa)[0] != "ویرایش انسانی"
    restored = editing.revert_to_revision(fa, user=editor_fa, number=edited_revision,
                                          base_revision=fa.revision)
    assert texts(restored)[0] == "ویرایش انسانی"
    notes = list(TranscriptRevision.objects.filter(transcript=fa).order_by("number")
                 .values_list("note", flat=True))
    assert notes[-2:] == ["speech recognition output", f"reverted to revision {edited_revision}"]
