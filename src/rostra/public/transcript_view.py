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

from rostra.core.languages import dominant_direction, text_direction
from rostra.core.reader_locale import clock
from rostra.public.language_names import language_in
from rostra.transcripts.reading import readable_transcripts
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
    """The transcript a public reader gets in each language they may read, in the site's
    order (rostra.transcripts.reading decides; uses prefetched transcripts)."""
    best: dict[str, Transcript] = {}
    for transcript in readable_transcripts(speech, sees_unpublished=False):
        best.setdefault(transcript.language, transcript)
    return {code: best[code] for code in speech_languages(speech) if code in best}


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
                    paired: Transcript | None = None,
                    digits: str = "latn") -> tuple[SafeString, int]:
    """The rendered segment list (and its length), cached until either transcript changes.

    The key holds each transcript's id, revision and last change, so an edit (which bumps the
    revision) is shown at once; nothing has to clear the cache.
    """
    parts = [digits, f"{transcript.pk}.{transcript.revision}.{transcript.updated_at.timestamp()}"]
    if paired is not None:
        parts.append(f"{paired.pk}.{paired.revision}.{paired.updated_at.timestamp()}")
    key = "rostra:transcript-html:" + hashlib.sha256(
        ("|".join(parts) + "|" + urlencode(sorted(query.items()))).encode()).hexdigest()
    found = cache.get(key)
    if found is not None:
        return mark_safe(found[0]), found[1]
    rows = segment_rows(transcript)
    aligned = align(rows, segment_rows(paired)) if paired is not None else None
    html = render_segments(rows, query=query, paired=aligned, digits=digits,
                           paired_language=paired.language if paired is not None else "")
    cache.set(key, (str(html), len(rows)), CACHE_SECONDS)
    return html, len(rows)


def render_segments(rows: list[tuple[int, int, str]], *, query: dict[str, str],
                    paired: list[str] | None = None, paired_language: str = "",
                    digits: str = "latn") -> SafeString:
    """The transcript's segments as HTML: one ``<li>`` each, with data-start/data-end in ms.

    ``query`` holds the page's other parameters, kept in every sentence link
    (``?tl=fa&t=12&s=4``: play from second 12, and show sentence 4 as the link's preview);
    ``digits`` is the numbering system of the times.
    """
    escape = conditional_escape
    base = urlencode(query)
    prefix = "?" + (base + "&" if base else "") + "t="
    paired_attrs = ""
    if paired is not None:
        paired_attrs = f' lang="{escape(paired_language)}" dir="{text_direction(paired_language)}"'
    default_dir = text_direction(query.get("tl", ""))
    parts = []
    for position, (start, end, text) in enumerate(rows):
        second = start // 1000
        parts.append(
            f'<li class="segment" id="seg-{position}" data-start="{start}" data-end="{end}">'
            f'<a class="segment-time" href="{prefix}{second}&s={position}" dir="ltr">'
            f'{clock(start, digits)}</a>'
            f'<span class="segment-text" dir="{dominant_direction(text, default_dir)}">'
            f'{escape(text)}</span>'
        )
        if paired is not None:
            parts.append(f'<span class="segment-paired"{paired_attrs}>'
                         f'{escape(paired[position])}</span>')
        parts.append("</li>")
    return mark_safe("".join(parts))
