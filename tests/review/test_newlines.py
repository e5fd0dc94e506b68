"""Saving from the editor: the browser's \r\n is stored as \n, so the diff shows exactly the
segments a person changed; the data migration repairs text stored before the fix."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from rostra.review.domain import editing
from rostra.review.domain.revisions import diff_snapshots
from rostra.review.models import TranscriptRevision
from rostra.transcripts.domain import SegmentData, replace_segments
from rostra.transcripts.models import Segment
from tests.review.conftest import transcript_of
from tests.review.test_pages import editor_form

pytestmark = pytest.mark.django_db


def multi_line(transcript):
    """Give every segment two lines, as subtitle imports and ASR line-splitting leave them."""
    rows = [SegmentData(start_ms=s.start_ms, end_ms=s.end_ms, text=f"{s.text}\nخط دوم")
            for s in transcript.segments.order_by("position")]
    return replace_segments(transcript, segments=rows, expected_revision=transcript.revision)


def test_browser_line_endings_leave_untouched_segments_unchanged(client, editor_fa, speech):
    fa = multi_line(transcript_of(speech, "fa"))
    count = fa.segments.count()
    assert count >= 3
    form = editor_form(fa)
    for i in range(count):  # what a textarea submits: CR LF
        form[f"seg-{i}-text"] = form[f"seg-{i}-text"].replace("\n", "\r\n")
    form["seg-1-text"] = "متن تازه\r\nخط دوم"
    client.force_login(editor_fa)
    response = client.post(reverse("review:editor", args=[fa.pk]), form)
    assert response.status_code in (302, 303)
    fa.refresh_from_db()
    assert not Segment.objects.filter(transcript=fa, text__contains="\r").exists()
    old, new = TranscriptRevision.objects.filter(transcript=fa).order_by("number")
    changed = [line for line in diff_snapshots(old.segments, new.segments)
               if line.kind != "same"]
    assert [line.kind for line in changed] == ["removed", "added"]
    assert "متن تازه" in changed[1].text


def test_migration_repairs_stored_carriage_returns(speech, editor_fa):
    fa = transcript_of(speech, "fa")
    segments = editing.current_segments(fa)
    Segment.objects.filter(transcript=fa, position=0).update(text="سطر یک\r\nسطر دو")
    revision = TranscriptRevision.objects.create(
        transcript=fa, number=fa.revision, author_name="editor_fa", note="old save",
        created_at=timezone.now(),
        segments=[{"start_ms": s.start_ms, "end_ms": s.end_ms, "text": s.text + "\r\nدو"}
                  for s in segments])
    migration = importlib.import_module("rostra.core.migrations.0001_newlines_in_stored_text")
    migration.repair(django_apps, None)
    migration.repair(django_apps, None)  # a second run changes nothing
    assert Segment.objects.get(transcript=fa, position=0).text == "سطر یک\nسطر دو"
    revision.refresh_from_db()
    assert all("\r" not in row["text"] and row["text"].endswith("\nدو")
               for row in revision.segments)
