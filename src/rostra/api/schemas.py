"""What the API reads and writes (pydantic schemas; they also make the OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.conf import settings
from ninja import Field, Schema

from rostra.processing.domain import STAGE_ASR, TRANSLATE_PREFIX

# language code → text; bounded so the schema says what the database takes
Texts = dict[Annotated[str, Field(min_length=2, max_length=8)],
             Annotated[str, Field(max_length=20_000)]]
# Every stage name the server accepts, so the schema lists them (an enum) and a typo is a 422.
StageName = Literal[(STAGE_ASR, "translate",
                     *(TRANSLATE_PREFIX + code for code in settings.ROSTRA_LANGUAGES))]


class Page(Schema):
    count: int = Field(description="items matching the filters, on every page")
    limit: int
    offset: int


class EventOut(Schema):
    slug: str
    name: Texts
    description: Texts
    starts_on: date | None
    ends_on: date | None
    venue: Texts
    city: Texts
    timezone: str
    languages: list[str]
    url: str
    updated_at: datetime


class EventPage(Page):
    items: list[EventOut]


class SessionOut(Schema):
    slug: str
    event: str
    title: Texts
    room: str | None
    day: date | None
    starts_at: datetime | None
    ends_at: datetime | None


class SessionPage(Page):
    items: list[SessionOut]


class TopicOut(Schema):
    slug: str
    event: str
    name: Texts
    color: str


class TopicPage(Page):
    items: list[TopicOut]


class SpeakerOut(Schema):
    slug: str
    event: str
    names: Texts
    country: str
    affiliation: Texts
    bio: Texts


class SpeakerPage(Page):
    items: list[SpeakerOut]


class MediaOut(Schema):
    sha256: str
    size: int
    mime_type: str
    duration_ms: int | None
    has_video: bool
    original_name: str


class RenditionOut(Schema):
    name: str = Field(description="mp4-360, opus, mp3, poster, thumbnails, thumbnails-vtt, "
                                  "hls-360")
    kind: str = Field(description="video, audio, poster, thumbnails, thumbnails-vtt, hls")
    language: str = Field(description="empty for the floor recording; else the language of "
                                      "the interpreter's audio track it was made from")
    url: str = Field(description="where the site serves it (Range requests supported)")
    mime_type: str
    size: int = Field(description="bytes (for HLS, the playlist and its segments together)")
    width: int
    height: int
    duration_ms: int


class AudioTrackOut(Schema):
    language: str
    interpretation: bool = Field(description="spoken by a human interpreter, not the speaker")


class TranscriptInfo(Schema):
    id: int
    language: str
    origin: Literal["asr", "mt", "human", "interpretation"] = Field(
        description="asr: speech recognition of the speaker; interpretation: speech "
                    "recognition of a human interpreter's audio track; mt: machine "
                    "translation; human: written by a person")
    machine: bool = Field(description="made by speech recognition or machine translation")
    approved: bool = Field(description="a person approved it")
    engine: str
    model: str
    source_language: str | None = Field(description="set when it is a translation")
    revision: int
    flags: list[str]
    updated_at: datetime


class SpeechSummary(Schema):
    slug: str
    event: str
    title: Texts
    subtitle: Texts
    original_language: str
    state: str
    starts_at: datetime | None
    duration_ms: int | None
    session: str | None
    room: str | None
    topics: list[str]
    speakers: list[str]
    published_languages: list[str]
    published_at: datetime | None
    updated_at: datetime


class SpeechPage(Page):
    items: list[SpeechSummary]


class SpeechOut(SpeechSummary):
    abstract: Texts
    description: Texts
    kind: str
    url: str
    license: str
    failure_reason: str
    media: MediaOut | None
    audio_tracks: list[AudioTrackOut]
    renditions: list[RenditionOut] = Field(
        description="web versions of the recording and of each audio track")
    transcripts: list[TranscriptInfo]


class SegmentOut(Schema):
    start_ms: int
    end_ms: int
    text: str
    reviewed: bool
    stale: bool


class TranscriptOut(TranscriptInfo):
    speech: str
    segments: list[SegmentOut]


class SearchMatchOut(Schema):
    kind: str
    language: str
    field: str
    start: float | None
    end: float | None
    snippet: str
    score: float


class SearchHitOut(Schema):
    slug: str
    title: str
    language: str
    score: float
    matches: list[SearchMatchOut]


class SearchOut(Schema):
    query: str
    mode: str
    total: int
    page: int
    per_page: int
    hits: list[SearchHitOut]
    notices: list[str]  # worded in the request's language
    notice_codes: list[str]  # the same, as codes (rostra.search.notices) for programs


class SpeechCreate(Schema):
    event: str = Field(description="slug of an existing event")
    slug: str = Field(min_length=1, max_length=200, pattern=r"^[-\w]+$")
    title: Texts = Field(description="language → title; at least one")
    subtitle: Texts = {}
    abstract: Texts = {}
    description: Texts = {}
    original_language: str = Field("", max_length=8)
    starts_at: datetime | None = None
    duration_ms: int | None = Field(None, ge=0)
    kind: str = Field("", max_length=50)
    url: str = Field("", max_length=500)
    license: str = Field("", max_length=100)
    session: str | None = Field(None, description="slug of a session of the same event")
    topics: list[str] = Field([], description="slugs of topics of the same event")
    speakers: list[str] = Field([], description="slugs of speakers of the same event")


class SpeechUpdate(Schema):
    title: Texts | None = None
    subtitle: Texts | None = None
    abstract: Texts | None = None
    description: Texts | None = None
    original_language: str | None = Field(None, max_length=8)
    starts_at: datetime | None = None
    duration_ms: int | None = Field(None, ge=0)
    kind: str | None = Field(None, max_length=50)
    url: str | None = Field(None, max_length=500)
    license: str | None = Field(None, max_length=100)
    session: str | None = None
    topics: list[str] | None = None
    speakers: list[str] | None = None


class ProcessIn(Schema):
    stages: list[StageName] | None = Field(None, max_length=20,
                                           description="default: every stage that is due")
    force: bool = False


class StageRunOut(Schema):
    stage: str
    status: str


class ProcessOut(Schema):
    speech: str
    queued: list[StageRunOut]


class PublishIn(Schema):
    languages: list[str] = Field(min_length=1)
    allow_machine: bool = Field(False, description="publish unapproved languages, labeled as "
                                "machine output")


class StateOut(Schema):
    slug: str
    state: str
    published_languages: list[str]
    changed: bool


class ModerateIn(Schema):
    status: Literal["approved", "rejected", "spam", "held"]


class CommentOut(Schema):
    id: int
    speech: str
    parent: int | None
    name: str
    body: str
    language: str
    status: str
    created_at: datetime


class CommentPage(Page):
    items: list[CommentOut]


class MeOut(Schema):
    username: str
    roles: list[str]
    languages: list[str]


class SegmentIn(Schema):
    start_ms: int = Field(ge=0, le=2**31 - 1)
    end_ms: int = Field(ge=0, le=2**31 - 1)
    text: str = Field(min_length=1, max_length=10_000)
    reviewed: bool = False


class SegmentsEdit(Schema):
    base_revision: int = Field(ge=1, description="the revision the edit started from; a "
                               "newer one on the server answers 409")
    segments: list[SegmentIn] = Field(description="the transcript's complete new segments")
    note: str = Field("", max_length=300)


class SplitIn(Schema):
    base_revision: int = Field(ge=1)
    position: int = Field(ge=0, description="0-based segment index")
    at_char: int | None = Field(None, ge=0, description="split before this character "
                                "(default: the word boundary nearest the middle)")


class MergeIn(Schema):
    base_revision: int = Field(ge=1)
    position: int = Field(ge=0, description="merged with the segment after it")
