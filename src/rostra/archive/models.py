"""The archive: an event's program (days, rooms, sessions, topics, speakers, speeches) and media.

Text meant for readers is multilingual (a JSON object, language → text; see
rostra.core.multilingual). Times are aware datetimes (stored in UTC) plus the IANA zone or
fixed offset the program gave, so a speech shows the wall-clock time the audience saw.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta, timezone as dt_timezone

from django.db import models
from django.utils.translation import get_language

from rostra.core.multilingual import pick


def zone_for(name: str):
    """A tzinfo for an IANA name (``Europe/Berlin``) or a fixed offset (``+03:30``)."""
    if not name:
        return dt_timezone.utc
    if name[0] in "+-" and ":" in name:
        sign = 1 if name[0] == "+" else -1
        hours, minutes = name[1:].split(":")
        return dt_timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    return zoneinfo.ZoneInfo(name)


def region_in(key: str, names: dict | None, language: str | None = None) -> str:
    """A region's name in ``language``, else the program's own spelling ``key``: not another
    language's name, which a reader of this one may not read."""
    language = (language or get_language() or "").split("-")[0]
    return (names or {}).get(language) or key


class Event(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    name = models.JSONField(default=dict, help_text="language → name")
    description = models.JSONField(default=dict, blank=True, help_text="language → text")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    venue = models.JSONField(default=dict, blank=True, help_text="language → venue")
    city = models.JSONField(default=dict, blank=True, help_text="language → city")
    timezone = models.CharField(max_length=64, default="UTC",
                                help_text="IANA zone or fixed offset such as +03:30")
    languages = models.JSONField(default=list, blank=True,
                                 help_text="languages this event is published in")
    url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "slug"]

    def __str__(self) -> str:
        return pick(self.name) or self.slug

    def display_name(self, language: str | None = None) -> str:
        return pick(self.name, language) or self.slug


class Day(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="days")
    index = models.PositiveIntegerField()
    date = models.DateField()
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "index"]
        constraints = [models.UniqueConstraint(fields=["event", "date"], name="day_unique_date")]

    def __str__(self) -> str:
        return f"{self.event.slug} day {self.index} ({self.date})"


class Room(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms")
    slug = models.SlugField(max_length=100, allow_unicode=True)
    name = models.JSONField(default=dict, help_text="language → name")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["event", "position", "slug"]
        constraints = [models.UniqueConstraint(fields=["event", "slug"], name="room_unique_slug")]

    def __str__(self) -> str:
        return pick(self.name) or self.slug


class Session(models.Model):
    """A block of the program: speeches given one after another in one room."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    slug = models.SlugField(max_length=100, allow_unicode=True)
    title = models.JSONField(default=dict, help_text="language → title")
    room = models.ForeignKey(Room, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="sessions")
    day = models.ForeignKey(Day, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="sessions")
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event", "starts_at", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="session_unique_slug")
        ]

    def __str__(self) -> str:
        return pick(self.title) or self.slug


class Topic(models.Model):
    """A track or theme; speeches may have several."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="topics")
    slug = models.SlugField(max_length=100, allow_unicode=True)
    name = models.JSONField(default=dict, help_text="language → name")
    color = models.CharField(max_length=7, blank=True)
    # Kept by rostra.archive.domain.speech_counts (signals; `rostra program recount` repairs).
    published_speech_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="published speeches linked to this row")

    class Meta:
        ordering = ["event", "slug"]
        constraints = [models.UniqueConstraint(fields=["event", "slug"], name="topic_unique_slug")]

    def __str__(self) -> str:
        return pick(self.name) or self.slug


class Speaker(models.Model):
    """A person; their name may be written in several scripts (``{"fa": …, "en": …}``)."""

    # Speakers belong to an event: ids from two programs can collide, and bios are per event.
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    external_id = models.CharField(max_length=200, blank=True,
                                   help_text="the program's person id")
    names = models.JSONField(default=dict, help_text="language or script → name")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    # ``region`` is the program's spelling and the key the country page filters by;
    # ``region_names`` is how readers see it in each language (falls back to ``region``).
    region = models.CharField(max_length=200, blank=True)
    region_names = models.JSONField(default=dict, blank=True, help_text="language → region")
    affiliation = models.JSONField(default=dict, blank=True, help_text="language → text")
    bio = models.JSONField(default=dict, blank=True, help_text="language → text")
    photo_path = models.CharField(max_length=300, blank=True,
                                  help_text="photos/<sha[:2]>/<sha>.<ext> in the media folder")
    photo_source = models.CharField(max_length=1000, blank=True,
                                    help_text="where the program said the photo is")
    # Kept by rostra.archive.domain.speech_counts (signals; `rostra program recount` repairs).
    published_speech_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="published speeches linked to this row")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(fields=["event", "external_id"],
                                    condition=~models.Q(external_id=""),
                                    name="speaker_unique_external_id"),
        ]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return pick(self.names, language) or self.slug

    def display_region(self, language: str | None = None) -> str:
        """The region in ``language`` (the active one), else as the program spelled it."""
        return region_in(self.region, self.region_names, language)


class MediaAsset(models.Model):
    """A recording, stored once by content: ``media/ab/cdef….ext`` named by its sha256."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    path = models.CharField(max_length=300, help_text="relative to the media directory")
    original_name = models.CharField(max_length=500, blank=True)
    mime_type = models.CharField(max_length=100, blank=True)
    container = models.CharField(max_length=100, blank=True)
    duration_ms = models.BigIntegerField(null=True, blank=True)
    has_video = models.BooleanField(default=False)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    streams = models.JSONField(default=list, blank=True, help_text="probed audio/video streams")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name or self.path} ({self.sha256[:12]})"


class Speech(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", "scheduled"  # in the program, no recording yet
        RECORDED = "recorded", "recorded"  # media attached, not processed
        PROCESSING = "processing", "processing"
        NEEDS_REVIEW = "needs_review", "needs review"
        APPROVED = "approved", "approved"
        PUBLISHED = "published", "published"
        FAILED = "failed", "failed"
        WITHDRAWN = "withdrawn", "withdrawn"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speeches")
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    external_id = models.CharField(max_length=200, blank=True, help_text="the program's id")
    guid = models.CharField(max_length=200, blank=True, help_text="the program's guid")
    title = models.JSONField(default=dict, help_text="language → title")
    subtitle = models.JSONField(default=dict, blank=True, help_text="language → subtitle")
    abstract = models.JSONField(default=dict, blank=True, help_text="language → abstract")
    description = models.JSONField(default=dict, blank=True, help_text="language → text")
    original_language = models.CharField(max_length=8, blank=True,
                                         help_text="spoken language, ISO 639")
    speakers = models.ManyToManyField(Speaker, through="SpeechSpeaker", related_name="speeches",
                                      blank=True)
    topics = models.ManyToManyField(Topic, related_name="speeches", blank=True)
    room = models.ForeignKey(Room, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="speeches")
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="speeches")
    day = models.ForeignKey(Day, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="speeches")
    starts_at = models.DateTimeField(null=True, blank=True)
    timezone = models.CharField(max_length=64, blank=True,
                                help_text="zone the program gave the start in")
    duration_ms = models.BigIntegerField(null=True, blank=True,
                                         help_text="scheduled length")
    kind = models.CharField(max_length=50, blank=True, help_text="talk, lecture, workshop…")
    url = models.URLField(max_length=500, blank=True)
    license = models.CharField(max_length=100, blank=True)
    media = models.ForeignKey(MediaAsset, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="speeches")
    state = models.CharField(max_length=20, choices=State.choices, default=State.SCHEDULED,
                             db_index=True)
    failure_reason = models.TextField(blank=True, help_text="why processing failed, for editors")
    published_languages = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["event", "external_id"],
                                    condition=~models.Q(external_id=""),
                                    name="speech_unique_external_id"),
            models.UniqueConstraint(fields=["event", "guid"], condition=~models.Q(guid=""),
                                    name="speech_unique_guid"),
        ]
        indexes = [models.Index(fields=["event", "starts_at"]),
                   # The home page's and the feeds' latest published speeches: read in index
                   # order and stopped at the limit, instead of sorting every published one.
                   models.Index(fields=["state", "-published_at", "-id"],
                                name="speech_latest_published"),
                   # The sitemap index's COUNT and MAX(updated_at) of the published speeches,
                   # read from the index alone.
                   models.Index(fields=["state", "updated_at"],
                                name="speech_published_updated"),
                   # The API's speech list in its order, read from the index and stopped at
                   # the limit instead of sorting every published speech.
                   models.Index(fields=["state", "starts_at", "slug"],
                                name="speech_listed_in_order")]

    def __str__(self) -> str:
        return self.display_title()

    def display_title(self, language: str | None = None) -> str:
        return pick(self.title, language, fallbacks=[self.original_language]) or self.slug

    def local_start(self) -> datetime | None:
        """The start as the program wrote it: in the speech's (or event's) own time zone."""
        if self.starts_at is None:
            return None
        return self.starts_at.astimezone(zone_for(self.timezone or self.event.timezone))


class SpeechLanguage(models.Model):
    """A language ``?language=`` finds a speech in (rostra.archive.queries.in_language): each
    one it is published in, and the one spoken. A row per language, so the filter is an index
    lookup instead of a test of every speech's JSON list. Kept by
    rostra.archive.domain.speech_languages wherever either field changes."""

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="language_rows")
    language = models.CharField(max_length=16)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["language", "speech"],
                                               name="speech_language_unique")]

    def __str__(self) -> str:
        return f"{self.speech_id}:{self.language}"


class SpeechSpeaker(models.Model):
    speech = models.ForeignKey(Speech, on_delete=models.CASCADE)
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE)
    position = models.PositiveIntegerField(default=0)
    role = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["speech", "speaker"], name="speech_speaker_unique")
        ]
