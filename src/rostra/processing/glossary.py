"""A speech's glossary, built from the program: its speakers, topics, room, session and city.

Each program record already holds its name per language (``Speaker.names``, ``Topic.name``,
``Room.name``, ``Event.city``), so the glossary needs no typing by hand to start with; the
speech's title goes to recognition as context only (a title is a phrase, not a name to protect).
"""

from __future__ import annotations

from rostra.archive.models import Speech
from rostra.pipeline.glossary import GlossaryTerm


def _term(spellings: dict, kind: str) -> GlossaryTerm | None:
    clean = {language: str(text).strip() for language, text in (spellings or {}).items()
             if isinstance(text, str) and text.strip()}
    return GlossaryTerm(clean, kind) if clean else None


def speech_glossary(speech: Speech) -> list[GlossaryTerm]:
    """Names a speech is likely to contain, with their spelling per language."""
    found = [_term(speaker.names, "speaker") for speaker in speech.speakers.all()]
    found += [_term(topic.name, "topic") for topic in speech.topics.all()]
    if speech.room_id:
        found.append(_term(speech.room.name, "room"))
    found.append(_term(speech.event.city, "city"))
    unique, seen = [], set()
    for term in found:
        key = tuple(sorted(term.spellings.items())) if term else None
        if term is not None and key not in seen:
            seen.add(key)
            unique.append(term)
    return unique
