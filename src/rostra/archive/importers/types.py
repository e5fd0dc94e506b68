"""What a program parser hands to the import: plain dataclasses, no Django.

Every parser (frab XML, frab/pretalx JSON, CSV) turns a file into one :class:`ProgramData`, or
raises :class:`ProgramError` naming where the first problem is (a line, an element, a JSON path)
and why. Multilingual text is a dict ``{language: text}`` as in the models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: where (``line 14``, ``schedule.conference.days[0]``) and why."""

    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}" if self.location else self.reason


class ProgramError(Exception):
    """The file cannot be imported. Holds every problem found (the first one leads the message)."""

    def __init__(self, location: str, reason: str, *, problems: list[Problem] | None = None):
        self.problems = problems or [Problem(location, reason)]
        self.location = self.problems[0].location
        self.reason = self.problems[0].reason
        super().__init__(str(self.problems[0]))


class Problems:
    """Collects problems while a parser goes on, so one run shows many mistakes, not just one."""

    LIMIT = 100

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, location: str, reason: str) -> None:
        self.items.append(Problem(location, reason))
        if len(self.items) >= self.LIMIT:
            self.raise_if_any()

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            first = self.items[0]
            raise ProgramError(first.location, first.reason, problems=list(self.items))


@dataclass
class SpeakerData:
    """A person as the program gives them; ``key`` is their id in the program, or "" if none."""

    key: str
    names: dict[str, str]
    country: str = ""
    region: str = ""  # the program's spelling: the key the country page filters by
    region_names: dict[str, str] = field(default_factory=dict)  # language → region, for readers
    affiliation: dict[str, str] = field(default_factory=dict)
    bio: dict[str, str] = field(default_factory=dict)
    photo: str = ""  # a URL or a file next to the program, as the program gives it
    photo_path: str = ""  # where the import stored it (rostra.archive.domain.speaker_photos)

    def match_key(self) -> str:
        """Who this is within one program: the id, else the first name given."""
        if self.key:
            return "id:" + self.key
        return "name:" + next(iter(self.names.values()), "")


@dataclass
class TopicData:
    slug: str
    name: dict[str, str]
    color: str = ""


@dataclass
class RoomData:
    slug: str
    name: dict[str, str]
    position: int = 0


@dataclass
class DayData:
    index: int
    date: date
    starts_at: datetime | None = None
    ends_at: datetime | None = None


@dataclass
class SessionData:
    slug: str
    title: dict[str, str]
    room: str = ""  # RoomData.slug
    day: date | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


@dataclass
class SpeechData:
    """One speech of the program. ``location`` says where it is in the file, for messages."""

    location: str
    external_id: str
    title: dict[str, str]
    starts_at: datetime
    timezone: str
    duration_ms: int
    guid: str = ""
    slug: str = ""
    language: str = ""
    subtitle: dict[str, str] = field(default_factory=dict)
    abstract: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    room: str = ""  # RoomData.slug
    session: str = ""  # SessionData.slug
    day: date | None = None  # DayData.date
    topics: list[str] = field(default_factory=list)  # TopicData.slug, in order
    speakers: list[str] = field(default_factory=list)  # SpeakerData.match_key(), in order
    url: str = ""
    license: str = ""
    kind: str = ""


@dataclass
class EventData:
    slug: str
    name: dict[str, str]
    timezone: str
    starts_on: date | None = None
    ends_on: date | None = None
    url: str = ""
    description: dict[str, str] = field(default_factory=dict)


@dataclass
class ProgramData:
    """A whole program: one event and everything in it, in the program's order."""

    format: str  # "frab-xml", "frab-json", "pretalx-json", "csv"
    source: str  # the file's name, for messages
    event: EventData
    days: list[DayData] = field(default_factory=list)
    rooms: list[RoomData] = field(default_factory=list)
    sessions: list[SessionData] = field(default_factory=list)
    topics: list[TopicData] = field(default_factory=list)
    speakers: dict[str, SpeakerData] = field(default_factory=dict)  # by match_key()
    speeches: list[SpeechData] = field(default_factory=list)
