"""Language names as the interface language writes them ("Persian" / «فارسی» / «الفارسية»).

Switchers and track labels use each language's own name (rostra.core.languages.native_name);
running text ("Machine translation from Persian") uses the reader's language.
"""

from __future__ import annotations

from rostra.core.languages import base_language, english_name, native_name

NAMES = {
    "fa": {"en": "Persian", "fa": "فارسی", "ar": "الفارسية"},
    "ar": {"en": "Arabic", "fa": "عربی", "ar": "العربية"},
    "en": {"en": "English", "fa": "انگلیسی", "ar": "الإنجليزية"},
    "tr": {"en": "Turkish", "fa": "ترکی", "ar": "التركية"},
    "ur": {"en": "Urdu", "fa": "اردو", "ar": "الأردية"},
    "fr": {"en": "French", "fa": "فرانسوی", "ar": "الفرنسية"},
    "de": {"en": "German", "fa": "آلمانی", "ar": "الألمانية"},
    "es": {"en": "Spanish", "fa": "اسپانیایی", "ar": "الإسبانية"},
    "ru": {"en": "Russian", "fa": "روسی", "ar": "الروسية"},
}


def language_in(code: str, interface: str) -> str:
    """The name of language ``code`` written in ``interface`` (falls back sensibly)."""
    names = NAMES.get(base_language(code), {})
    interface = base_language(interface)
    if interface in names:
        return names[interface]
    return english_name(code) if interface == "en" else native_name(code)
