"""The one place that writes a transcript and its segments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from django.db import transaction

from rostra.archive.models import Speech
from rostra.transcripts.models import Segment, Transcript
from rostra.transcripts.signals import transcript_changed


def normalize_newlines(text: str) -> str:
    """``\r\n`` and lone ``\r`` (what browsers send from a textarea) → ``\n``.

    Without this, saving one segment from the editor rewrote every multi-line segment, and the
    diff (and the stale marks on translations) showed segments nobody touched.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class SegmentData:
    """A timed piece of text, as engines and subtitle files give it (times in milliseconds)."""

    start_ms: int
    end_ms: int
    text: str
    words: Sequence = field(default_factory=tuple)
    reviewed: bool = False  # an editor checked it (kept by replace_segments)
    stale: bool = False  # its source changed since it was translated


class RevisionConflict(Exception):
    """Raised when a transcript changed since the revision an edit started from."""

    def __init__(self, *, expected: int, current: int):
        super().__init__(f"transcript is at revision {current}, the edit started from {expected}")
        self.expected, self.current = expected, current


class HumanWorkProtected(Exception):
    """Raised when machine output would replace a transcript a person edited or approved."""


# Set by the review screens on a machine transcript an editor changed.
HUMAN_EDITED_FLAG = "human-edited"


def has_editor_work(transcript: Transcript) -> bool:
    """Whether a person has approved, edited or reviewed any of this transcript."""
    return (transcript.approved or HUMAN_EDITED_FLAG in (transcript.flags or [])
            or transcript.segments.filter(reviewed=True).exists())


def save_transcript(
    *,
    speech: Speech,
    language: str,
    origin: str,
    segments: Iterable[SegmentData],
    engine: str = "",
    model: str = "",
    engine_version: str = "",
    options: dict | None = None,
    fingerprint: str = "",
    source: Transcript | None = None,
    flags: Sequence[str] = (),
    replace_editor_work: bool = False,
) -> Transcript:
    """Replace (or create) the transcript of ``speech`` in ``language`` from ``origin``.

    Side effects, all in one transaction: the transcript row is created or updated, its old
    segments deleted and the new ones inserted, its revision bumped; after commit,
    ``transcript_changed`` is sent (the search index listens). Machine output never replaces
    a human transcript: those live under their own origin, so they cannot collide. Nor does
    it replace a machine transcript an editor has worked on (approved, edited, reviewed):
    that raises HumanWorkProtected unless ``replace_editor_work`` is given.
    """
    rows = list(segments)
    with transaction.atomic():
        transcript, created = Transcript.objects.select_for_update().get_or_create(
            speech=speech, language=language, origin=origin,
            defaults={"status": Transcript.Status.DONE},
        )
        if (not created and origin != Transcript.Origin.HUMAN and not replace_editor_work
                and has_editor_work(transcript)):
            raise HumanWorkProtected(
                f"an editor has worked on the {language} machine transcript of {speech.slug}; "
                "it is kept")
        transcript.engine = engine
        transcript.model = model
        transcript.engine_version = engine_version
        transcript.options = dict(options or {})
        transcript.fingerprint = fingerprint
        transcript.source = source
        transcript.flags = list(flags)
        transcript.status = Transcript.Status.DONE
        transcript.error = ""
        transcript.approved = False
        transcript.approved_at = None
        if not created:
            transcript.revision += 1
        transcript.save()
        transcript.segments.all().delete()
        Segment.objects.bulk_create(
            Segment(transcript=transcript, position=position, start_ms=row.start_ms,
                    end_ms=max(row.end_ms, row.start_ms), text=row.text,
                    words=[list(word) for word in row.words])
            for position, row in enumerate(rows)
        )
        transaction.on_commit(lambda: transcript_changed.send(sender=Transcript,
                                                             transcript=transcript))
    return transcript


def replace_segments(
    transcript: Transcript,
    *,
    segments: Iterable[SegmentData],
    expected_revision: int | None = None,
    flags: Sequence[str] | None = None,
    approved: bool = False,
) -> Transcript:
    """Replace the segments of an existing ``transcript``, keeping its provenance (an edit).

    Unlike :func:`save_transcript`, engine, model, origin and source stay as they are and each
    segment's ``reviewed``/``stale`` marks are written. With ``expected_revision``, raises
    :class:`RevisionConflict` when the transcript moved on since (checked under a row lock, so
    two editors cannot both win). Side effects, in one transaction: segments deleted and
    re-inserted, revision bumped, approval set to ``approved``, flags replaced when given;
    after commit, ``transcript_changed`` is sent (the search index listens).
    """
    rows = list(segments)
    with transaction.atomic():
        locked = Transcript.objects.select_for_update().get(pk=transcript.pk)
        if expected_revision is not None and locked.revision != expected_revision:
            raise RevisionConflict(expected=expected_revision, current=locked.revision)
        locked.revision += 1
        locked.approved = approved
        locked.approved_at = None
        if flags is not None:
            locked.flags = list(flags)
        locked.save()
        locked.segments.all().delete()
        Segment.objects.bulk_create(
            Segment(transcript=locked, position=position, start_ms=row.start_ms,
                    end_ms=max(row.end_ms, row.start_ms), text=row.text,
                    words=[list(word) for word in row.words], reviewed=row.reviewed,
                    stale=row.stale)
            for position, row in enumerate(rows)
        )
        transaction.on_commit(lambda: transcript_changed.send(sender=Transcript,
                                                             transcript=locked))
    return locked
