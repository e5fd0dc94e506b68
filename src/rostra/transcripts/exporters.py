"""A transcript as a file: WebVTT, SRT, plain text or JSON with its provenance.

One function for every surface: the CLI (``rostra subtitles export``), the website's ``<track>``
files and the API call :func:`export_transcript`.
"""

from __future__ import annotations

import json

from rostra.core.errors import UserError
from rostra.core.languages import is_rtl, text_direction
from rostra.pipeline.subtitles import SubtitleCue, write_subtitles
from rostra.transcripts.models import Transcript

EXPORT_FORMATS = ("vtt", "srt", "txt", "json")

MEDIA_TYPES = {
    "vtt": "text/vtt; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "json": "application/json",
}


def export_media_type(fmt: str) -> str:
    """The Content-Type to serve an export in ``fmt`` with."""
    return MEDIA_TYPES[_checked_format(fmt)]


def _checked_format(fmt: str) -> str:
    if fmt not in EXPORT_FORMATS:
        raise UserError(f"unknown format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    return fmt


def transcript_cues(transcript: Transcript) -> list[SubtitleCue]:
    """The transcript's segments, in order, as subtitle cues."""
    return [SubtitleCue(segment.start_ms, segment.end_ms, segment.text)
            for segment in transcript.segments.order_by("position")]


def transcript_provenance(transcript: Transcript) -> dict:
    """Who or what made the transcript: origin, engine, model, options, source language."""
    source = transcript.source
    return {
        "speech": transcript.speech.slug,
        "language": transcript.language,
        "direction": text_direction(transcript.language),
        "origin": transcript.origin,
        "machine": transcript.is_machine,
        "engine": transcript.engine,
        "model": transcript.model,
        "engine_version": transcript.engine_version,
        "options": transcript.options,
        "source_language": source.language if source else None,
        "source_origin": source.origin if source else None,
        "flags": list(transcript.flags),
        "approved": transcript.approved,
        "revision": transcript.revision,
        "updated_at": transcript.updated_at.isoformat() if transcript.updated_at else None,
    }


def export_transcript(transcript: Transcript, fmt: str) -> str:
    """Render ``transcript`` as ``fmt`` (vtt, srt, txt or json); no side effects.

    WebVTT and SRT cues of right-to-left languages get a right-to-left mark per line, so a
    browser's ``<track>`` renderer keeps their punctuation in place (see pipeline.subtitles).
    """
    fmt = _checked_format(fmt)
    cues = transcript_cues(transcript)
    if fmt == "json":
        document = transcript_provenance(transcript)
        document["segments"] = [
            {"start": cue.start_ms / 1000, "end": cue.end_ms / 1000,
             "start_ms": cue.start_ms, "end_ms": cue.end_ms, "text": cue.text}
            for cue in cues
        ]
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return write_subtitles(cues, fmt, right_to_left=is_rtl(transcript.language))
