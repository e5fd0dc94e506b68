"""Text in several languages, stored as one JSON object per field: ``{"fa": "…", "en": "…"}``.

Why JSON and not a column per language (django-modeltranslation) or a translation table
(django-parler): the archive's languages are configuration (ROSTRA_LANGUAGES), not schema, so
adding Turkish must not need a migration; one JSON column works the same on SQLite and
PostgreSQL and keeps a speech one row. See docs/decisions.md.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from django.utils.translation import get_language


def pick(texts: Mapping[str, str] | None, language: str | None = None,
         fallbacks: Iterable[str] = ()) -> str:
    """The text in ``language`` (the active one by default), else a fallback, else any."""
    if not texts:
        return ""
    language = (language or get_language() or "").split("-")[0]
    for code in (language, *fallbacks):
        if texts.get(code):
            return texts[code]
    for value in texts.values():
        if value:
            return value
    return ""


def pick_with_language(texts: Mapping[str, str] | None, language: str | None = None,
                       fallbacks: Iterable[str] = ()) -> tuple[str, str]:
    """Like :func:`pick`, and says which language the text is in (for ``lang`` attributes)."""
    if not texts:
        return "", ""
    language = (language or get_language() or "").split("-")[0]
    for code in (language, *fallbacks):
        if texts.get(code):
            return texts[code], code
    for code, value in texts.items():
        if value:
            return value, code
    return "", ""


def clean_texts(texts: Mapping[str, str | None] | None) -> dict[str, str]:
    """Drop empty entries and strip whitespace; keep every other character exactly."""
    return {code: value.strip() for code, value in (texts or {}).items()
            if value and value.strip()}
