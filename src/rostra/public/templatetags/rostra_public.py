"""Template helpers: multilingual text with the right ``lang``, clock times, the switcher."""

from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from rostra.core.languages import native_name, text_direction
from rostra.core.multilingual import pick, pick_with_language
from rostra.core.siteurl import site_root
from rostra.public.countries import country_name
from rostra.public.language_names import language_in

register = template.Library()


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
    """Milliseconds → ``m:ss`` or ``h:mm:ss``."""
    if ms is None:
        return ""
    seconds = int(ms) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


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
