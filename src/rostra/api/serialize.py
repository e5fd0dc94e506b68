"""Model rows → the dictionaries the schemas describe (explicit, so queries stay visible)."""

from __future__ import annotations

from rostra.archive.models import Event, Speech
from rostra.transcripts.models import Transcript


def event_out(event: Event) -> dict:
    return {"slug": event.slug, "name": event.name or {}, "description": event.description or {},
            "starts_on": event.starts_on, "ends_on": event.ends_on, "venue": event.venue or {},
            "city": event.city or {}, "timezone": event.timezone,
            "languages": list(event.languages or []), "url": event.url,
            "updated_at": event.updated_at}


def session_out(session) -> dict:
    return {"slug": session.slug, "event": session.event.slug, "title": session.title or {},
            "room": session.room.slug if session.room else None,
            "day": session.day.date if session.day else None,
            "starts_at": session.starts_at, "ends_at": session.ends_at}


def topic_out(topic) -> dict:
    return {"slug": topic.slug, "event": topic.event.slug, "name": topic.name or {},
            "color": topic.color}


def speaker_out(speaker) -> dict:
    return {"slug": speaker.slug, "event": speaker.event.slug, "names": speaker.names or {},
            "country": speaker.country, "affiliation": speaker.affiliation or {},
            "bio": speaker.bio or {}}


def speech_summary(speech: Speech) -> dict:
    return {
        "slug": speech.slug, "event": speech.event.slug, "title": speech.title or {},
        "subtitle": speech.subtitle or {}, "original_language": speech.original_language,
        "state": speech.state, "starts_at": speech.starts_at, "duration_ms": speech.duration_ms,
        "session": speech.session.slug if speech.session else None,
        "room": speech.room.slug if speech.room else None,
        "topics": [topic.slug for topic in speech.topics.all()],
        "speakers": [speaker.slug for speaker in speech.speakers.all()],
        "published_languages": list(speech.published_languages or []),
        "published_at": speech.published_at, "updated_at": speech.updated_at,
    }


def transcript_info(transcript: Transcript) -> dict:
    source = transcript.source
    return {"id": transcript.pk, "language": transcript.language, "origin": transcript.origin,
            "machine": transcript.is_machine, "approved": transcript.approved,
            "engine": transcript.engine, "model": transcript.model,
            "source_language": source.language if source else None,
            "revision": transcript.revision, "flags": list(transcript.flags or []),
            "updated_at": transcript.updated_at}


def media_out(asset) -> dict | None:
    if asset is None:
        return None
    return {"sha256": asset.sha256, "size": asset.size, "mime_type": asset.mime_type,
            "duration_ms": asset.duration_ms, "has_video": asset.has_video,
            "original_name": asset.original_name}


def renditions_out(speech: Speech) -> tuple[list[dict], list[dict]]:
    """The speech's audio tracks and every rendition (the floor's, then each track's)."""
    from rostra.media.domain.renditions import speech_renditions
    from rostra.public.media_offer import rendition_url

    offered = speech_renditions(speech)
    groups = [("", offered.floor), *sorted(offered.by_language.items())]
    renditions = [{"name": r.name, "kind": r.kind, "language": language,
                   "url": rendition_url(speech.slug, r, language), "mime_type": r.mime_type,
                   "size": r.size, "width": r.width, "height": r.height,
                   "duration_ms": r.duration_ms}
                  for language, group in groups
                  for r in sorted(group.values(), key=lambda r: r.name)]
    tracks = [{"language": t.language, "interpretation": t.interpretation}
              for t in offered.tracks]
    return tracks, renditions


def speech_out(speech: Speech, transcripts: list[Transcript]) -> dict:
    tracks, renditions = renditions_out(speech)
    return {**speech_summary(speech), "abstract": speech.abstract or {},
            "description": speech.description or {}, "kind": speech.kind, "url": speech.url,
            "license": speech.license, "failure_reason": speech.failure_reason,
            "media": media_out(speech.media), "audio_tracks": tracks,
            "renditions": renditions,
            "transcripts": [transcript_info(t) for t in transcripts]}


def transcript_out(transcript: Transcript) -> dict:
    return {**transcript_info(transcript), "speech": transcript.speech.slug,
            "segments": [{"start_ms": s.start_ms, "end_ms": s.end_ms, "text": s.text,
                          "reviewed": s.reviewed, "stale": s.stale}
                         for s in transcript.segments.order_by("position")]}


def comment_out(comment) -> dict:
    return {"id": comment.pk, "speech": comment.speech.slug, "parent": comment.parent_id,
            "name": comment.name, "body": comment.body, "language": comment.language,
            "status": comment.status, "created_at": comment.created_at}
