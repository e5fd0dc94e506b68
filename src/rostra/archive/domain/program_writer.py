"""Writes a parsed program into the archive: match, compare, save only what changed.

Called by :func:`rostra.archive.domain.program_import.import_program` inside its transaction;
raises :class:`ProgramError` (with the speech's location in the file) for problems only the
database can reveal, such as a guid that already belongs to another speech.

Multilingual fields are merged: the program's languages replace those keys, other languages
(added by editors or translation) are kept. Slugs, once given, stay (URLs must not break),
unless the program itself renames a speech's slug to a free one.

Published and editor-edited speeches (and an event with published speeches) are changed only
with ``ImportRules.update``; see :mod:`rostra.archive.domain.import_guard`. Every change to an
existing speech is listed in the report, applied or held back.
"""

from __future__ import annotations

from datetime import timedelta

from rostra.archive.domain.import_guard import (ImportRules, audit_import,
                                                edited_fields_by_speech, protection)
from rostra.archive.importers.types import ProgramData, ProgramError, SpeakerData, SpeechData
from rostra.archive.importers.values import slugify
from rostra.archive.models import (Day, Event, Room, Session, Speaker, Speech, SpeechSpeaker,
                                   Topic)
from rostra.archive.signals import speeches_written

MULTILINGUAL = {"name", "title", "subtitle", "abstract", "description", "venue", "city",
                "names", "affiliation", "bio"}


def merged(old: dict | None, new: dict) -> dict:
    return {**(old or {}), **new}


def plain(value):
    """A value as the report's JSON shows it (a related row by its slug, a time as ISO)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "_meta"):
        return getattr(value, "slug", None) or str(value.pk)
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


class ProgramWriter:
    def __init__(self, program: ProgramData, report, *, progress=None,
                 rules: ImportRules = ImportRules()):
        self.program = program
        self.report = report
        self.rules = rules
        # progress(stage, done, total): lets the CLI draw a bar; the domain draws nothing.
        self.progress = progress or (lambda stage, done, total: None)
        self.event: Event | None = None

    def write(self) -> None:
        self.event = self._write_event()
        rooms = self._write_all("rooms", Room, "slug", [
            (room.slug, {"name": room.name, "position": room.position})
            for room in self.program.rooms])
        days = self._write_all("days", Day, "date", [
            (day.date, {"index": day.index, "starts_at": day.starts_at, "ends_at": day.ends_at})
            for day in self.program.days])
        sessions = self._write_all("sessions", Session, "slug", [
            (session.slug, {"title": session.title, "room": rooms.get(session.room),
                            "day": days.get(session.day), "starts_at": session.starts_at,
                            "ends_at": session.ends_at})
            for session in self.program.sessions])
        topics = self._write_all("topics", Topic, "slug", [
            (topic.slug, {"name": topic.name, **({"color": topic.color} if topic.color else {})})
            for topic in self.program.topics])
        speakers = self._write_speakers()
        self._write_speeches(rooms=rooms, days=days, sessions=sessions, topics=topics,
                             speakers=speakers)

    # generic upsert -----------------------------------------------------------------------
    def _differences(self, instance, values: dict) -> dict[str, tuple]:
        """name → (old, new) for the fields ``values`` would really change."""
        differences = {}
        for name, value in values.items():
            if name in MULTILINGUAL:
                value = merged(getattr(instance, name), value)
            if getattr(instance, name) != value:
                differences[name] = (getattr(instance, name), value)
        return differences

    def _apply(self, instance, values: dict, *, skip=()) -> list[str]:
        """Set ``values`` on ``instance`` (but ``skip``); the names of the fields changed."""
        changed = []
        for name, (_, value) in self._differences(instance, values).items():
            if name not in skip:
                setattr(instance, name, value)
                changed.append(name)
        return changed

    def _save(self, kind: str, instance, changed: list[str], created: bool) -> None:
        if created:
            instance.save()
            self.report.count(kind, "created")
        elif changed:
            if hasattr(instance, "updated_at") and "updated_at" not in changed:
                changed.append("updated_at")
            instance.save(update_fields=changed)
            self.report.count(kind, "updated")
        else:
            self.report.count(kind, "unchanged")

    def _write_all(self, kind: str, model, key: str, rows: list[tuple]) -> dict:
        existing = {getattr(obj, key): obj for obj in model.objects.filter(event=self.event)}
        written = {}
        for value, fields in rows:
            instance = existing.get(value)
            created = instance is None
            if created:
                instance = model(event=self.event, **{key: value})
            changed = self._apply(instance, fields)
            self._save(kind, instance, changed, created)
            written[value] = instance
        return written

    # event --------------------------------------------------------------------------------
    def _write_event(self) -> Event:
        data = self.program.event
        event = Event.objects.filter(slug=data.slug).first()
        created = event is None
        if created:
            event = Event(slug=data.slug)
        values = {"name": data.name, "timezone": data.timezone, "starts_on": data.starts_on,
                  "ends_on": data.ends_on}
        if data.url:
            values["url"] = data.url
        if data.description:
            values["description"] = data.description
        differences = {} if created else self._differences(event, values)
        if differences and event.speeches.filter(state__in=("published", "withdrawn")).exists():
            self._record_change({"event": event.slug}, differences, reason="published speeches",
                                applied=self.rules.update)
            if not self.rules.update:
                self.report.count("events", "unchanged")
                return event
            audit_import(event, action="event.import",
                         before={k: plain(v[0]) for k, v in differences.items()},
                         after={k: plain(v[1]) for k, v in differences.items()})
        changed = self._apply(event, values)
        self._save("events", event, changed, created)
        return event

    def _record_change(self, subject: dict, differences: dict, *, reason: str, applied: bool,
                       kept: list[str] = ()) -> None:
        change = {**subject, "applied": applied, "reason": reason,
                  "fields": {name: [plain(old), plain(new)]
                             for name, (old, new) in differences.items()}}
        if kept:
            change["kept_editor_fields"] = sorted(kept)
        self.report.changes.append(change)
        if not applied:
            self.report.held_back += 1

    # speakers -----------------------------------------------------------------------------
    def _write_speakers(self) -> dict[str, Speaker]:
        event_speakers = list(Speaker.objects.filter(event=self.event))
        by_id = {s.external_id: s for s in event_speakers if s.external_id}
        by_name = {name: s for s in event_speakers if not s.external_id
                   for name in s.names.values()}
        taken = set(Speaker.objects.values_list("slug", flat=True))
        written: dict[str, Speaker] = {}
        for match_key, data in self.program.speakers.items():
            if data.key:
                speaker = by_id.get(data.key)
            else:
                speaker = next((by_name[n] for n in data.names.values() if n in by_name), None)
            created = speaker is None
            if created:
                speaker = Speaker(event=self.event, external_id=data.key,
                                  slug=self._speaker_slug(data, taken))
                taken.add(speaker.slug)
            values = {"names": data.names, "affiliation": data.affiliation, "bio": data.bio}
            if data.country:
                values["country"] = data.country
            if data.region:
                values["region"] = data.region[:200]
            if data.region_names:
                values["region_names"] = data.region_names
            if data.photo_path:
                values["photo_path"] = data.photo_path
                values["photo_source"] = data.photo[:1000]
            self._save("speakers", speaker, self._apply(speaker, values), created)
            written[match_key] = speaker
        return written

    def _speaker_slug(self, data: SpeakerData, taken: set[str]) -> str:
        name = data.names.get("en") or next(iter(data.names.values()), "")
        return unique_slug(slugify(name, max_length=90) or "speaker", taken,
                           self.event.slug, limit=120)

    # speeches -----------------------------------------------------------------------------
    def _write_speeches(self, *, rooms, days, sessions, topics, speakers) -> None:
        event = self.event
        existing = list(Speech.objects.filter(event=event).prefetch_related("topics"))
        by_id = {s.external_id: s for s in existing if s.external_id}
        by_guid = {s.guid: s for s in existing if s.guid}
        speaker_order: dict[int, list[int]] = {}
        for speech_id, speaker_id in (SpeechSpeaker.objects.filter(speech__event=event)
                                      .order_by("speech_id", "position")
                                      .values_list("speech_id", "speaker_id")):
            speaker_order.setdefault(speech_id, []).append(speaker_id)
        taken = set(Speech.objects.values_list("slug", flat=True))
        edited = edited_fields_by_speech(event)
        handled: dict[int, str] = {}
        changed_speeches: list[Speech] = []
        total = len(self.program.speeches)
        for number, data in enumerate(self.program.speeches, 1):
            self.progress("writing speeches", number, total)
            speech = by_id.get(data.external_id) or (by_guid.get(data.guid) if data.guid else None)
            self._check_identity(data, speech, by_guid)
            if speech is not None and speech.pk in handled:
                raise ProgramError(data.location, f'this speech (id "{data.external_id}") '
                                                  "matches the same archived speech as "
                                                  f"{handled[speech.pk]}; check ids and guids")
            created = speech is None
            slug_changed = False
            if created:
                speech = Speech(event=event, slug=self._speech_slug(data, taken))
                taken.add(speech.slug)
            elif not self._may_change(speech, data, edited, rooms=rooms, days=days,
                                      sessions=sessions, topics=topics, speakers=speakers,
                                      speaker_order=speaker_order):
                handled[speech.pk] = data.location
                self.report.count("speeches", "unchanged")
                continue
            elif data.slug and data.slug != speech.slug and data.slug not in taken:
                taken.discard(speech.slug)
                speech.slug = data.slug
                taken.add(data.slug)
                slug_changed = True
            values = speech_values(data, rooms=rooms, days=days, sessions=sessions)
            check_lengths(data, values)
            keep = () if created or self.rules.force else edited.get(speech.pk, set())
            changed = self._apply(speech, values, skip=keep) + (["slug"] if slug_changed else [])
            new_topics = [topics[slug] for slug in data.topics]
            new_speakers = [speakers[key] for key in data.speakers]
            if created:
                self._save("speeches", speech, changed, created)
                self._write_relations(speech, new_topics, new_speakers, [], created=True)
            else:
                if self._write_relations(speech, new_topics, new_speakers,
                                         speaker_order.get(speech.pk, []), created=False):
                    # Only who spoke or the topics changed: still an update of this speech.
                    changed.append("updated_at")
                self._save("speeches", speech, changed, created)
            handled[speech.pk] = data.location
            if created or changed:
                changed_speeches.append(speech)
        self.report.not_in_program = sum(1 for s in existing if s.pk not in handled)
        # Listeners (the search index) record what they owe in this transaction, so a kill
        # after the commit loses nothing; the page cache hears post_save of each row.
        if changed_speeches:
            speeches_written.send(sender=Speech, speech_ids=[s.pk for s in changed_speeches])

    def _may_change(self, speech: Speech, data: SpeechData, edited: dict, *, rooms, days,
                    sessions, topics, speakers, speaker_order) -> bool:
        """Report how the program would change an existing speech; whether to write it.

        Every difference is listed in the report. A protected speech is written only with
        ``update`` (and audited); its editor-changed fields stay unless ``force``."""
        differences = self._differences(speech, speech_values(data, rooms=rooms, days=days,
                                                              sessions=sessions))
        current_topics = {t.slug for t in speech.topics.all()}
        if current_topics != {topics[slug].slug for slug in data.topics}:
            differences["topics"] = (sorted(current_topics),
                                     sorted(topics[slug].slug for slug in data.topics))
        current_speakers = speaker_order.get(speech.pk, [])
        if current_speakers != [speakers[key].pk for key in data.speakers]:
            slugs = Speaker.objects.in_bulk(current_speakers)
            differences["speakers"] = ([slugs[pk].slug for pk in current_speakers if pk in slugs],
                                       [speakers[key].slug for key in data.speakers])
        if not differences:
            return True
        edited_here = edited.get(speech.pk, set())
        reason = protection(speech, edited_here)
        kept = [] if self.rules.force else [name for name in differences if name in edited_here]
        applied = not reason or self.rules.update
        self._record_change({"speech": speech.slug}, differences, reason=reason or "changed",
                            applied=applied, kept=kept if applied else [])
        if reason and applied:
            audit_import(speech, action="speech.import",
                         before={k: plain(v[0]) for k, v in differences.items() if k not in kept},
                         after={k: plain(v[1]) for k, v in differences.items() if k not in kept})
        return applied

    def _check_identity(self, data: SpeechData, speech, by_guid) -> None:
        other = by_guid.get(data.guid) if data.guid else None
        if speech is not None and other is not None and other.pk != speech.pk:
            raise ProgramError(data.location, f'guid "{data.guid}" belongs to the speech '
                                              f'"{other.slug}", not to id "{data.external_id}"')

    def _speech_slug(self, data: SpeechData, taken: set[str]) -> str:
        if data.slug:
            base = data.slug[:200]
        else:
            title = data.title.get("en") or next(iter(data.title.values()))
            suffix = slugify(data.external_id, max_length=40) or "speech"
            base = f"{slugify(title, max_length=120)}-{suffix}".strip("-")
        return unique_slug(base, taken, self.event.slug, limit=200)

    def _write_relations(self, speech: Speech, topics: list, speakers: list,
                         current_speakers: list[int], *, created: bool) -> bool:
        """Set the speech's topics and ordered speakers; whether they changed."""
        changed = False
        current_topics = set() if created else {t.pk for t in speech.topics.all()}
        if current_topics != {t.pk for t in topics}:
            speech.topics.set(topics)
            changed = True
        if current_speakers != [s.pk for s in speakers]:
            SpeechSpeaker.objects.filter(speech=speech).delete()
            SpeechSpeaker.objects.bulk_create(
                SpeechSpeaker(speech=speech, speaker=speaker, position=position)
                for position, speaker in enumerate(speakers))
            changed = True
        return changed


def speech_values(data: SpeechData, *, rooms, days, sessions) -> dict:
    """The speech fields a program sets, as model values."""
    return {
        "external_id": data.external_id, "guid": data.guid, "title": data.title,
        "subtitle": data.subtitle, "abstract": data.abstract,
        "description": data.description, "original_language": data.language,
        "room": rooms.get(data.room), "session": sessions.get(data.session),
        "day": days.get(data.day), "starts_at": data.starts_at,
        "timezone": data.timezone, "duration_ms": data.duration_ms, "kind": data.kind,
        "url": data.url, "license": data.license,
    }


LIMITS = {"external_id": 200, "guid": 200, "kind": 50, "license": 100, "url": 500,
          "timezone": 64, "original_language": 8}


def check_lengths(data: SpeechData, values: dict) -> None:
    """The database's column limits, checked here so PostgreSQL and SQLite agree."""
    for name, limit in LIMITS.items():
        if len(values[name] or "") > limit:
            raise ProgramError(data.location, f"{name.replace('_', ' ')} is longer than "
                                              f"{limit} characters")
    if values["duration_ms"] is not None and values["duration_ms"] > timedelta(days=7) / \
            timedelta(milliseconds=1):
        raise ProgramError(data.location, "duration is longer than a week")


def unique_slug(base: str, taken: set[str], event_slug: str, *, limit: int) -> str:
    """``base`` when free, else ``base-<event>``, else ``base-<event>-2``, ``-3``…"""
    base = base[:limit].strip("-")
    if base not in taken:
        return base
    candidate = f"{base[: limit - len(event_slug) - 1]}-{event_slug}"
    number = 2
    while candidate in taken:
        tail = f"-{event_slug}-{number}"
        candidate = base[: limit - len(tail)] + tail
        number += 1
    return candidate
