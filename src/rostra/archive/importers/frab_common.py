"""What frab ``schedule.xml`` and frab/pretalx ``schedule.json`` share: the same concepts
(conference, days, rooms, events with persons) under two syntaxes. The walkers in frab_xml and
frab_json read their syntax and hand plain values to :class:`FrabProgramBuilder`.

Language keys: a talk's title, subtitle, abstract and description are keyed by the talk's
language. Text whose language the program does not state (conference title, room, track, a
person's name) is keyed by its script (see :func:`values.script_language`).
"""

from __future__ import annotations

from datetime import datetime

from rostra.archive.importers.types import (DayData, EventData, Problems, ProgramData, RoomData,
                                            SpeakerData, SpeechData, TopicData)
from rostra.archive.importers.values import (check_zone_name, is_slug, offset_name,
                                             program_language, quoted, script_language, slugify,
                                             zone_for_moment)


def texts(language: str, value: str | dict[str, str] | None) -> dict[str, str]:
    """``{language: value}`` for non-blank text, keeping every character as given; a value
    already given per language (pretalx's multilingual fields) is kept as it is."""
    if isinstance(value, dict):
        return dict(value)
    if value is None or not str(value).strip():
        return {}
    return {language: str(value).strip()}


class FrabProgramBuilder:
    def __init__(self, *, format: str, source: str, problems: Problems):
        self.problems = problems
        self.program = ProgramData(format=format, source=source,
                                   event=EventData(slug="", name={}, timezone=""))
        self.zone_name = ""
        self._rooms: dict[str, RoomData] = {}
        self._topics: dict[str, TopicData] = {}
        self._ids: dict[str, str] = {}
        self._guids: dict[str, str] = {}

    # conference -------------------------------------------------------------------------
    def set_conference(self, *, location: str, acronym: str, title: str, zone_name: str,
                       starts_on, ends_on, url: str = "") -> None:
        event = self.program.event
        event.slug = slugify(acronym, allow_unicode=False)
        if not event.slug:
            self.problems.add(location, f"conference acronym {quoted(acronym)} gives no usable "
                                        "slug; give one with --event SLUG")
        event.name = texts(script_language(title), title)
        event.starts_on, event.ends_on, event.url = starts_on, ends_on, url
        if zone_name:
            try:
                self.zone_name = check_zone_name(zone_name)
            except ValueError as exc:
                self.problems.add(location, str(exc))

    def add_track(self, name: str, color: str = "", names: dict[str, str] | None = None) -> str:
        """The topic slug for a track name, creating the topic on first sight; ``names``
        adds the track's name in other languages."""
        name = (name or "").strip()
        if not name:
            return ""
        slug = slugify(name)
        if not slug:
            return ""
        topic = self._topics.get(slug)
        if topic is None:
            topic = TopicData(slug=slug, name=texts(script_language(name), name))
            self._topics[slug] = topic
            self.program.topics.append(topic)
        if color and not topic.color and len(color) <= 7:
            topic.color = color
        for language, text in (names or {}).items():
            topic.name.setdefault(language, text)
        return slug

    def add_room(self, name: str, names: dict[str, str] | None = None) -> str:
        name = (name or "").strip()
        slug = slugify(name)
        if not slug:
            return ""
        if slug not in self._rooms:
            room = RoomData(slug=slug, name=texts(script_language(name), name),
                            position=len(self._rooms))
            self._rooms[slug] = room
            self.program.rooms.append(room)
        for language, text in (names or {}).items():
            self._rooms[slug].name.setdefault(language, text)
        return slug

    def add_day(self, *, index: int, date, starts_at: datetime | None,
                ends_at: datetime | None) -> None:
        self.program.days.append(DayData(index=index, date=date, starts_at=starts_at,
                                         ends_at=ends_at))

    def add_person(self, *, key: str, name: str, talk_language: str, bio: str = "",
                   language: str = "", photo: str = "") -> str:
        """The person's match key; the same person in several talks (or written in several
        languages, ``language`` naming which) is merged."""
        bio_language = talk_language or script_language(bio if isinstance(bio, str) else "")
        name_language = language or script_language(name, talk_language)
        speaker = SpeakerData(key=key, names=texts(name_language, name),
                              bio=texts(bio_language, bio), photo=photo)
        match = speaker.match_key()
        known = self.program.speakers.get(match)
        if known is None:
            self.program.speakers[match] = speaker
        else:
            for field in ("names", "bio"):
                for language, value in getattr(speaker, field).items():
                    getattr(known, field).setdefault(language, value)
            known.photo = known.photo or photo
        return match

    # events -------------------------------------------------------------------------------
    def add_speech(self, *, location: str, external_id: str, guid: str, starts_at: datetime,
                   duration_ms: int, title: str, language: str | None, slug: str = "",
                   subtitle: str | None = "", abstract: str | None = "",
                   description: str | None = "", room: str = "", track: str | None = "",
                   day=None, persons: list[dict] = (), url: str = "", license: str = "",
                   kind: str = "", translations: dict[str, dict[str, str]] | None = None) -> None:
        """``translations``: per field (title, subtitle, abstract, description, room, track)
        its text in other languages, beside the one in the talk's language."""
        translations = translations or {}
        for seen, value, what in ((self._ids, external_id, "id"), (self._guids, guid, "guid")):
            if value and value in seen:
                self.problems.add(location, f"{what} {quoted(value)} is used twice "
                                            f"(also at {seen[value]})")
                return
            if value:
                seen[value] = location
        talk_language = program_language(language)
        text_language = talk_language or script_language(
            title if isinstance(title, str) else "")
        if slug and not is_slug(slug):
            slug = slugify(slug)
        speakers = [self.add_person(talk_language=talk_language, **person) for person in persons]

        def in_languages(field: str, value) -> dict[str, str]:
            return {**translations.get(field, {}), **texts(text_language, value)}

        self.program.speeches.append(SpeechData(
            location=location, external_id=external_id, guid=guid, slug=slug,
            title=in_languages("title", title), subtitle=in_languages("subtitle", subtitle),
            abstract=in_languages("abstract", abstract),
            description=in_languages("description", description), language=talk_language,
            starts_at=starts_at, timezone=zone_for_moment(starts_at, self.zone_name),
            duration_ms=duration_ms, room=self.add_room(room, translations.get("room")),
            day=day,
            topics=[slug for slug in [self.add_track(track or "",
                                                     names=translations.get("track"))] if slug],
            speakers=list(dict.fromkeys(speakers)), url=url, license=license, kind=kind,
        ))

    def finish(self) -> ProgramData:
        """The program, once every problem has been raised."""
        self.problems.raise_if_any()
        program = self.program
        if not program.speeches:
            self.problems.add("", "the program has no talks")
            self.problems.raise_if_any()
        event = program.event
        if self.zone_name:
            event.timezone = self.zone_name
        else:
            # No zone name (31C3's XML, rC3's JSON): the offset the program wrote its times in.
            first = program.days[0].starts_at if program.days and program.days[0].starts_at \
                else program.speeches[0].starts_at
            event.timezone = offset_name(first)
        if event.starts_on is None:
            event.starts_on = min(s.starts_at for s in program.speeches).date()
        if event.ends_on is None:
            event.ends_on = max(s.starts_at for s in program.speeches).date()
        return program
