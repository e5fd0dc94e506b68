"""Editing a speech's program text in each language by hand: its title and abstract, and the
names of its session, room, topics, city and speakers (with their bios and regions).

The form shows every language; an editor changes only the languages their role allows (the
same rule as transcripts). Saves are checked against the version the form was opened at, like
the transcript editor's revisions: the version is a digest of every value shown, so a save
over someone else's newer change is refused and shows both, never silently overwrites.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from rostra.archive.models import Event, Room, Session, Speaker, Speech, Topic
from rostra.archive.signals import speech_changed
from rostra.core.multilingual import clean_texts
from rostra.staff import audit, roles

editable_languages = roles.editable_languages


@dataclass(frozen=True)
class MetadataField:
    """One multilingual value of one row: ``key`` names it in the form (``speaker-4-bio``)."""

    key: str
    label: str
    model: type
    pk: int
    attr: str
    multiline: bool = False
    subject: str = ""  # whose value it is, when several rows share a label (speakers, topics)


def metadata_fields(speech: Speech) -> list[MetadataField]:
    """Every multilingual text a reader of ``speech``'s page sees that the program gave."""
    fields = [
        MetadataField("speech-title", _("Title"), Speech, speech.pk, "title"),
        MetadataField("speech-abstract", _("Abstract"), Speech, speech.pk, "abstract", True),
    ]
    if speech.session_id:
        fields.append(MetadataField("session-title", _("Session"), Session,
                                    speech.session_id, "title"))
    if speech.room_id:
        fields.append(MetadataField("room-name", _("Room"), Room, speech.room_id, "name"))
    for topic in speech.topics.order_by("slug"):
        fields.append(MetadataField(f"topic-{topic.pk}-name", _("Topic"), Topic, topic.pk,
                                    "name", subject=topic.slug))
    fields.append(MetadataField("event-city", _("City"), Event, speech.event_id, "city"))
    for speaker in speech.speakers.order_by("speechspeaker__position"):
        prefix, who = f"speaker-{speaker.pk}", speaker.display_name()
        fields += [
            MetadataField(f"{prefix}-names", pgettext_lazy("person", "Name"), Speaker,
                          speaker.pk, "names", subject=who),
            MetadataField(f"{prefix}-region", _("Region"), Speaker, speaker.pk,
                          "region_names", subject=who),
            MetadataField(f"{prefix}-bio", _("Biography"), Speaker, speaker.pk, "bio", True,
                          subject=who),
        ]
    return fields


def current_values(fields: list[MetadataField], *, lock: bool = False) -> dict[str, dict]:
    """``{field key: {language: text}}`` as stored now (rows locked when ``lock``)."""
    rows = {}
    for field in fields:
        if (field.model, field.pk) not in rows:
            query = field.model.objects.filter(pk=field.pk)
            rows[(field.model, field.pk)] = (query.select_for_update() if lock
                                            else query).get()
    return {field.key: dict(getattr(rows[(field.model, field.pk)], field.attr) or {})
            for field in fields}


def version_of(values: dict[str, dict]) -> str:
    """A short digest of every value: what the form was opened at."""
    encoded = json.dumps(values, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


class MetadataConflict(Exception):
    """The program text changed after the form was opened: both versions, to choose from."""

    def __init__(self, *, theirs: dict[str, dict], mine: dict[str, dict], version: str):
        super().__init__("the program text changed since you opened the form")
        self.theirs = theirs
        self.mine = mine
        self.version = version


def edit_metadata(speech: Speech, *, user, base_version: str, posted: dict[str, dict],
                  via: str = "web") -> int:
    """Save the languages ``user`` may edit from ``posted`` (``{key: {language: text}}``).

    Returns how many rows changed (0: nothing to save, nothing written). Raises
    PermissionDenied when ``user`` may edit no language, MetadataConflict when a value moved
    past ``base_version``. Side effects, in one transaction: the rows; one audit entry
    ``metadata.update`` per row with the changed fields before and after; speech_changed for
    every speech whose page shows a changed row (search and page cache follow).
    """
    languages = editable_languages(user)
    if not languages:
        raise PermissionDenied("you may not edit program text")
    fields = metadata_fields(speech)
    with transaction.atomic():
        stored = current_values(fields, lock=True)
        if version_of(stored) != base_version:
            raise MetadataConflict(theirs=stored, mine=posted, version=version_of(stored))
        changed_rows: dict[tuple, dict] = {}
        for field in fields:
            before = stored[field.key]
            after = dict(before)
            for code in languages:
                if code in posted.get(field.key, {}):
                    after[code] = posted[field.key][code]
            after = clean_texts(after)
            if after != clean_texts(before):
                changed_rows.setdefault((field.model, field.pk), {})[field.attr] = (before,
                                                                                   after)
        for (model, pk), changes in changed_rows.items():
            row = model.objects.get(pk=pk)
            for attr, (_before, after) in changes.items():
                setattr(row, attr, after)
            row.save(update_fields=[*changes, *(["updated_at"] if hasattr(row, "updated_at")
                                                else [])])
            audit.record(user=user, action="metadata.update", obj=row, via=via,
                         before={attr: pair[0] for attr, pair in changes.items()},
                         after={attr: pair[1] for attr, pair in changes.items()})
        for affected in _speeches_showing(changed_rows):
            transaction.on_commit(lambda s=affected: speech_changed.send(sender=Speech, speech=s))
    return len(changed_rows)


def _speeches_showing(changed_rows: dict[tuple, dict]) -> list[Speech]:
    """Every speech whose page, search entry or feed item shows one of the changed rows."""
    query = Speech.objects.none()
    for model, pk in changed_rows:
        lookup = {Speech: "pk", Session: "session_id", Room: "room_id", Topic: "topics",
                  Event: "event_id", Speaker: "speakers"}[model]
        query = query | Speech.objects.filter(**{lookup: pk})
    return list(query.distinct())
