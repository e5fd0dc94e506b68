"""Rows → JSON records with natural keys, in a stable order (the export's content)."""

from __future__ import annotations

from datetime import date, datetime

from rostra.archive.models import (Day, Event, MediaAsset, Room, Session, Speaker, Speech,
                                   SpeechSpeaker, Topic)
from rostra.comments.models import Comment
from rostra.media.models import AudioTrack, Rendition
from rostra.review.models import TranscriptRevision
from rostra.transcripts.models import Segment, Transcript


def when(value) -> str | None:
    """Datetimes in UTC with microseconds, dates as YYYY-MM-DD: exact and comparable."""
    if value is None:
        return None
    if isinstance(value, datetime):
        from datetime import timezone

        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(value)


def event_records():
    return [{"slug": e.slug, "name": e.name, "description": e.description,
             "starts_on": when(e.starts_on), "ends_on": when(e.ends_on), "venue": e.venue,
             "city": e.city, "timezone": e.timezone, "languages": e.languages, "url": e.url,
             "created_at": when(e.created_at), "updated_at": when(e.updated_at)}
            for e in Event.objects.order_by("slug")]


def day_records():
    return [{"event": d.event.slug, "index": d.index, "date": when(d.date),
             "starts_at": when(d.starts_at), "ends_at": when(d.ends_at)}
            for d in Day.objects.select_related("event").order_by("event__slug", "index")]


def room_records():
    return [{"event": r.event.slug, "slug": r.slug, "name": r.name, "position": r.position}
            for r in Room.objects.select_related("event").order_by("event__slug", "slug")]


def session_records():
    return [{"event": s.event.slug, "slug": s.slug, "title": s.title,
             "room": s.room.slug if s.room else None, "day": s.day.index if s.day else None,
             "starts_at": when(s.starts_at), "ends_at": when(s.ends_at)}
            for s in Session.objects.select_related("event", "room", "day")
            .order_by("event__slug", "slug")]


def topic_records():
    return [{"event": t.event.slug, "slug": t.slug, "name": t.name, "color": t.color}
            for t in Topic.objects.select_related("event").order_by("event__slug", "slug")]


def speaker_records():
    return [{"event": s.event.slug, "slug": s.slug, "external_id": s.external_id,
             "names": s.names, "country": s.country, "region": s.region,
             "region_names": s.region_names, "affiliation": s.affiliation, "bio": s.bio,
             # The photo file itself travels under media/photos/ (rostra.portability.photos).
             "photo_path": s.photo_path, "photo_source": s.photo_source,
             "created_at": when(s.created_at), "updated_at": when(s.updated_at)}
            for s in Speaker.objects.select_related("event").order_by("slug")]


def media_records():
    return [{"sha256": m.sha256, "size": m.size, "path": m.path,
             "original_name": m.original_name, "mime_type": m.mime_type,
             "container": m.container, "duration_ms": m.duration_ms, "has_video": m.has_video,
             "width": m.width, "height": m.height, "streams": m.streams,
             "created_at": when(m.created_at)}
            for m in MediaAsset.objects.order_by("sha256")]


def audio_track_records():
    """Interpreters' channels: which recording (a media asset, exported with the others) is
    heard in which language for which speech."""
    return [{"speech": t.speech.slug, "language": t.language, "asset": t.asset.sha256,
             "source_track": t.source_track, "interpretation": t.interpretation,
             "created_at": when(t.created_at)}
            for t in AudioTrack.objects.select_related("speech", "asset")
            .order_by("speech__slug", "language")]


RENDITION_PLAIN = ("name", "kind", "path", "sha256", "size", "mime_type", "width", "height",
                   "duration_ms", "fingerprint")


def rendition_records():
    """Web renditions, carried rather than encoded again on restore: encoding runs below real
    time on a small machine (bench/RESULTS.md), and until it had, a restored site would offer
    recordings browsers may not play."""
    return [{"asset": r.asset.sha256, "created_at": when(r.created_at),
             **{field: getattr(r, field) for field in RENDITION_PLAIN}}
            for r in Rendition.objects.select_related("asset").order_by("asset__sha256",
                                                                        "name")]


SPEECH_PLAIN = ("slug", "external_id", "guid", "title", "subtitle", "abstract", "description",
                "original_language", "timezone", "duration_ms", "kind", "url", "license",
                "state", "failure_reason", "published_languages")


def speech_records():
    links: dict[int, list] = {}
    for link in SpeechSpeaker.objects.select_related("speaker").order_by("speech_id",
                                                                         "position",
                                                                         "speaker__slug"):
        links.setdefault(link.speech_id, []).append(
            {"speaker": link.speaker.slug, "position": link.position, "role": link.role})
    topics: dict[int, list] = {}
    for speech_id, slug in Speech.topics.through.objects.values_list("speech_id",
                                                                     "topic__slug"):
        topics.setdefault(speech_id, []).append(slug)
    records = []
    for s in Speech.objects.select_related("event", "room", "session", "day", "media") \
            .order_by("slug"):
        record = {field: getattr(s, field) for field in SPEECH_PLAIN}
        record.update({
            "event": s.event.slug, "room": s.room.slug if s.room else None,
            "session": s.session.slug if s.session else None,
            "day": s.day.index if s.day else None, "starts_at": when(s.starts_at),
            "media": s.media.sha256 if s.media else None,
            "published_at": when(s.published_at), "created_at": when(s.created_at),
            "updated_at": when(s.updated_at), "speakers": links.get(s.pk, []),
            "topics": sorted(topics.get(s.pk, [])),
        })
        records.append(record)
    return records


def transcript_key(t: Transcript) -> list[str]:
    return [t.speech.slug, t.language, t.origin]


def transcript_records():
    segments: dict[int, list] = {}
    rows = Segment.objects.order_by("transcript_id", "position").values_list(
        "transcript_id", "start_ms", "end_ms", "text", "words", "reviewed", "stale")
    for transcript_id, start_ms, end_ms, text, words, reviewed, stale in rows.iterator(
            chunk_size=5000):
        segments.setdefault(transcript_id, []).append(
            {"start_ms": start_ms, "end_ms": end_ms, "text": text, "words": words,
             "reviewed": reviewed, "stale": stale})
    records = []
    for t in Transcript.objects.select_related("speech", "source", "source__speech") \
            .order_by("speech__slug", "language", "origin"):
        records.append({
            "speech": t.speech.slug, "language": t.language, "origin": t.origin,
            "source": transcript_key(t.source) if t.source else None, "engine": t.engine,
            "model": t.model, "engine_version": t.engine_version, "options": t.options,
            "fingerprint": t.fingerprint, "status": t.status, "error": t.error,
            "flags": t.flags, "approved": t.approved, "approved_at": when(t.approved_at),
            "revision": t.revision, "created_at": when(t.created_at),
            "updated_at": when(t.updated_at), "segments": segments.get(t.pk, []),
        })
    return records


def revision_records():
    return [{"transcript": transcript_key(r.transcript), "number": r.number,
             "segments": r.segments, "author_name": r.author_name, "note": r.note,
             "created_at": when(r.created_at)}
            for r in TranscriptRevision.objects.select_related("transcript__speech")
            .order_by("transcript__speech__slug", "transcript__language",
                      "transcript__origin", "number")]


def comment_records():
    """Approved comments only: they are part of the public archive. Held, rejected and spam
    comments, e-mail addresses and address hashes stay with the installation."""
    approved = list(Comment.objects.select_related("speech")
                    .filter(status=Comment.Status.APPROVED)
                    .order_by("speech__slug", "created_at", "pk"))
    refs = {c.pk: number for number, c in enumerate(approved, start=1)}
    return [{"ref": refs[c.pk], "speech": c.speech.slug, "parent": refs.get(c.parent_id),
             "name": c.name, "body": c.body, "language": c.language, "status": c.status,
             "created_at": when(c.created_at), "moderated_at": when(c.moderated_at)}
            for c in approved]


SECTIONS = {
    "events": event_records, "days": day_records, "rooms": room_records,
    "sessions": session_records, "topics": topic_records, "speakers": speaker_records,
    "media": media_records, "speeches": speech_records, "transcripts": transcript_records,
    "revisions": revision_records, "comments": comment_records,
    "audio_tracks": audio_track_records, "renditions": rendition_records,
}


def archive_document() -> dict:
    return {name: build() for name, build in SECTIONS.items()}
