"""The digits this request's reader gets: the interface language's, unless the site said 0–9."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language

from rostra.core.reader_locale import numbering_system


def current_numbering_system() -> str:
    """``arabext`` (۰–۹), ``arab`` (٠–٩) or ``latn`` for the active interface language."""
    latin = frozenset(settings.ROSTRA_LATIN_DIGITS)
    return numbering_system(get_language() or settings.LANGUAGE_CODE, latin)
