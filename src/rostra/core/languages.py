"""Languages and text direction: the one place that knows which scripts run right to left."""

from __future__ import annotations

import unicodedata

RTL_LANGUAGES = frozenset({"fa", "ar", "he", "ur", "ps", "ckb", "sd", "ug", "yi", "dv"})

# Names of languages in themselves, for switchers and labels. Languages not listed here
# still work; they are shown by their code.
NATIVE_NAMES = {
    "fa": "فارسی",
    "ar": "العربية",
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "tr": "Türkçe",
    "ur": "اردو",
    "he": "עברית",
    "ru": "Русский",
    "zh": "中文",
}

ENGLISH_NAMES = {
    "fa": "Persian",
    "ar": "Arabic",
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "tr": "Turkish",
    "ur": "Urdu",
    "he": "Hebrew",
    "ru": "Russian",
    "zh": "Chinese",
}


def base_language(code: str) -> str:
    """``'fa-IR'`` → ``'fa'``; codes are compared on their primary subtag."""
    return (code or "").split("-")[0].split("_")[0].lower()


def is_rtl(code: str) -> bool:
    return base_language(code) in RTL_LANGUAGES


def text_direction(code: str) -> str:
    return "rtl" if is_rtl(code) else "ltr"


def native_name(code: str) -> str:
    return NATIVE_NAMES.get(base_language(code), code)


def english_name(code: str) -> str:
    return ENGLISH_NAMES.get(base_language(code), code)


def is_valid_language_code(code: str) -> bool:
    """ISO 639-1 (two letters) or 639-3 (three), lowercase, as used throughout rostra."""
    return code.isascii() and code.isalpha() and code.islower() and len(code) in (2, 3)


def dominant_direction(text: str, default: str = "auto") -> str:
    """``rtl`` or ``ltr`` by which kind of strong letter the text has most of.

    The browser's ``dir="auto"`` and ``unicode-bidi: plaintext`` look only at the first strong
    letter, so a Persian sentence that opens with a Latin name ("REM …") would run left to
    right. Letters are counted; a tie goes to the first strong letter; text with no letters
    (digits, punctuation) gets ``default``.
    """
    right = left = 0
    first = ""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            right += 1
            first = first or "rtl"
        elif kind == "L":
            left += 1
            first = first or "ltr"
    if right > left:
        return "rtl"
    if left > right:
        return "ltr"
    return first or default
