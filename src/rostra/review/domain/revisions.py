"""Revisions of a transcript: snapshots, history, diffs."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.utils import timezone

from rostra.review.models import TranscriptRevision
from rostra.transcripts.domain import SegmentData
from rostra.transcripts.models import Transcript


def snapshot_of(transcript: Transcript) -> list[dict]:
    """The transcript's segments as plain JSON (what a revision stores)."""
    return [
        {"start_ms": s.start_ms, "end_ms": s.end_ms, "text": s.text,
         "words": s.words or [], "reviewed": s.reviewed, "stale": s.stale}
        for s in transcript.segments.order_by("position")
    ]


def segments_from_snapshot(snapshot: list[dict]) -> list[SegmentData]:
    return [SegmentData(start_ms=int(row["start_ms"]), end_ms=int(row["end_ms"]),
                        text=row["text"], words=tuple(tuple(w) for w in row.get("words") or ()),
                        reviewed=bool(row.get("reviewed")), stale=bool(row.get("stale")))
            for row in snapshot]


def segment_dicts(segments: list[SegmentData]) -> list[dict]:
    return [{"start_ms": s.start_ms, "end_ms": max(s.end_ms, s.start_ms), "text": s.text,
             "words": [list(w) for w in s.words], "reviewed": s.reviewed, "stale": s.stale}
            for s in segments]


def ensure_base_revision(transcript: Transcript) -> TranscriptRevision:
    """Make sure the transcript's current state is in its history.

    Machine output (and any save outside the editor) bumps ``Transcript.revision`` without a
    snapshot; the first edit after it records that state, so it can be diffed and restored.
    """
    existing = TranscriptRevision.objects.filter(transcript=transcript,
                                                 number=transcript.revision).first()
    if existing:
        return existing
    note = {"asr": "speech recognition output", "mt": "machine translation output",
            "interpretation": "speech recognition of the interpreter"}.get(
        transcript.origin, "saved outside the editor")
    return TranscriptRevision.objects.create(
        transcript=transcript, number=transcript.revision, segments=snapshot_of(transcript),
        author=None, author_name=transcript.engine or "", note=note,
        created_at=transcript.updated_at or timezone.now(),
    )


def record_revision(transcript: Transcript, *, user, note: str) -> TranscriptRevision:
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return TranscriptRevision.objects.create(
        transcript=transcript, number=transcript.revision, segments=snapshot_of(transcript),
        author=user if authenticated else None,
        author_name=user.get_username() if authenticated else "",
        note=note[:300], created_at=timezone.now(),
    )


def _lines(snapshot: list[dict]) -> list[str]:
    return [f"[{format_ms(row['start_ms'])} → {format_ms(row['end_ms'])}] {row['text']}"
            for row in snapshot]


def format_ms(ms: int) -> str:
    seconds, millis = divmod(int(ms), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "removed", "added"
    text: str

    @property
    def times(self) -> str:
        """The ``[start → end]`` prefix, shown in the reader's digits (the text is data)."""
        return self.text.split("] ", 1)[0] + "]" if self.text.startswith("[") else ""

    @property
    def words(self) -> str:
        return self.text.split("] ", 1)[1] if self.times and "] " in self.text else self.text


def diff_snapshots(old: list[dict], new: list[dict]) -> list[DiffLine]:
    """A line diff (one line per segment, with its times), for rendering."""
    lines = []
    for line in difflib.ndiff(_lines(old), _lines(new)):
        tag, text = line[:2], line[2:]
        if tag == "? ":
            continue
        kind = {"  ": "same", "- ": "removed", "+ ": "added"}[tag]
        lines.append(DiffLine(kind=kind, text=text))
    return lines


def unified_diff(old: list[dict], new: list[dict], *, old_label: str, new_label: str) -> str:
    return "\n".join(difflib.unified_diff(_lines(old), _lines(new), old_label, new_label,
                                          lineterm=""))
