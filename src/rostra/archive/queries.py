"""Filters on speeches shared by the website, the search and the API: one ``SpeechFilter``."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from rostra.core.errors import UserError


def _date(value, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UserError(f"{name}={value!r} is not a date; use YYYY-MM-DD") from None


@dataclass(frozen=True)
class SpeechFilter:
    """Which speeches a reader asked for: slugs, a speaker's ISO country, a date range.

    Empty values mean "no filter". Build it with :meth:`of` from whatever a surface received
    (query parameters, CLI options); :meth:`apply` narrows a Speech queryset.
    """

    event: str = ""
    session: str = ""
    topic: str = ""
    speaker: str = ""
    country: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def of(cls, **values) -> "SpeechFilter":
        """A filter from loose values (``None`` or "" for none; dates as ``YYYY-MM-DD``).

        Raises :class:`UserError` for a date that is not one, or an unknown filter name.
        """
        names = {field.name for field in fields(cls)}
        unknown = sorted(set(values) - names)
        if unknown:
            raise UserError(f"unknown speech filter {unknown[0]!r}; use one of "
                            f"{', '.join(sorted(names))}")
        text = {name: str(values.get(name) or "").strip()
                for name in ("event", "session", "topic", "speaker")}
        country = str(values.get("country") or "").strip().upper()[:2]
        return cls(**text, country=country,
                   date_from=_date(values.get("date_from"), "date_from"),
                   date_to=_date(values.get("date_to"), "date_to"))

    @property
    def narrows(self) -> bool:
        """Whether any filter is set."""
        return any(getattr(self, field.name) not in (None, "") for field in fields(self))

    def apply(self, speeches):
        """``speeches`` (a Speech queryset) narrowed by every filter that is set."""
        if self.event:
            speeches = speeches.filter(event__slug=self.event)
        if self.session:
            speeches = speeches.filter(session__slug=self.session)
        if self.topic:
            speeches = speeches.filter(topics__slug=self.topic)
        if self.speaker:
            speeches = speeches.filter(speakers__slug=self.speaker)
        if self.country:
            speeches = speeches.filter(speakers__country=self.country)
        if self.date_from:
            speeches = speeches.filter(starts_at__date__gte=self.date_from)
        if self.date_to:
            speeches = speeches.filter(starts_at__date__lte=self.date_to)
        return speeches


def in_language(speeches, language: str):
    """Speeches published in ``language`` or spoken in it: one indexed lookup in their
    language rows (rostra.archive.domain.speech_languages keeps them), instead of a test of
    every speech's ``published_languages`` JSON list. One row per (speech, language), so the
    join never repeats a speech."""
    return speeches.filter(language_rows__language=language)
