"""frab and pretalx ``schedule.json`` (``{"schedule": {"conference": {"days": [...]}}}``).

Checked against what the c3voc schema (shared fixtures: schedule-json-schema.json) requires of
the parts rostra uses: required fields, their types, HH:MM durations, ISO dates with offsets,
integer ids, pretalx person codes. Problems name a JSON path, e.g.
``schedule.conference.days[0].rooms["Saal 1"][3].duration``.
pretalx persons carry a ``code`` (the speaker's stable id there), ``public_name`` and
``biography``; frab persons an integer ``id`` and ``public_name``.
"""

from __future__ import annotations

import json
import re

from rostra.archive.importers.frab_common import FrabProgramBuilder
from rostra.archive.importers.types import ProgramData, ProgramError, Problems
from rostra.core.languages import is_valid_language_code
from rostra.archive.importers.values import (parse_date, parse_date_or_datetime, parse_datetime,
                                             parse_duration, quoted)

PRETALX_CODE = re.compile(r"^[A-Z0-9]+$")
_MISSING = object()


def load_json(data: bytes) -> object:
    """Decode UTF-8 JSON; a syntax error becomes a ProgramError with line and column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProgramError(f"byte {exc.start}", "the file is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        reason = f"not valid JSON: {exc.msg}"
        stripped = text.rstrip()
        if exc.pos >= len(stripped) or not stripped.endswith(("}", "]")):
            reason += " (the file ends too early: is it truncated?)"
        raise ProgramError(f"line {exc.lineno} column {exc.colno}", reason) from None
    except RecursionError:
        raise ProgramError("", "the JSON is nested too deeply to be a program") from None


def parse_schedule_json(data: bytes, *, source: str) -> ProgramData:
    """Read a frab/pretalx ``schedule.json``; raise :class:`ProgramError` with a JSON path."""
    document = load_json(data)
    if not isinstance(document, dict):
        raise ProgramError("", 'the JSON is not an object with a "schedule" key: not a '
                               "frab/pretalx schedule.json")
    problems = Problems()
    check = Checker(problems)
    schedule = check.get(document, "", "schedule", dict)
    if schedule is None:
        problems.raise_if_any()
    conference = check.get(schedule, "schedule", "conference", dict)
    check.get(schedule, "schedule", "version", str)
    if conference is None:
        problems.raise_if_any()
    pretalx = _looks_like_pretalx(conference)
    builder = FrabProgramBuilder(format="pretalx-json" if pretalx else "frab-json",
                                 source=source, problems=problems)
    _read_conference(conference, "schedule.conference", builder, check)
    days = check.get(conference, "schedule.conference", "days", list) or []
    for number, day in enumerate(days):
        _read_day(day, f"schedule.conference.days[{number}]", builder, check)
    if "rooms" in schedule:
        problems.add("schedule.rooms", "rooms belong in schedule.conference.rooms, "
                                       "not in schedule")
    return builder.finish()


def _looks_like_pretalx(conference: dict) -> bool:
    for day in conference.get("days") or []:
        for talks in (day.get("rooms") or {}).values() if isinstance(day, dict) else []:
            for talk in talks if isinstance(talks, list) else []:
                for person in (talk.get("persons") or []) if isinstance(talk, dict) else []:
                    if isinstance(person, dict) and "code" in person:
                        return True
    return False


TYPE_NAMES = {dict: "an object", list: "a list", str: "a string", int: "an integer",
              bool: "true or false"}


class Checker:
    """Typed access to JSON values that records a problem (with its path) for each mismatch."""

    def __init__(self, problems: Problems):
        self.problems = problems

    def get(self, container, path: str, key: str, kind, *, required: bool = True,
            nullable: bool = False):
        where = f"{path}.{key}" if path else key
        if not isinstance(container, dict):
            return None
        value = container.get(key, _MISSING)
        if value is _MISSING or (value is None and not nullable and not required):
            if required:
                self.problems.add(where, f"{key} is missing")
            return None
        if value is None and nullable:
            return None
        if not _is(value, kind):
            self.problems.add(where, f"{quoted(json.dumps(value, ensure_ascii=False))[1:-1]} "
                                     f"is not {TYPE_NAMES[kind]}")
            return None
        return value

    def text(self, container, path, key, *, required=True) -> str:
        value = self.get(container, path, key, str, required=required, nullable=not required)
        return value or ""

    def multilingual(self, container, path, key, *, required=True) -> str | dict[str, str]:
        """A text, or pretalx's multilingual form ``{"en": "…", "fa": "…"}`` (language → text)."""
        if isinstance(container, dict) and isinstance(container.get(key), dict):
            where = f"{path}.{key}" if path else key
            found = {}
            for language, value in container[key].items():
                if not is_valid_language_code(str(language)) or not isinstance(value, str):
                    self.problems.add(where, f"{quoted(str(language))} is not a language code "
                                             "with a text, as in {\"en\": \"…\"}")
                    continue
                if value.strip():
                    found[language] = value.strip()
            if required and not found:
                self.problems.add(where, f"{key} is empty in every language")
            return found
        return self.text(container, path, key, required=required)


def _is(value, kind) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _read_conference(conference: dict, path: str, builder: FrabProgramBuilder,
                     check: Checker) -> None:
    title = check.text(conference, path, "title")
    acronym = check.text(conference, path, "acronym")
    dates = {}
    for key in ("start", "end"):
        value = check.text(conference, path, key)
        dates[key] = None
        if value:
            try:
                dates[key] = parse_date_or_datetime(value, f"conference {key}")
            except ValueError as exc:
                check.problems.add(f"{path}.{key}", str(exc))
    check.get(conference, path, "daysCount", int)
    check.text(conference, path, "timeslot_duration")
    builder.set_conference(location=f"{path}.time_zone_name", acronym=acronym, title=title,
                           zone_name=check.text(conference, path, "time_zone_name",
                                                required=False),
                           starts_on=dates["start"], ends_on=dates["end"],
                           url=check.text(conference, path, "url", required=False))
    for number, track in enumerate(check.get(conference, path, "tracks", list,
                                             required=False) or []):
        where = f"{path}.tracks[{number}]"
        name = check.text(track, where, "name") if isinstance(track, dict) else ""
        color = check.text(track, where, "color", required=False)
        builder.add_track(name, color if isinstance(color, str) else "")
    for number, room in enumerate(check.get(conference, path, "rooms", list,
                                            required=False) or []):
        builder.add_room(check.text(room, f"{path}.rooms[{number}]", "name"))


def _read_day(day, path: str, builder: FrabProgramBuilder, check: Checker) -> None:
    if not isinstance(day, dict):
        check.problems.add(path, "a day is not an object")
        return
    index = check.get(day, path, "index", int)
    date = starts_at = ends_at = None
    for key in ("date", "day_start", "day_end"):
        value = check.text(day, path, key)
        try:
            if key == "date":
                date = parse_date(value, "day date") if value else None
            elif key == "day_start":
                starts_at = parse_datetime(value, "day start") if value else None
            else:
                ends_at = parse_datetime(value, "day end") if value else None
        except ValueError as exc:
            check.problems.add(f"{path}.{key}", str(exc))
    if date is not None and index is not None:
        builder.add_day(index=index, date=date, starts_at=starts_at, ends_at=ends_at)
    rooms = check.get(day, path, "rooms", dict) or {}
    for room_name, talks in rooms.items():
        room_path = f"{path}.rooms[{json.dumps(room_name, ensure_ascii=False)}]"
        if not isinstance(talks, list):
            check.problems.add(room_path, "a room's talks are not a list")
            continue
        for number, talk in enumerate(talks):
            _read_talk(talk, f"{room_path}[{number}]", room_name, date, builder, check)


def _read_talk(talk, path: str, room_name: str, day_date, builder: FrabProgramBuilder,
               check: Checker) -> None:
    if not isinstance(talk, dict):
        check.problems.add(path, "a talk is not an object")
        return
    before = len(check.problems.items)
    external_id = check.get(talk, path, "id", int)
    if external_id is not None and external_id < 1:
        check.problems.add(f"{path}.id", f"id {external_id} is not a positive integer")
    guid = check.text(talk, path, "guid")
    title = check.multilingual(talk, path, "title")
    if isinstance(title, str) and not title.strip() and isinstance(talk.get("title"), str):
        check.problems.add(f"{path}.title", "title is empty")
    starts_at = duration_ms = None
    date_text = check.text(talk, path, "date")
    if date_text:
        try:
            starts_at = parse_datetime(date_text, "date")
        except ValueError as exc:
            check.problems.add(f"{path}.date", str(exc))
    duration_text = check.text(talk, path, "duration")
    if duration_text:
        try:
            duration_ms = parse_duration(duration_text)
        except ValueError as exc:
            check.problems.add(f"{path}.duration", str(exc))
    optional = {key: check.text(talk, path, key, required=False)
                for key in ("slug", "track", "type", "url", "recording_license", "language",
                            "room")}
    optional |= {key: check.multilingual(talk, path, key, required=False)
                 for key in ("subtitle", "abstract", "description")}
    check.get(talk, path, "do_not_record", bool, required=False, nullable=True)
    persons = []
    for number, person in enumerate(check.get(talk, path, "persons", list) or []):
        read = _read_person(person, f"{path}.persons[{number}]", check)
        if read:
            persons.append(read)
    if len(check.problems.items) > before:
        return
    builder.add_speech(
        location=path, external_id=str(external_id), guid=guid, starts_at=starts_at,
        duration_ms=duration_ms, title=title, language=optional["language"],
        slug=optional["slug"].strip(), subtitle=optional["subtitle"],
        abstract=optional["abstract"], description=optional["description"],
        room=optional["room"].strip() or room_name, track=optional["track"], day=day_date,
        persons=persons, url=optional["url"].strip(),
        license=optional["recording_license"].strip(), kind=optional["type"].strip(),
    )


def _read_person(person, path: str, check: Checker) -> dict | None:
    if not isinstance(person, dict):
        check.problems.add(path, "a person is not an object")
        return None
    name = (check.text(person, path, "public_name", required=False)
            or check.text(person, path, "name", required=False)).strip()
    person_id = check.get(person, path, "id", int, required=False)
    code = check.text(person, path, "code", required=False)
    if code and not PRETALX_CODE.match(code):
        check.problems.add(f"{path}.code", f"pretalx code {quoted(code)} is not uppercase "
                                           "letters and digits")
    guid = check.text(person, path, "guid", required=False)
    if not name:
        check.problems.add(path, "the person has neither public_name nor name")
        return None
    # pretalx's code is the speaker's stable identity there; frab has only the integer id.
    key = code or (str(person_id) if person_id is not None else "") or guid
    # pretalx gives the photo as a URL (or null); rostra fetches it once at import.
    avatar = check.text(person, path, "avatar", required=False).strip()
    return {"key": key, "name": name, "photo": avatar,
            "bio": check.multilingual(person, path, "biography", required=False)}
