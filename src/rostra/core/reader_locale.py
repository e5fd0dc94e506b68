"""Numbers and dates the reader's way: locale digits, Solar Hijri dates for Persian, CLDR names.

Which digits a language writes comes from CLDR (through Babel: a language's "native" numbering
system), unless the site lists the language in ROSTRA_LATIN_DIGITS (many Arabic readers use
0–9). Month names, their order and the separators come from Babel; the Solar Hijri (Jalali)
calendar from jdatetime. Nothing here knows a month name itself.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

import jdatetime
from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import format_decimal

from rostra.core.languages import base_language

LATIN_DIGITS = "0123456789"
# CLDR numbering systems whose digits are one Unicode block of ten, by the code point of zero.
ZERO_OF_SYSTEM = {"arab": 0x0660, "arabext": 0x06F0, "deva": 0x0966, "beng": 0x09E6}
ANY_DIGIT = re.compile(r"\d")
# Tags and character references keep their digits (``&#x27;``, ``href="?day=1"``).
MARKUP = re.compile(r"(<[^>]*>|&#?\w+;)")


@lru_cache(maxsize=64)
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(base_language(language) or "en")
    except (UnknownLocaleError, ValueError):
        return None


def numbering_system(language: str, latin_languages: frozenset[str] = frozenset()) -> str:
    """The CLDR numbering system a reader of ``language`` expects: ``arabext``, ``arab``, ``latn``."""
    code = base_language(language)
    if code in latin_languages:
        return "latn"
    locale = _locale(code)
    if locale is None:
        return "latn"
    native = locale.other_numbering_systems.get("native", "latn")
    return native if native in ZERO_OF_SYSTEM else "latn"


@lru_cache(maxsize=16)
def _digit_table(system: str) -> dict[int, str]:
    zero = ZERO_OF_SYSTEM.get(system)
    if zero is None:
        return {}
    table = {}
    for value in range(10):
        character = chr(zero + value)
        assert unicodedata.digit(character) == value  # the block really is 0–9 in order
        table[ord(LATIN_DIGITS[value])] = character
    return table


def localize_digits(text: str, system: str) -> str:
    """Latin digits in ``text`` written in ``system``'s digits (other characters untouched)."""
    table = _digit_table(system)
    return text.translate(table) if table else text


def localize_digits_in_html(html: str, system: str) -> str:
    """Like :func:`localize_digits` but only in text: tags and character references keep theirs."""
    if not _digit_table(system):
        return html
    return "".join(part if index % 2 else localize_digits(part, system)
                   for index, part in enumerate(MARKUP.split(html)))


def format_number(value, language: str, system: str) -> str:
    """A count or a decimal with the locale's separators and digits (``۱٬۲۳۴``, ``١٫٥``)."""
    locale = _locale(language) or "en"
    text = format_decimal(value, locale=locale, numbering_system=system)
    return localize_digits(text, system)


def clock(ms: int | None, system: str = "latn") -> str:
    """Milliseconds → ``m:ss`` or ``h:mm:ss`` in the reader's digits."""
    if ms is None:
        return ""
    seconds = int(ms) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
    return localize_digits(text, system)


def uses_solar_hijri(language: str) -> bool:
    """Persian readers count days in the Solar Hijri calendar."""
    return base_language(language) == "fa"


def gregorian_date(day: date, language: str, system: str) -> str:
    """``1 December 2026`` / ``١ ديسمبر ٢٠٢٦``: CLDR's long date, in the reader's digits."""
    return localize_digits(babel_format_date(day, format="long", locale=_locale(language) or "en"),
                           system)


def solar_hijri_date(day: date, system: str) -> str:
    """``۱۰ آذر ۱۴۰۵``: day, month name and year of the Solar Hijri calendar."""
    jalali = jdatetime.date.fromgregorian(date=day)
    month = jdatetime.date.j_months_fa[jalali.month - 1]
    return localize_digits(f"{jalali.day} {month} {jalali.year}", system)


def reader_date(day: date | datetime | None, language: str, system: str, *,
                exact: bool = False) -> str:
    """A day as the reader counts it; ``exact`` adds the Gregorian beside a Solar Hijri date."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.date()
    if not uses_solar_hijri(language):
        return gregorian_date(day, language, system)
    solar = solar_hijri_date(day, system)
    if not exact:
        return solar
    return f"{solar} ({gregorian_date(day, language, system)})"


def reader_time(moment: datetime | None, language: str, system: str) -> str:
    """A wall-clock time, 24-hour where the locale writes it so (``۱۰:۳۰``, ``١٠:٣٠ ص``)."""
    if moment is None:
        return ""
    return localize_digits(babel_format_time(moment, format="short",
                                             locale=_locale(language) or "en"), system)


def has_latin_digit(text: str) -> bool:
    return any(character in LATIN_DIGITS for character in text)
