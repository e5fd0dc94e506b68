"""Creating and changing speeches by hand or through the API (the program importer has its
own writer for whole programs)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from rostra.archive.models import Event, Session, Speaker, Speech, SpeechSpeaker, Topic
from rostra.archive.signals import speech_changed
from rostra.core.errors import UserError
from rostra.core.languages import is_valid_language_code
from rostra.core.multilingual import clean_texts
from rostra.staff import audit, roles

TEXT_FIELDS = ("title", "subtitle", "abstract", "description")
PLAIN_FIELDS = ("original_language", "starts_at", "duration_ms", "kind", "url", "license")


def _texts(value, field: str) -> dict:
    if not isinstance(value, dict):
        raise UserError(f"{field} must be an object of language → text")
    for code in value:
        if not is_valid_language_code(code):
            raise UserError(f"{field}: {code!r} is not a language code such as fa, ar or en")
    return clean_texts(value)


def _related(model, event: Event, slugs, field: str):
    slugs = list(dict.fromkeys(slugs))
    rows = {row.slug: row for row in model.objects.filter(event=event, slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in rows]
    if missing:
        raise UserError(f"{field}: {', '.join(missing)} not found in event {event.slug}")
    return [rows[slug] for slug in slugs]


def _apply(speech: Speech, data: dict) -> tuple[list | None, list | None]:
    for field in TEXT_FIELDS:
        if data.get(field) is not None:
            setattr(speech, field, _texts(data[field], field))
    for field in PLAIN_FIELDS:
        if field in data and data[field] is not None:
            setattr(speech, field, data[field])
    if speech.original_language and not is_valid_language_code(speech.original_language):
        raise UserError(f"original_language {speech.original_language!r} is not a language "
                        "code such as fa, ar or en")
    if "session" in data and data["session"] is not None:
        speech.session = _related(Session, speech.event, [data["session"]], "session")[0] \
            if data["session"] else None
    topics = _related(Topic, speech.event, data["topics"], "topics") \
        if data.get("topics") is not None else None
    speakers = _related(Speaker, speech.event, data["speakers"], "speakers") \
        if data.get("speakers") is not None else None
    return topics, speakers


def _snapshot(speech: Speech) -> dict:
    return {field: getattr(speech, field) for field in TEXT_FIELDS} | {
        field: (str(getattr(speech, field)) if field == "starts_at" and getattr(speech, field)
                else getattr(speech, field)) for field in PLAIN_FIELDS} | {
        "session": speech.session.slug if speech.session_id else None}


def create_speech(*, user, data: dict, via: str = "api") -> Speech:
    """Create a speech from ``data`` (event slug, slug, title, …). Needs manage_archive.

    Side effects: the speech row, its topics and speakers; speech_changed after commit; an
    audit entry. Raises UserError for an unknown event, a taken slug or bad values.
    """
    if not roles.can_manage_archive(user):
        raise PermissionDenied("you may not create speeches")
    event = Event.objects.filter(slug=data.get("event")).first()
    if event is None:
        raise UserError(f"event {data.get('event')!r} not found; create it by importing its "
                        "program")
    if not _texts(data.get("title") or {}, "title"):
        raise UserError("title: give the title in at least one language")
    slug = data.get("slug") or ""
    if Speech.objects.filter(slug=slug).exists():
        raise UserError(f"slug {slug!r} is taken; choose another")
    with transaction.atomic():
        speech = Speech(event=event, slug=slug)
        topics, speakers = _apply(speech, data)
        try:
            speech.save()
        except IntegrityError:
            raise UserError(f"slug {slug!r} is taken; choose another") from None
        if topics:
            speech.topics.set(topics)
        for position, speaker in enumerate(speakers or []):
            SpeechSpeaker.objects.create(speech=speech, speaker=speaker, position=position)
        audit.record(user=user, action="speech.create", obj=speech, via=via,
                     after=_snapshot(speech))
        transaction.on_commit(lambda: speech_changed.send(sender=Speech, speech=speech))
    return speech


def update_speech(speech: Speech, *, user, changes: dict, via: str = "api") -> Speech:
    """Change the given fields of ``speech`` (None: unchanged). Needs manage_archive.

    Side effects: the row (and topics/speakers when given); speech_changed after commit; an
    audit entry with before and after.
    """
    if not roles.can_manage_archive(user):
        raise PermissionDenied("you may not change speeches")
    with transaction.atomic():
        before = _snapshot(speech)
        topics, speakers = _apply(speech, changes)
        if "title" in changes and changes["title"] is not None and not speech.title:
            raise UserError("title: give the title in at least one language")
        speech.save()
        if topics is not None:
            speech.topics.set(topics)
        if speakers is not None:
            SpeechSpeaker.objects.filter(speech=speech).delete()
            for position, speaker in enumerate(speakers):
                SpeechSpeaker.objects.create(speech=speech, speaker=speaker, position=position)
        audit.record(user=user, action="speech.update", obj=speech, via=via, before=before,
                     after=_snapshot(speech))
        transaction.on_commit(lambda: speech_changed.send(sender=Speech, speech=speech))
    return speech


def archive_languages() -> list[str]:
    return list(settings.ROSTRA_LANGUAGES)
