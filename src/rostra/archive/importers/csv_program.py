"""rostra's CSV program: one row per speech, documented in docs/program-csv.md.

The column names are a contract (docs, the demo program and organizers' spreadsheets use them).
Problems are reported by the line a row starts on (a quoted cell may span lines), e.g.
``line 14: duration "1:6x" is not HH:MM, HH:MM:SS or whole minutes``.
"""

from __future__ import annotations

import csv
import io
import re
import zoneinfo
from datetime import timedelta

from rostra.archive.importers.types import (DayData, EventData, Problems, ProgramData,
                                            ProgramError, RoomData, SessionData, SpeakerData,
                                            SpeechData, TopicData)
from rostra.archive.importers.values import (COUNTRY_CODE, check_language,
                                             check_zone_name, control_character, is_slug,
                                             offset_name, parse_datetime, parse_duration,
                                             quoted, script_language, slugify, zone_for_moment)

FORMAT = "csv"
REQUIRED = ("id", "language", "start", "duration")
SINGLE = {"id", "language", "start", "duration", "event", "event_timezone", "guid", "slug",
          "room", "session", "topics", "speaker_ids", "speaker_countries", "speaker_regions",
          "speaker_photos",
          "url", "license", "type"}
PER_LANGUAGE = ("title", "subtitle", "abstract", "description", "event_name", "topics",
                "speakers", "speaker_affiliations", "speaker_bios", "speaker_regions", "room",
                "session")
PER_LANGUAGE_COLUMN = re.compile(r"^(%s)_([a-z]{2,3})$" % "|".join(PER_LANGUAGE))
PRIVATE_PREFIX = "x_"  # organizers' own columns, kept out of the import
MAX_LENGTHS = {"id": 200, "guid": 200, "slug": 200, "url": 500, "license": 100, "type": 50,
               "speaker_regions": 200}


def parse_csv_program(data: bytes, *, source: str) -> ProgramData:
    """Read a CSV program; raise :class:`ProgramError` listing the rows that are wrong."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ProgramError(f"line {line}", f"byte 0x{data[exc.start]:02x} is not UTF-8; save "
                                           "the file as CSV UTF-8") from None
    if not text.strip():
        raise ProgramError("", "the file is empty")
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = "\t" if "\t" in first_line else ";" if ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems = Problems()
    try:
        header = [name.strip() for name in next(reader)]
    except csv.Error as exc:
        raise ProgramError("line 1", f"the header row cannot be read: {exc}") from None
    columns = _check_header(header, problems)
    problems.raise_if_any()
    builder = _CsvBuilder(source=source, columns=columns, problems=problems)
    start_line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ProgramError(f"line {start_line}",
                               f"the row cannot be read as CSV: {exc}") from None
        location = f"line {start_line}"
        start_line = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.add(location, f"the row has {len(row)} cells but the header has "
                                   f"{len(header)}; quote cells that contain {delimiter!r}")
            continue
        builder.add_row(location, dict(zip(header, row)))
    return builder.finish()


def _check_header(header: list[str], problems: Problems) -> dict[str, list[str]]:
    """Which languages each per-language column comes in: ``{"title": ["fa", "en"], ...}``."""
    columns: dict[str, list[str]] = {kind: [] for kind in PER_LANGUAGE}
    known = [name for name in header if name in SINGLE or PER_LANGUAGE_COLUMN.match(name)]
    if not known:
        problems.add("line 1", "the first line is not a program's header: it names none of "
                               "the columns id, title_<lang>, language, start, duration "
                               "(see docs/program-csv.md)")
        return columns
    seen = set()
    for number, name in enumerate(header, 1):
        if not name:
            problems.add("line 1", f"column {number} has no name")
        elif name in seen:
            problems.add("line 1", f"column {quoted(name)} appears twice")
        elif name.startswith(PRIVATE_PREFIX) or name in SINGLE:
            pass
        elif match := PER_LANGUAGE_COLUMN.match(name):
            columns[match[1]].append(match[2])
        else:
            problems.add("line 1", f"unknown column {quoted(name)}; see docs/program-csv.md "
                                   f"(prefix your own columns with {PRIVATE_PREFIX})")
        seen.add(name)
    missing = [name for name in REQUIRED if name not in seen]
    if not columns["title"]:
        missing.append("title_<language> (e.g. title_en)")
    if missing:
        problems.add("line 1", "missing required column" + ("s " if len(missing) > 1 else " ")
                     + ", ".join(missing))
    return columns


def _split(cell: str) -> list[str]:
    """``"a; b;c"`` → ``["a", "b", "c"]``; an empty cell is no items."""
    if not cell.strip():
        return []
    return [item.strip() for item in cell.split(";")]


class _RowProblem(ValueError):
    pass


class _CsvBuilder:
    def __init__(self, *, source: str, columns: dict[str, list[str]], problems: Problems):
        self.columns = columns
        self.problems = problems
        self.program = ProgramData(format=FORMAT, source=source,
                                   event=EventData(slug="", name={}, timezone=""))
        self.event_first_line: dict[str, tuple[str, str]] = {}
        self.rooms: dict[str, RoomData] = {}
        self.sessions: dict[str, SessionData] = {}
        self.topics: dict[str, TopicData] = {}
        self.unique: dict[str, dict[str, str]] = {"id": {}, "guid": {}, "slug": {}}

    def add_row(self, location: str, row: dict[str, str]) -> None:
        try:
            self._add_row(location, row)
        except _RowProblem as exc:
            self.problems.add(location, str(exc))

    def _add_row(self, location: str, row: dict[str, str]) -> None:
        for name, cell in row.items():
            bad = control_character(cell)
            if bad:
                raise _RowProblem(f"column {name} holds the control character {bad}; "
                                  "remove it")
        row = {name: cell.strip() for name, cell in row.items()
               if not name.startswith(PRIVATE_PREFIX)}
        for name, limit in MAX_LENGTHS.items():
            if len(row.get(name, "")) > limit:
                raise _RowProblem(f"{name} is longer than {limit} characters")
        for name in ("event", "event_timezone"):
            self._same_everywhere(location, name, row.get(name, ""))
        for language in self.columns["event_name"]:
            self._same_everywhere(location, f"event_name_{language}",
                                  row.get(f"event_name_{language}", ""))
        external_id = row["id"]
        if not external_id:
            raise _RowProblem("id is empty; every row needs the speech's id")
        for key in ("id", "guid", "slug"):
            value = row.get(key, "")
            if value and value in self.unique[key]:
                raise _RowProblem(f"{key} {quoted(value)} is used twice "
                                  f"(also on {self.unique[key][value]})")
        slug = row.get("slug", "")
        if slug and not is_slug(slug):
            raise _RowProblem(f"slug {quoted(slug)} may hold only letters, digits, - and _")
        url = row.get("url", "")
        if url and not re.match(r"^https?://\S+$", url):
            raise _RowProblem(f"url {quoted(url)} is not an http:// or https:// address")
        title = self._texts(row, "title")
        if not title:
            raise _RowProblem("every title_<language> cell is empty; give at least one title")
        try:
            language = check_language(row["language"].lower(), "language")
            starts_at = parse_datetime(row["start"], "start")
            duration_ms = parse_duration(row["duration"], seconds_and_minutes=True)
        except ValueError as exc:
            raise _RowProblem(str(exc)) from None
        room = self._room(row.get("room", ""), self._texts(row, "room"))
        topics = self._topics(row)
        speakers = self._speakers(row, language)
        for key in ("id", "guid", "slug"):
            if row.get(key):
                self.unique[key][row[key]] = location
        speech = SpeechData(
            location=location, external_id=external_id, guid=row.get("guid", ""), slug=slug,
            title=title, subtitle=self._texts(row, "subtitle"),
            abstract=self._texts(row, "abstract"),
            description=self._texts(row, "description"), language=language,
            starts_at=starts_at, timezone="", duration_ms=duration_ms, room=room,
            topics=topics, speakers=speakers, url=url, license=row.get("license", ""),
            kind=row.get("type", ""),
        )
        speech.session = self._session(row.get("session", ""), speech,
                                       self._texts(row, "session"))
        self.program.speeches.append(speech)

    def _same_everywhere(self, location: str, name: str, value: str) -> None:
        """Event columns describe the one event: a second, different value is a mistake."""
        if not value:
            return
        first = self.event_first_line.setdefault(name, (value, location))
        if first[0] != value:
            raise _RowProblem(f"{name} {quoted(value)} differs from {quoted(first[0])} on "
                              f"{first[1]}; one file holds one event")

    def _texts(self, row: dict[str, str], kind: str) -> dict[str, str]:
        return {language: row[f"{kind}_{language}"] for language in self.columns[kind]
                if row.get(f"{kind}_{language}")}

    def _room(self, name: str, names: dict[str, str]) -> str:
        """The room's slug (from ``room``, else its first ``room_<lang>`` name)."""
        name = name or next(iter(names.values()), "")
        slug = slugify(name)
        if name and not slug:
            raise _RowProblem(f"room {quoted(name)} has no letters or digits")
        if slug and slug not in self.rooms:
            self.rooms[slug] = RoomData(slug=slug, name={script_language(name): name},
                                        position=len(self.rooms))
        if slug:
            self.rooms[slug].name.update(names)
        return slug

    def _session(self, name: str, speech: SpeechData, names: dict[str, str]) -> str:
        """The session's slug (from ``session``, else its first ``session_<lang>`` title)."""
        name = name or next(iter(names.values()), "")
        slug = slugify(name)
        if name and not slug:
            raise _RowProblem(f"session {quoted(name)} has no letters or digits")
        if not slug:
            return ""
        ends_at = speech.starts_at + timedelta(milliseconds=speech.duration_ms)
        session = self.sessions.get(slug)
        if session is None:
            session = self.sessions[slug] = SessionData(
                slug=slug, title={script_language(name): name}, room=speech.room,
                starts_at=speech.starts_at, ends_at=ends_at)
        session.title.update(names)
        session.starts_at = min(session.starts_at, speech.starts_at)
        session.ends_at = max(session.ends_at, ends_at)
        return slug

    def _topics(self, row: dict[str, str]) -> list[str]:
        english = _split(row.get("topics", ""))
        by_language = {language: _split(row.get(f"topics_{language}", ""))
                       for language in self.columns["topics"]}
        lists = {"topics": english} | {f"topics_{lang}": items
                                       for lang, items in by_language.items()}
        count = _aligned_count(lists)
        slugs = []
        for position in range(count):
            names = {lang: items[position] for lang, items in by_language.items()
                     if items and items[position]}
            if english and english[position]:
                names = {"en": english[position], **names}
            if not names:
                raise _RowProblem(f"topic {position + 1} has no name in any column")
            slug = slugify(next(iter(names.values())))
            if not slug:
                raise _RowProblem(f"topic {quoted(next(iter(names.values())))} has no letters "
                                  "or digits")
            topic = self.topics.setdefault(slug, TopicData(slug=slug, name={}))
            for lang, name in names.items():
                topic.name.setdefault(lang, name)
            slugs.append(slug)
        return list(dict.fromkeys(slugs))

    def _speakers(self, row: dict[str, str], talk_language: str) -> list[str]:
        names = {lang: _split(row.get(f"speakers_{lang}", ""))
                 for lang in self.columns["speakers"]}
        affiliations = {lang: _split(row.get(f"speaker_affiliations_{lang}", ""))
                        for lang in self.columns["speaker_affiliations"]}
        bios = {lang: _split(row.get(f"speaker_bios_{lang}", ""))
                for lang in self.columns["speaker_bios"]}
        region_names = {lang: _split(row.get(f"speaker_regions_{lang}", ""))
                        for lang in self.columns["speaker_regions"]}
        ids = _split(row.get("speaker_ids", ""))
        countries = _split(row.get("speaker_countries", "").upper())
        regions = _split(row.get("speaker_regions", ""))
        photos = _split(row.get("speaker_photos", ""))
        lists = ({f"speakers_{lang}": items for lang, items in names.items()}
                 | {f"speaker_affiliations_{lang}": items
                    for lang, items in affiliations.items()}
                 | {f"speaker_bios_{lang}": items for lang, items in bios.items()}
                 | {f"speaker_regions_{lang}": items for lang, items in region_names.items()}
                 | {"speaker_ids": ids, "speaker_countries": countries,
                    "speaker_regions": regions, "speaker_photos": photos})
        count = _aligned_count(lists)
        keys = []
        for position in range(count):
            speaker = SpeakerData(
                key=ids[position] if ids else "",
                names={lang: items[position] for lang, items in names.items()
                       if items and items[position]},
                country=countries[position] if countries else "",
                region=regions[position] if regions else "",
                photo=photos[position] if photos else "",
                affiliation={lang: items[position] for lang, items in affiliations.items()
                             if items and items[position]},
                bio={lang: items[position] for lang, items in bios.items()
                     if items and items[position]},
                region_names={lang: items[position] for lang, items in region_names.items()
                              if items and items[position]},
            )
            if not speaker.region and speaker.region_names:
                # Only per-language columns: the country page still needs one key to filter by.
                speaker.region = speaker.region_names.get(
                    talk_language, next(iter(speaker.region_names.values())))
            if not speaker.names:
                raise _RowProblem(f"speaker {position + 1} has no name in any speakers_<lang> "
                                  "column")
            if speaker.country and not COUNTRY_CODE.match(speaker.country):
                raise _RowProblem(f"speaker country {quoted(speaker.country)} is not an "
                                  "ISO 3166 alpha-2 code such as IR, EG or DE")
            if len(speaker.key) > 200:
                raise _RowProblem("a speaker id is longer than 200 characters")
            match = speaker.match_key()
            known = self.program.speakers.setdefault(match, speaker)
            if known is not speaker:
                # The first row that names a person wins; later rows only fill gaps.
                for field in ("names", "affiliation", "bio", "region_names"):
                    for lang, value in getattr(speaker, field).items():
                        getattr(known, field).setdefault(lang, value)
                known.country = known.country or speaker.country
                known.region = known.region or speaker.region
                known.photo = known.photo or speaker.photo
            keys.append(match)
        return list(dict.fromkeys(keys))

    def finish(self) -> ProgramData:
        self.problems.raise_if_any()
        program = self.program
        if not program.speeches:
            raise ProgramError("", "the file has a header but no rows")
        event = program.event
        event.slug, event_line = self.event_first_line.get("event", ("", ""))
        if event.slug and not re.match(r"^[a-z0-9][a-z0-9_-]{0,99}$", event.slug):
            raise ProgramError(event_line, f"event {quoted(event.slug)} is not a slug: use "
                                           "lowercase ASCII letters, digits, - and _")
        event.name = {lang: self.event_first_line[f"event_name_{lang}"][0]
                      for lang in self.columns["event_name"]
                      if f"event_name_{lang}" in self.event_first_line}
        zone = self.event_first_line.get("event_timezone")
        if zone:
            try:
                event.timezone = check_zone_name(zone[0])
            except ValueError as exc:
                raise ProgramError(zone[1], str(exc)) from None
        else:
            event.timezone = offset_name(program.speeches[0].starts_at)
        tzinfo = (zoneinfo.ZoneInfo(event.timezone) if zone
                  else program.speeches[0].starts_at.tzinfo)
        for speech in program.speeches:
            speech.timezone = zone_for_moment(speech.starts_at, zone[0] if zone else "")
            speech.day = speech.starts_at.astimezone(tzinfo).date()
        dates = sorted({speech.day for speech in program.speeches})
        program.days = [DayData(index=number, date=day) for number, day in enumerate(dates, 1)]
        for session in self.sessions.values():
            session.day = session.starts_at.astimezone(tzinfo).date()
        event.starts_on, event.ends_on = dates[0], dates[-1]
        program.rooms = list(self.rooms.values())
        program.sessions = list(self.sessions.values())
        program.topics = list(self.topics.values())
        return program


def _aligned_count(lists: dict[str, list[str]]) -> int:
    """How many items the ``;``-separated columns hold; they must agree where not empty."""
    given = {name: items for name, items in lists.items() if items}
    counts = {len(items) for items in given.values()}
    if len(counts) > 1:
        detail = ", ".join(f"{name} has {len(items)}" for name, items in given.items())
        raise _RowProblem(f"the ;-separated columns do not line up ({detail}); give each "
                          "item in the same position in every column")
    return counts.pop() if counts else 0

