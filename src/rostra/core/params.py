"""What a request may carry, checked once at the edge for the website, the API and the feeds.

A request parameter becomes a number, a slug or a filter value. Python's own parsers are too
generous for that: ``"²".isdigit()`` is true but ``int("²")`` fails, ``int("٣")`` is 3, and a
5,000-digit number raises past the interpreter's digit limit. PostgreSQL refuses a NUL in any
text. So numbers here are ASCII digits of bounded length, slugs have one shape, filter values
have a bounded length, and NUL (with the other C0 controls) never reaches a view.
"""

from __future__ import annotations

import re

# Nine digits: every page, day, id or byte offset we serve fits (files up to ~1 GB per digit
# count are served; Range numbers get their own, longer bound below).
MAX_NUMBER_DIGITS = 9
MAX_RANGE_DIGITS = 15  # 1 PB: more than any file here, far below Python's 4,300-digit limit
MAX_SLUG_LENGTH = 200
MAX_FILTER_LENGTH = 100

ASCII_NUMBER = re.compile(rf"[0-9]{{1,{MAX_NUMBER_DIGITS}}}")
# Word characters (Persian and Arabic letters included: imported slugs keep them), hyphens,
# underscores and dots; never a slash, a space or a control character.
SLUG_PATTERN = rf"[-\w.]{{1,{MAX_SLUG_LENGTH}}}"
SLUG = re.compile(SLUG_PATTERN)
# C0 controls but tab, newline and carriage return (which forms legitimately carry), and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadParameter(ValueError):
    """A parameter that is not what its place accepts; the message names it."""


def has_control_characters(text: str) -> bool:
    return bool(CONTROL.search(text))


def parse_number(raw: str | None, *, name: str, default: int | None = None,
                 lowest: int = 0, highest: int = 10**MAX_NUMBER_DIGITS - 1) -> int | None:
    """An ASCII whole number within [lowest, highest]; ``default`` when absent or empty.

    Raises BadParameter for anything else (other digits, signs, spaces, too many digits)."""
    if raw is None or raw == "":
        return default
    if not ASCII_NUMBER.fullmatch(raw):
        raise BadParameter(f"{name} must be a whole number written with 0-9 "
                           f"(at most {MAX_NUMBER_DIGITS} digits)")
    value = int(raw)
    if not lowest <= value <= highest:
        raise BadParameter(f"{name} must be between {lowest} and {highest}")
    return value


def number_or_default(raw: str | None, *, default: int | None = None, lowest: int = 0,
                      highest: int = 10**MAX_NUMBER_DIGITS - 1) -> int | None:
    """As parse_number, for pages that ignore a bad value rather than refuse it."""
    try:
        return parse_number(raw, name="value", default=default, lowest=lowest, highest=highest)
    except BadParameter:
        return default


def range_number(raw: str) -> int:
    """A number from a Range header: ASCII digits, at most MAX_RANGE_DIGITS of them."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > MAX_RANGE_DIGITS:
        raise BadParameter("Range numbers are 0-9 digits")
    return int(raw)


def is_slug(text: str | None) -> bool:
    return bool(text) and bool(SLUG.fullmatch(text))


def filter_value(raw: str | None, *, max_length: int = MAX_FILTER_LENGTH) -> str:
    """A filter's value, stripped and cut to a bounded length (NUL never gets here: the
    middleware refuses it)."""
    return (raw or "").strip()[:max_length]
