"""Checks and conversions shared by the parsers: times, durations, slugs, languages, scripts.

Each ``parse_*`` function returns the value or raises ``ValueError`` whose message is the reason
a user reads (``duration "1:6x" is not HH:MM``); the parser adds the location.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from datetime import date, datetime, timedelta

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HOURS_MINUTES = re.compile(r"^(\d{1,3}):([0-5]\d)$")
HOURS_MINUTES_SECONDS = re.compile(r"^(\d{1,3}):([0-5]\d):([0-5]\d)$")
WHOLE_MINUTES = re.compile(r"^\d{1,5}$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
SLUG = re.compile(r"^[-\w]+$")
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")

# C0 and C1 control characters other than tab, line feed and carriage return: they are never
# text, and some terminals and spreadsheets act on them. Bidi controls (U+200E, U+202A…, U+2066…)
# and ZWNJ are format characters, not controls, and are kept: Persian needs ZWNJ.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def quoted(text: str, limit: int = 60) -> str:
    """A value as a message shows it: in quotes, shortened when long."""
    text = str(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"'


def control_character(text: str) -> str | None:
    """The first forbidden control character in ``text`` as ``U+0007``, or None."""
    found = _CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def parse_datetime(text: str, what: str = "time") -> datetime:
    """An ISO 8601 date and time with a UTC offset (``2025-05-14T10:00:00+03:30``)."""
    value = (text or "").strip()
    if not value:
        raise ValueError(f"{what} is missing")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{what} {quoted(value)} is not an ISO 8601 date and time "
                         "such as 2025-05-14T10:00:00+03:30") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(f"{what} {quoted(value)} has no UTC offset; write it like "
                         "2025-05-14T10:00:00+03:30")
    return parsed


def parse_date(text: str, what: str = "date") -> date:
    value = (text or "").strip()
    if not ISO_DATE.match(value):
        raise ValueError(f"{what} {quoted(value)} is not a date such as 2025-05-14")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{what} {quoted(value)} is not a real date") from None


def parse_date_or_datetime(text: str, what: str = "date") -> date:
    value = (text or "").strip()
    if "T" in value:
        return parse_datetime(value, what).date()
    return parse_date(value, what)


def parse_duration(text: str, *, seconds_and_minutes: bool = False) -> int:
    """A duration in milliseconds from ``HH:MM`` (frab); the CSV also allows ``HH:MM:SS`` and
    whole minutes (``45``)."""
    value = (text or "").strip()
    expected = "HH:MM, HH:MM:SS or whole minutes" if seconds_and_minutes else "HH:MM"
    if not value:
        raise ValueError(f"duration is missing; write it as {expected}")
    match = HOURS_MINUTES.match(value)
    if match:
        return (int(match[1]) * 60 + int(match[2])) * 60_000
    if seconds_and_minutes:
        match = HOURS_MINUTES_SECONDS.match(value)
        if match:
            return ((int(match[1]) * 60 + int(match[2])) * 60 + int(match[3])) * 1000
        if WHOLE_MINUTES.match(value):
            return int(value) * 60_000
    raise ValueError(f"duration {quoted(value)} is not {expected}")


def offset_name(moment: datetime) -> str:
    """The UTC offset of an aware datetime as ``+03:30``."""
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def check_zone_name(name: str) -> str:
    """An IANA zone name that exists (``Asia/Tehran``, ``UTC``)."""
    value = (name or "").strip()
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"time zone {quoted(value)} is not an IANA time zone name "
                         "such as Asia/Tehran or Europe/Berlin") from None
    return value


def zone_for_moment(moment: datetime, zone_name: str) -> str:
    """The zone to show ``moment`` in: the program's IANA zone when the offset the program
    wrote agrees with it, else the offset itself, so the wall-clock time stays as written."""
    if zone_name:
        local = moment.astimezone(zoneinfo.ZoneInfo(zone_name))
        if local.utcoffset() == moment.utcoffset():
            return zone_name
    return offset_name(moment)


def check_language(code: str, what: str = "language") -> str:
    value = (code or "").strip()
    if not LANGUAGE_CODE.match(value):
        raise ValueError(f"{what} {quoted(value)} is not an ISO 639-1 code such as fa, ar or en")
    return value


def program_language(code: str | None) -> str:
    """A talk language from frab/pretalx (``en``, ``de``, ``en-US``, ``""``) as a base code."""
    value = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return value if LANGUAGE_CODE.match(value) else ""


def slugify(text: str, *, allow_unicode: bool = True, max_length: int = 100) -> str:
    """Lowercase words joined by hyphens; Persian and Arabic letters are kept (like Django's
    ``slugify(allow_unicode=True)``, which this module must not import)."""
    value = unicodedata.normalize("NFKC" if allow_unicode else "NFKD", str(text))
    if not allow_unicode:
        value = value.encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value.lower())
    value = re.sub(r"[-\s]+", "-", value).strip("-_")
    return value[:max_length].rstrip("-_")


def is_slug(text: str) -> bool:
    return bool(SLUG.match(text or ""))


# Letters only some Arabic-script languages use: these make a name Persian, not Arabic.
_PERSIAN_LETTERS = set("پچژگکی")
_ARABIC_SCRIPT_LANGUAGES = {"fa", "ar", "ur", "ps", "ckb", "sd", "ug"}


def script_language(text: str, talk_language: str = "") -> str:
    """The language key for a short text whose language the program does not say (a person's
    name, a room, a track): chosen by its script.

    Latin script → ``en`` (a Latin-script name reads the same on every Latin-script page, and
    English is the archive's Latin-script language); Arabic script → the talk's language when
    that is written in Arabic script, else ``fa`` when Persian-only letters appear, else ``ar``;
    other scripts → the talk's language, else ``und`` (undetermined, ISO 639-2).
    """
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("LATIN"):
            return "en"
        if name.startswith("ARABIC"):
            if talk_language in _ARABIC_SCRIPT_LANGUAGES:
                return talk_language
            return "fa" if _PERSIAN_LETTERS & set(text) else "ar"
        break
    return talk_language or "und"
