"""The interactive transcript under the player, rendered on the server.

A long speech has hundreds of segments in several languages, so this module renders the
segment list straight to an HTML string (escaped with ``conditional_escape``) from plain
``values_list`` rows instead of looping in the template over model instances: the speech page
benchmark (bench/speech_page_benchmark.py) measures the difference.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rostra.core.languages import text_direction
from rostra.public.language_names import language_in
from rostra.transcripts.domain import preferred_transcript
from rostra.transcripts.models import Segment, Transcript


CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Provenance:
    """What a reader is told about who made a transcript."""

    label: str
    detail: str
    is_machine: bool
    reviewed: bool


def speech_languages(speech) -> list[str]:
    """Languages the speech is published in, in the site's order (all site languages if unset)."""
    site_order = [code for code, _ in settings.LANGUAGES]
    chosen = speech.published_languages or site_order
    ordered = [code for code in site_order if code in chosen]
    return ordered + [code for code in chosen if code not in ordered]


def available_transcripts(speech) -> dict[str, Transcript]:
    """The transcript readers get in each published language (uses prefetched transcripts)."""
    found = {}
    for language in speech_languages(speech):
        transcript = preferred_transcript(speech, language)
        if transcript is not None:
            found[language] = transcript
    return found


def provenance(transcript: Transcript, *,
               languages_by_id: dict[int, str] | None = None) -> Provenance:
    engine = " · ".join(part for part in (transcript.engine, transcript.model) if part)
    if transcript.origin == Transcript.Origin.HUMAN:
        original = transcript.speech.original_language
        if transcript.language == original or (not original and not transcript.source_id):
            label = _("Transcript written by a person")
        else:
            label = _("Translation written by a person")
    elif transcript.origin == Transcript.Origin.ASR:
        label = _("Machine transcription (automatic speech recognition)")
    elif transcript.origin == Transcript.Origin.INTERPRETATION:
        label = _("Interpretation: spoken by a human interpreter, transcribed by machine")
    else:
        source_language = (languages_by_id or {}).get(transcript.source_id) or \
            transcript.speech.original_language
        if source_language:
            label = _("Machine translation from %(language)s") % {
                "language": language_in(source_language, get_language() or "en")}
        else:
            label = _("Machine translation")
    return Provenance(label=label, detail=engine, is_machine=transcript.is_machine,
                      reviewed=transcript.approved)


def segment_rows(transcript: Transcript) -> list[tuple[int, int, str]]:
    """(start_ms, end_ms, text) of every segment, in order, in one query."""
    return list(Segment.objects.filter(transcript=transcript).order_by("position")
                .values_list("start_ms", "end_ms", "text"))


def clock(ms: int) -> str:
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def align(primary: list[tuple[int, int, str]],
          secondary: list[tuple[int, int, str]]) -> list[str]:
    """For each primary segment, the secondary text said in the same stretch of time.

    A secondary segment belongs to the primary segment its midpoint falls in (or the last one
    before it), so translations cut differently from the original still line up.
    """
    if not primary:
        return []
    joined = [""] * len(primary)
    index, last = 0, len(primary) - 1
    for start, end, text in secondary:
        middle = (start + end) // 2
        while index < last and primary[index + 1][0] <= middle:
            index += 1
        joined[index] = f"{joined[index]} {text}" if joined[index] else text
    return joined


def transcript_html(transcript: Transcript, *, query: dict[str, str],
                    paired: Transcript | None = None) -> tuple[SafeString, int]:
    """The rendered segment list (and its length), cached until either transcript changes.

    The key holds each transcript's id, revision and last change, so an edit (which bumps the
    revision) is shown at once; nothing has to clear the cache.
    """
    parts = [f"{transcript.pk}.{transcript.revision}.{transcript.updated_at.timestamp()}"]
    if paired is not None:
        parts.append(f"{paired.pk}.{paired.revision}.{paired.updated_at.timestamp()}")
    key = "rostra:transcript-html:" + hashlib.sha256(
        ("|".join(parts) + "|" + urlencode(sorted(query.items()))).encode()).hexdigest()
    found = cache.get(key)
    if found is not None:
        return mark_safe(found[0]), found[1]
    rows = segment_rows(transcript)
    aligned = align(rows, segment_rows(paired)) if paired is not None else None
    html = render_segments(rows, query=query, paired=aligned,
                           paired_language=paired.language if paired is not None else "")
    cache.set(key, (str(html), len(rows)), CACHE_SECONDS)
    return html, len(rows)


def render_segments(rows: list[tuple[int, int, str]], *, query: dict[str, str],
                    paired: list[str] | None = None, paired_language: str = "") -> SafeString:
    """The transcript's segments as HTML: one ``<li>`` each, with data-start/data-end in ms.

    ``query`` holds the page's other parameters, kept in every ``?t=`` link.
    """
    escape = conditional_escape
    base = urlencode(query)
    prefix = "?" + (base + "&" if base else "") + "t="
    paired_attrs = ""
    if paired is not None:
        paired_attrs = f' lang="{escape(paired_language)}" dir="{text_direction(paired_language)}"'
    parts = []
    for position, (start, end, text) in enumerate(rows):
        second = start // 1000
        parts.append(
            f'<li class="segment" id="seg-{position}" data-start="{start}" data-end="{end}">'
            f'<a class="segment-time" href="{prefix}{second}" dir="ltr">{clock(start)}</a>'
            f'<span class="segment-text">{escape(text)}</span>'
        )
        if paired is not None:
            parts.append(f'<span class="segment-paired"{paired_attrs}>'
                         f'{escape(paired[position])}</span>')
        parts.append("</li>")
    return mark_safe("".join(parts))
