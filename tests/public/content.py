"""A small published archive built in a test: an event, its program, a speech with a real
recording and transcripts in Persian, English and Arabic (shared by the web test suites)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from rostra.archive.domain.media import add_media_file
from rostra.archive.domain.publishing import publish_speech
from rostra.archive.models import Day, Event, Room, Session, Speaker, Speech, SpeechSpeaker, Topic
from rostra.transcripts.domain import SegmentData, save_transcript
from tests.mediafactory import write_audio

FA_LINES = [
    "سلام و خوش آمدید به این سخنرانی درباره شهرهای هوشمند.",
    "امروز درباره آب، انرژی و حمل‌ونقل عمومی صحبت می‌کنیم.",
    "شهرها باید برای همه ساکنانشان ساخته شوند.",
    "از توجه شما سپاسگزارم.",
]
EN_LINES = [
    "Hello and welcome to this talk about smart cities.",
    "Today we talk about water, energy and public transport.",
    "Cities should be built for all of their residents.",
    "Thank you for your attention.",
]
AR_LINES = [
    "مرحبًا بكم في هذه المحاضرة عن المدن الذكية.",
    "نتحدث اليوم عن الماء والطاقة والنقل العام.",
    "يجب أن تُبنى المدن لجميع سكانها.",
    "شكرًا لحسن استماعكم.",
]
SEGMENT_MS = 2500


@dataclass
class Archive:
    event: Event
    speech: Speech
    speaker: Speaker
    topic: Topic
    room: Room
    session: Session


def segments(lines, *, step_ms=SEGMENT_MS, spans=None):
    """Segments for ``lines``: at ``spans`` [(start_ms, end_ms)] when given, else evenly."""
    if spans is not None:
        return [SegmentData(start, end, text) for text, (start, end) in zip(lines, spans)]
    return [SegmentData(index * step_ms, (index + 1) * step_ms - 100, text)
            for index, text in enumerate(lines)]


def build_event() -> tuple[Event, Day, Room, Session, Topic]:
    event = Event.objects.create(
        slug="cities-2026", name={"fa": "همایش شهرهای آینده", "en": "Future Cities Forum",
                                  "ar": "ملتقى مدن المستقبل"},
        description={"en": "Three days about how cities grow.", "fa": "سه روز درباره رشد شهرها.",
                     "ar": "ثلاثة أيام عن نمو المدن."},
        starts_on=dt.date(2026, 5, 4), ends_on=dt.date(2026, 5, 6), timezone="Asia/Tehran",
        city={"en": "Isfahan", "fa": "اصفهان", "ar": "أصفهان"}, languages=["fa", "ar", "en"])
    day = Day.objects.create(event=event, index=1, date=dt.date(2026, 5, 4))
    room = Room.objects.create(event=event, slug="hall-a",
                               name={"en": "Hall A", "fa": "تالار الف", "ar": "القاعة أ"})
    session = Session.objects.create(event=event, slug="urban-life", day=day, room=room,
                                     title={"en": "Urban life", "fa": "زندگی شهری",
                                            "ar": "الحياة الحضرية"},
                                     starts_at=dt.datetime(2026, 5, 4, 6, 0, tzinfo=dt.UTC))
    topic = Topic.objects.create(event=event, slug="cities",
                                 name={"en": "Cities", "fa": "شهرها", "ar": "المدن"})
    return event, day, room, session, topic


def add_speech(event, *, slug, title, day=None, room=None, session=None, topics=(), speaker=None,
               language="fa", media_path: Path | None = None, transcripts=True,
               publish=True, minute=0, spans=None) -> Speech:
    speech = Speech.objects.create(
        event=event, slug=slug, title=title, original_language=language, day=day, room=room,
        session=session, abstract={"en": "A talk about " + slug.replace("-", " ") + "."},
        starts_at=dt.datetime(2026, 5, 4, 6, minute, tzinfo=dt.UTC), duration_ms=600_000)
    speech.topics.set(topics)
    if speaker is not None:
        SpeechSpeaker.objects.create(speech=speech, speaker=speaker, position=0)
    if media_path is not None:
        add_media_file(media_path, speech=speech)
        speech.refresh_from_db()
    if transcripts:
        original = save_transcript(speech=speech, language="fa", origin="human",
                                   segments=segments(FA_LINES, spans=spans))
        save_transcript(speech=speech, language="en", origin="mt",
                        segments=segments(EN_LINES, spans=spans),
                        engine="ctranslate2", model="nllb-200-distilled-600M", source=original)
        save_transcript(speech=speech, language="ar", origin="mt",
                        segments=segments(AR_LINES, spans=spans),
                        engine="ctranslate2", model="nllb-200-distilled-600M", source=original)
    if publish:
        publish_speech(speech, languages=["fa", "ar", "en"])
    return speech


def build_archive(media_path: Path | None = None, *, tmp_path: Path | None = None,
                  spans=None) -> Archive:
    """One event with a published Persian speech (with media) and its three transcripts."""
    if media_path is None and tmp_path is not None:
        media_path = write_audio(tmp_path / "talk.webm", seconds=10.0)
    event, day, room, session, topic = build_event()
    speaker = Speaker.objects.create(event=event, slug="sara-ahmadi",
                                     names={"fa": "سارا احمدی", "en": "Sara Ahmadi",
                                            "ar": "سارا أحمدي"},
                                     country="IR", region="Isfahan")
    speech = add_speech(event, slug="smart-cities", day=day, room=room, session=session,
                        title={"fa": "شهرهای هوشمند برای همه", "en": "Smart cities for everyone",
                               "ar": "مدن ذكية للجميع"},
                        topics=[topic], speaker=speaker, media_path=media_path, spans=spans)
    return Archive(event=event, speech=speech, speaker=speaker, topic=topic, room=room,
                   session=session)
