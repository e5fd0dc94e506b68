"""frab / pentabarf ``schedule.xml`` (the format of the CCC Fahrplan and many others).

Layout: ``<schedule><conference>…</conference><day><room><event>…`` (see the XSD in the shared
fixtures). Multilingual programs repeat an event's ``<title>``, ``<subtitle>``, ``<abstract>``,
``<description>``, ``<room>``, ``<track>`` and ``<person>`` with an ``xml:lang`` attribute
(``<title xml:lang="fa">…</title>``); the element without one is in the talk's language
(docs/program-formats.md). Problems are reported by line number, e.g. ``line 212 (event 6561): duration "1:6x"
is not HH:MM``.
"""

from __future__ import annotations

from rostra.archive.importers.frab_common import FrabProgramBuilder
from rostra.archive.importers.types import ProgramData, ProgramError, Problems
from rostra.archive.importers.values import (parse_date, parse_date_or_datetime, parse_datetime,
                                             parse_duration, quoted)
from rostra.archive.importers.xmltree import Element, XMLRefused, parse_xml

FORMAT = "frab-xml"


def parse_frab_xml(data: bytes, *, source: str) -> ProgramData:
    """Read a frab ``schedule.xml``; raise :class:`ProgramError` at the first bad element."""
    try:
        root = parse_xml(data)
    except XMLRefused as exc:
        raise ProgramError(f"line {exc.line}", exc.reason) from None
    if root.tag != "schedule":
        raise ProgramError(f"line {root.line}", f"the root element is <{root.tag}>, not "
                                                 "<schedule>: this is not a frab schedule.xml")
    problems = Problems()
    builder = FrabProgramBuilder(format=FORMAT, source=source, problems=problems)
    conference = root.find("conference")
    if conference is None:
        raise ProgramError(f"line {root.line}", "<schedule> has no <conference> element")
    _read_conference(conference, builder, problems)
    days = root.findall("day")
    if not days:
        problems.add(f"line {root.line}", "<schedule> has no <day> elements")
    for day in days:
        _read_day(day, builder, problems)
    return builder.finish()


def _by_language(parent: Element, tag: str) -> tuple[str, dict[str, str]]:
    """The unlabelled ``<tag>``'s text, and the ``xml:lang`` labelled ones by language."""
    plain, labelled = "", {}
    for element in parent.findall(tag):
        language = element.attrib.get("xml:lang", "").strip().lower()
        if language:
            if element.text.strip():
                labelled.setdefault(language, element.text.strip())
        elif not plain:
            plain = element.text
    return plain, labelled


def _where(element: Element, label: str = "") -> str:
    return f"line {element.line}" + (f" ({label})" if label else "")


def _read_conference(conference: Element, builder: FrabProgramBuilder,
                     problems: Problems) -> None:
    where = _where(conference, "conference")
    title = conference.findtext("title").strip()
    acronym = conference.findtext("acronym").strip()
    if not title:
        problems.add(where, "the conference has no <title>")
    if not acronym:
        problems.add(where, "the conference has no <acronym>")
    dates = {}
    for tag in ("start", "end"):
        element = conference.find(tag)
        dates[tag] = None
        if element is not None and element.text.strip():
            try:
                dates[tag] = parse_date_or_datetime(element.text, f"conference {tag}")
            except ValueError as exc:
                problems.add(_where(element), str(exc))
    builder.set_conference(location=where, acronym=acronym, title=title,
                           zone_name=conference.findtext("time_zone_name").strip(),
                           starts_on=dates["start"], ends_on=dates["end"],
                           url=conference.findtext("url").strip()
                           or conference.findtext("base_url").strip())
    for track in conference.findall("track"):
        builder.add_track(track.attrib.get("name", ""), track.attrib.get("color", ""))


def _read_day(day: Element, builder: FrabProgramBuilder, problems: Problems) -> None:
    where = _where(day, "day")
    try:
        date = parse_date(day.attrib.get("date", ""), "day date")
        index = int(day.attrib.get("index", ""))
        starts_at = parse_datetime(day.attrib.get("start", ""), "day start")
        ends_at = parse_datetime(day.attrib.get("end", ""), "day end")
    except ValueError as exc:
        reason = str(exc)
        if "invalid literal" in reason:
            reason = f"day index {quoted(day.attrib.get('index', ''))} is not a whole number"
        problems.add(where, reason)
        return
    builder.add_day(index=index, date=date, starts_at=starts_at, ends_at=ends_at)
    for room in day.findall("room"):
        for event in room.findall("event"):
            _read_event(event, room.attrib.get("name", ""), date, builder, problems)


def _read_event(event: Element, room_name: str, day_date, builder: FrabProgramBuilder,
                problems: Problems) -> None:
    external_id = event.attrib.get("id", "").strip()
    where = _where(event, f"event {external_id}" if external_id else "event")
    if not external_id:
        problems.add(where, "the event has no id attribute")
        return
    guid = event.attrib.get("guid", "").strip()
    title, title_in = _by_language(event, "title")
    title = title.strip()
    if not title and not title_in:
        problems.add(where, "the event has no <title>")
        return
    try:
        date_element = event.find("date")
        if date_element is None:
            raise ValueError("the event has no <date> (its start, with a UTC offset)")
        starts_at = parse_datetime(date_element.text, "date")
        duration_ms = parse_duration(event.findtext("duration"))
    except ValueError as exc:
        problems.add(where, str(exc))
        return
    persons = []
    persons_element = event.find("persons")
    for person in persons_element.findall("person") if persons_element is not None else []:
        name = person.text.strip()
        if not name:
            problems.add(_where(person, "person"), "a <person> has no name")
            continue
        key = person.attrib.get("id", "") or person.attrib.get("guid", "")
        persons.append({"key": key.strip(), "name": name,
                        "language": person.attrib.get("xml:lang", "").strip().lower()})
    recording = event.find("recording")
    subtitle, subtitle_in = _by_language(event, "subtitle")
    abstract, abstract_in = _by_language(event, "abstract")
    description, description_in = _by_language(event, "description")
    room, room_in = _by_language(event, "room")
    track, track_in = _by_language(event, "track")
    builder.add_speech(
        location=where, external_id=external_id, guid=guid, starts_at=starts_at,
        duration_ms=duration_ms, title=title, language=event.findtext("language"),
        slug=event.findtext("slug").strip(), subtitle=subtitle,
        abstract=abstract, description=description,
        room=room.strip() or room_name, track=track,
        translations={"title": title_in, "subtitle": subtitle_in, "abstract": abstract_in,
                      "description": description_in, "room": room_in, "track": track_in},
        day=day_date, persons=persons, url=event.findtext("url").strip(),
        license=recording.findtext("license").strip() if recording is not None else "",
        kind=event.findtext("type").strip(),
    )
