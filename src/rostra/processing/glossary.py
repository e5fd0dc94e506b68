"""A speech's glossary: its speakers, topics, room and city from the program, plus the terms
editors added to its event (rostra.glossary).

Each program record already holds its name per language (``Speaker.names``, ``Topic.name``,
``Room.name``, ``Event.city``), so the glossary needs no typing by hand to start with.
"""

from __future__ import annotations

from rostra.archive.models import Event, Speech
from rostra.glossary.models import GlossaryEntry
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
    found += [_term(entry.spellings, "editor")
              for entry in GlossaryEntry.objects.filter(event_id=speech.event_id)]
    return _unique(found)


def event_glossary(event: Event, *, include_editor_terms: bool = True) -> list[GlossaryTerm]:
    """Every program name of ``event`` (all its speakers, topics, rooms, its city)."""
    found = [_term(speaker.names, "speaker") for speaker in event.speakers.all()]
    found += [_term(topic.name, "topic") for topic in event.topics.all()]
    found += [_term(room.name, "room") for room in event.rooms.all()]
    found.append(_term(event.city, "city"))
    if include_editor_terms:
        found += [_term(entry.spellings, "editor") for entry in event.glossary_entries.all()]
    return _unique(found)


def _unique(found: list[GlossaryTerm | None]) -> list[GlossaryTerm]:
    unique, seen = [], set()
    for term in found:
        key = tuple(sorted(term.spellings.items())) if term else None
        if term is not None and key not in seen:
            seen.add(key)
            unique.append(term)
    return unique
