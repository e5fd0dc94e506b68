"""Human transcripts and translations from subtitle files (WebVTT or SRT)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

from rostra.archive.models import Speech
from rostra.core.errors import UserError
from rostra.core.languages import english_name
from rostra.pipeline.subtitles import SubtitleError, read_subtitle_file
from rostra.transcripts.domain import SegmentData, save_transcript
from rostra.transcripts.models import Transcript


def check_archive_language(language: str) -> str:
    """Return ``language`` if the archive is configured for it, else raise UserError."""
    languages = list(settings.ROSTRA_LANGUAGES)
    if language not in languages:
        raise UserError(f"language {language!r} is not one of this archive's languages "
                        f"({', '.join(languages)}); use one of those or add it to "
                        "ROSTRA_LANGUAGES")
    return language


def import_subtitles(*, speech: Speech, language: str, path: str | Path) -> Transcript:
    """Read a .vtt/.srt file into the human transcript of ``speech`` in ``language``.

    The file is validated first (encoding detected, every cue checked); a bad file raises
    UserError and nothing is written. Side effects: the human transcript for that language is
    created, or replaced if one exists (one transaction, via ``save_transcript``, which sends
    ``transcript_changed``). Machine transcripts (speech recognition, translation) are separate
    rows and keep their own text and provenance. Cue text is stored exactly as in the file.
    """
    check_archive_language(language)
    path = Path(path)
    try:
        document = read_subtitle_file(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except SubtitleError as exc:
        raise UserError(f"{exc}") from None
    segments = [SegmentData(cue.start_ms, cue.end_ms, cue.text) for cue in document.cues]
    return save_transcript(
        speech=speech, language=language, origin=Transcript.Origin.HUMAN, segments=segments,
        engine="subtitle-import",
        options={"file": path.name, "format": document.format, "encoding": document.encoding,
                 "cues": len(segments), "skipped": list(document.warnings)},
        fingerprint=digest,
    )


def missing_transcript_message(speech: Speech, language: str) -> str:
    """Why there is no transcript of ``speech`` in ``language`` yet, and what to do about it."""
    name = english_name(language)
    if language == speech.original_language or not speech.original_language:
        return (f"no {name} transcript of {speech.slug} yet: process its recording with "
                f"`rostra process {speech.slug}`, or import one with "
                f"`rostra subtitles import {speech.slug} {language} FILE`")
    from rostra.core.storage import model_cache_dir
    from rostra.pipeline.mt.selection import choose_translation

    choice = choose_translation(settings.ROSTRA_MT_ENGINE, settings.ROSTRA_MT_MODEL,
                                model_cache=model_cache_dir())
    reason = ("no translation engine is configured (ROSTRA_MT_ENGINE=none)"
              if choice.configured == "none" else choice.status_line() if not choice.on
              else f"it has not been translated yet (run `rostra process {speech.slug}`)")
    return (f"no {name} transcript of {speech.slug} yet: {reason}; import one with "
            f"`rostra subtitles import {speech.slug} {language} FILE`")
