"""Template helpers: multilingual text with the right ``lang``, numbers and dates the reader's
way (locale digits, Solar Hijri for Persian), clock times, the language switcher."""

from __future__ import annotations

import json
import re

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language, gettext, pgettext_lazy

from rostra.core import reader_locale
from rostra.core.languages import dominant_direction, native_name, text_direction
from rostra.core.multilingual import pick, pick_with_language
from rostra.core.siteurl import site_root
from rostra.public.countries import country_name
from rostra.public.language_names import language_in
from rostra.public.reader_digits import current_numbering_system as reader_digits

register = template.Library()

# A rostra command inside a message ("… (rostra models fetch m2m100-418m)").
_COMMAND = re.compile(r"\brostra(?: [a-z0-9][a-z0-9._-]*)+")


@register.filter(needs_autoescape=True)
def commands_marked(value, autoescape=True):
    """A message with a ``rostra …`` command in it, the command set apart as code: left to
    right, and not translated (its digits belong to a model's name, not a number to write in
    the reader's digits)."""
    text = str(conditional_escape(value) if autoescape else value)
    return mark_safe(_COMMAND.sub(
        lambda found: f'<code translate="no" dir="ltr">{found.group(0)}</code>', text))


@register.simple_tag
def text(texts, fallback=""):
    """Text in the interface language; marked with its own lang/dir when it had to fall back."""
    value, language = pick_with_language(texts)
    if not value:
        return fallback
    if language and language != get_language():
        return format_html('<span lang="{}" dir="{}">{}</span>', language,
                           text_direction(language), value)
    return value


@register.filter
def localized(texts):
    """Plain text in the interface language (for attributes and titles)."""
    return pick(texts)


@register.filter
def clock(ms) -> str:
    """Milliseconds → ``m:ss`` or ``h:mm:ss``, in the reader's digits."""
    return reader_locale.clock(ms, reader_digits())


@register.filter
def number(value) -> str:
    """A count with the locale's digits and separators (``۱٬۲۳۴``)."""
    if value is None or value == "":
        return ""
    return reader_locale.format_number(value, get_language() or "en", reader_digits())


@register.filter(is_safe=True)
def digits(value):
    """Interface text (a translated sentence with a number in it) in the reader's digits.

    Safe HTML keeps the digits of its tags and character references.
    """
    system = reader_digits()
    if isinstance(value, SafeData):
        return mark_safe(reader_locale.localize_digits_in_html(str(value), system))
    return reader_locale.localize_digits(str(value), system)


@register.filter
def reader_date(value) -> str:
    """A day as the reader counts it (Solar Hijri in Persian)."""
    return reader_locale.reader_date(value, get_language() or "en", reader_digits())


@register.filter
def exact_date(value) -> str:
    """A day where exactness matters: in Persian, the Gregorian date beside the Solar Hijri."""
    return reader_locale.reader_date(value, get_language() or "en", reader_digits(), exact=True)


@register.filter
def reader_time(value) -> str:
    """A wall-clock time (the value as given: call ``localtime`` first where that matters)."""
    return reader_locale.reader_time(value, get_language() or "en", reader_digits())


# How a transcript was made, in words for the interface language (the model's choice labels
# are English and stored in migrations; these are what people read).
ORIGIN_LABELS = {
    "asr": pgettext_lazy("transcript origin", "speech recognition"),
    "mt": pgettext_lazy("transcript origin", "machine translation"),
    "human": pgettext_lazy("transcript origin", "human"),
}


@register.filter
def origin_label(transcript) -> str:
    label = ORIGIN_LABELS.get(transcript.origin)
    return str(label) if label else transcript.get_origin_display()


@register.filter
def text_dir(value) -> str:
    """``rtl`` or ``ltr`` from the text's dominant script (for user and machine text)."""
    return dominant_direction(str(value or ""))


@register.simple_tag
def joined(*items):
    """Items joined by the locale's list comma (``،`` in Persian and Arabic), each in <bdi>."""
    return format_html_join(gettext(", "), "<bdi>{}</bdi>", ((item,) for item in items if item))


@register.filter
def duration_minutes(ms) -> int:
    return max(1, round(int(ms) / 60000)) if ms else 0


@register.filter
def language_name(code: str) -> str:
    return native_name(code)


@register.filter
def language_label(code: str) -> str:
    """The language's name in the interface language, for running text."""
    return language_in(code, get_language() or "en")


@register.filter
def direction(code: str) -> str:
    return text_direction(code)


@register.filter
def country(code: str) -> str:
    return country_name(code, get_language() or "en")


@register.filter
def speaker_names(speech) -> list:
    links = getattr(speech, "speaker_links", None)
    if links is None:
        return list(speech.speakers.all())
    return [link.speaker for link in links]


@register.inclusion_tag("rostra/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to this same page in every site language (the path's prefix swapped)."""
    request = context.get("request")
    current = get_language()
    path = request.get_full_path() if request else "/"
    links = []
    for code, _ in settings.LANGUAGES:
        links.append({
            "code": code,
            "name": native_name(code),
            "url": translate_url(path, code),
            "current": code == current,
            "dir": text_direction(code),
        })
    return {"links": links}


@register.simple_tag(takes_context=True)
def hreflang_links(context):
    """``<link rel="alternate" hreflang>`` to this page in every site language (absolute)."""
    request = context.get("request")
    if request is None:
        return ""
    path = request.get_full_path()
    return format_html_join(
        "\n", '<link rel="alternate" hreflang="{}" href="{}{}">',
        ((code, site_root(request), translate_url(path, code)) for code, _ in settings.LANGUAGES))


@register.simple_tag(takes_context=True)
def structured_data(context, speech, media_url="", duration_ms=None):
    """schema.org JSON-LD for a speech (VideoObject or AudioObject), safe inside <script>."""
    media = speech.media
    kind = "VideoObject" if media is not None and media.has_video else "AudioObject"
    data = {
        "@context": "https://schema.org",
        "@type": kind,
        "name": pick(speech.title, fallbacks=[speech.original_language]) or speech.slug,
        "description": pick(speech.abstract, fallbacks=[speech.original_language]),
        "inLanguage": speech.original_language or None,
        "uploadDate": speech.published_at.isoformat() if speech.published_at else None,
        "contentUrl": site_root(context.get("request")) + media_url if media_url else None,
    }
    milliseconds = duration_ms or (media.duration_ms if media is not None else None)
    if milliseconds:
        data["duration"] = f"PT{int(milliseconds) // 1000}S"
    links = getattr(speech, "speaker_links", None) or []
    if links:
        data["author"] = [{"@type": "Person", "name": link.speaker.display_name()}
                          for link in links]
    data = {key: value for key, value in data.items() if value}
    # "<" escaped so no text can close the script element early.
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')
