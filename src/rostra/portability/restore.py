"""Restoring a bundle into an empty instance: verify everything first, then write it all in
one transaction (media files, copied before, are removed again if the transaction fails)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.db import transaction

from rostra.archive.models import (Day, Event, MediaAsset, Room, Session, Speaker, Speech,
                                   SpeechSpeaker, Topic)
from rostra.core.errors import UserError
from rostra.core.digests import sha256_of
from rostra.core.storage import media_file
from rostra.media.models import AudioTrack, Rendition
from rostra.portability.photos import restore_photos
from rostra.portability import ARCHIVE, FORMAT, FORMAT_VERSION, MANIFEST, READABLE_VERSIONS
from rostra.review.models import TranscriptRevision
from rostra.search.indexing import reindex_all
from rostra.transcripts.models import Segment, Transcript


@dataclass(frozen=True)
class RestoreResult:
    counts: dict
    media_files: int


def _dt(value):
    return datetime.fromisoformat(value) if value else None


def _date(value):
    return date.fromisoformat(value) if value else None


def read_verified_bundle(directory: Path) -> dict:
    """The archive document of a bundle whose every file matches its checksum.

    Raises UserError naming the first missing or damaged file; reads nothing else.
    """
    directory = Path(directory)
    manifest = read_manifest(directory)
    files = manifest.get("files") or {}
    if ARCHIVE not in files:
        raise UserError(f"{directory / MANIFEST} does not list {ARCHIVE}")
    for relative, expected in sorted(files.items()):
        path = directory / relative
        if ".." in Path(relative).parts or not path.is_file():
            raise UserError(f"bundle file {relative} is missing; the bundle is incomplete")
        if sha256_of(path) != expected:
            raise UserError(f"bundle file {relative} is damaged (checksum mismatch); nothing "
                            "was imported")
    try:
        return json.loads((directory / ARCHIVE).read_text(encoding="utf-8"))
    except ValueError:  # pragma: no cover - the checksum matched a broken file at export
        raise UserError(f"bundle file {ARCHIVE} is not valid JSON") from None


def read_manifest(directory: Path) -> dict:
    """The bundle's manifest, of a format and version this rostra reads; UserError if not."""
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise UserError(f"{directory} is not a rostra bundle: {MANIFEST} is missing")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise UserError(f"{manifest_path} is damaged: not valid JSON") from None
    if manifest.get("format") != FORMAT:
        raise UserError(f"{manifest_path} is not a rostra bundle manifest")
    if manifest.get("format_version") not in READABLE_VERSIONS:
        raise UserError(f"{directory} is bundle format version {manifest.get('format_version')}"
                        f"; this rostra reads versions 1 to {FORMAT_VERSION}")
    return manifest


def ensure_empty_instance() -> None:
    counts = {"events": Event.objects.count(), "speeches": Speech.objects.count(),
              "media assets": MediaAsset.objects.count(),
              "transcripts": Transcript.objects.count()}
    present = {name: n for name, n in counts.items() if n}
    if present:
        what = ", ".join(f"{n} {name}" for name, n in present.items())
        raise UserError(f"this instance is not empty ({what}); import-archive restores into "
                        "an empty instance only: use a new --data-dir or database")


def restore_archive(directory: Path, *, reindex: bool = True) -> RestoreResult:
    """Restore the bundle in ``directory`` into this (empty) instance.

    Checks, before writing anything: the manifest, every file's checksum, that the instance
    is empty. Side effects: media files copied into the media dir; every row written in one
    transaction, timestamps as exported; after commit, the search index is rebuilt (unless
    ``reindex`` is false). Raises UserError with one line naming the problem.
    """
    directory = Path(directory)
    document = read_verified_bundle(directory)
    ensure_empty_instance()
    copied = restore_photos(directory, document.get("speakers", []),
                            listed=set(read_manifest(directory).get("files", {})))
    copied += _copy_media(directory, document.get("media", []))
    copied += _copy_rendition_files(directory, document.get("renditions", []))
    try:
        with transaction.atomic():
            _write_rows(document)
    except BaseException:
        for path in copied:
            path.unlink(missing_ok=True)
        raise
    if reindex:
        _reindex()
    counts = {name: len(rows) for name, rows in document.items()}
    return RestoreResult(counts=counts, media_files=len(copied))


def _copy_media(directory: Path, records: list[dict]) -> list[Path]:
    from rostra.core.storage import copy_atomically

    copied = []
    for record in records:
        target = media_file(record["path"])
        if target.is_file() and sha256_of(target) == record["sha256"]:
            continue
        with open(directory / "media" / record["path"], "rb") as source:
            copy_atomically(source, target)
        copied.append(target)
    return copied


def _copy_rendition_files(directory: Path, records: list[dict]) -> list[Path]:
    """Every file the bundle holds under media/renditions/ (checksums verified already)."""
    from rostra.core.storage import copy_atomically

    if not records:
        return []
    copied = []
    bundle_media = directory / "media"
    for source in sorted((bundle_media / "renditions").rglob("*")):
        if not source.is_file():
            continue
        target = media_file(source.relative_to(bundle_media).as_posix())
        if target.is_file():
            continue
        with open(source, "rb") as stream:
            copy_atomically(stream, target)
        copied.append(target)
    return copied


def _restamp(model, pk, **stamps) -> None:
    """auto_now fields are set on save; put the exported times back without touching them."""
    model.objects.filter(pk=pk).update(**stamps)


def _write_rows(doc: dict) -> None:
    events = {}
    for r in doc["events"]:
        e = Event.objects.create(slug=r["slug"], name=r["name"], description=r["description"],
                                 starts_on=_date(r["starts_on"]), ends_on=_date(r["ends_on"]),
                                 venue=r["venue"], city=r["city"], timezone=r["timezone"],
                                 languages=r["languages"], url=r["url"])
        _restamp(Event, e.pk, created_at=_dt(r["created_at"]), updated_at=_dt(r["updated_at"]))
        events[e.slug] = e
    days = {}
    for r in doc["days"]:
        days[(r["event"], r["index"])] = Day.objects.create(
            event=events[r["event"]], index=r["index"], date=_date(r["date"]),
            starts_at=_dt(r["starts_at"]), ends_at=_dt(r["ends_at"]))
    rooms = {}
    for r in doc["rooms"]:
        rooms[(r["event"], r["slug"])] = Room.objects.create(
            event=events[r["event"]], slug=r["slug"], name=r["name"], position=r["position"])
    sessions = {}
    for r in doc["sessions"]:
        sessions[(r["event"], r["slug"])] = Session.objects.create(
            event=events[r["event"]], slug=r["slug"], title=r["title"],
            room=rooms.get((r["event"], r["room"])), day=days.get((r["event"], r["day"])),
            starts_at=_dt(r["starts_at"]), ends_at=_dt(r["ends_at"]))
    topics = {}
    for r in doc["topics"]:
        topics[(r["event"], r["slug"])] = Topic.objects.create(
            event=events[r["event"]], slug=r["slug"], name=r["name"], color=r["color"])
    speakers = {}
    for r in doc["speakers"]:
        s = Speaker.objects.create(event=events[r["event"]], slug=r["slug"],
                                   external_id=r["external_id"], names=r["names"],
                                   country=r["country"], region=r["region"],
                                   # bundles written before regions had names lack the key
                                   region_names=r.get("region_names") or {},
                                   affiliation=r["affiliation"], bio=r["bio"],
                                   # bundles written before photos travelled lack these
                                   photo_path=r.get("photo_path", ""),
                                   photo_source=r.get("photo_source", ""))
        _restamp(Speaker, s.pk, created_at=_dt(r["created_at"]), updated_at=_dt(r["updated_at"]))
        speakers[s.slug] = s
    media = {}
    for r in doc["media"]:
        m = MediaAsset.objects.create(**{k: v for k, v in r.items() if k != "created_at"})
        _restamp(MediaAsset, m.pk, created_at=_dt(r["created_at"]))
        media[m.sha256] = m
    speeches = _write_speeches(doc["speeches"], events, rooms, sessions, days, media, speakers,
                               topics)
    transcripts = _write_transcripts(doc["transcripts"], speeches)
    for r in doc["revisions"]:
        TranscriptRevision.objects.create(
            transcript=transcripts[tuple(r["transcript"])], number=r["number"],
            segments=r["segments"], author_name=r["author_name"], note=r["note"],
            created_at=_dt(r["created_at"]))
    _write_comments(doc.get("comments", []), speeches)
    _write_media_extras(doc, media, speeches)


def _write_media_extras(doc: dict, media: dict, speeches: dict) -> None:
    """Interpreters' audio tracks and web renditions (bundle version 2 on)."""
    for r in doc.get("audio_tracks", []):
        t = AudioTrack.objects.create(speech=speeches[r["speech"]], language=r["language"],
                                      asset=media[r["asset"]], source_track=r["source_track"],
                                      interpretation=r["interpretation"])
        _restamp(AudioTrack, t.pk, created_at=_dt(r["created_at"]))
    for r in doc.get("renditions", []):
        fields = {k: v for k, v in r.items() if k not in ("asset", "created_at")}
        rendition = Rendition.objects.create(asset=media[r["asset"]], **fields)
        _restamp(Rendition, rendition.pk, created_at=_dt(r["created_at"]))


SPEECH_PLAIN = ("external_id", "guid", "title", "subtitle", "abstract", "description",
                "original_language", "timezone", "duration_ms", "kind", "url", "license",
                "state", "failure_reason", "published_languages")


def _write_speeches(records, events, rooms, sessions, days, media, speakers, topics) -> dict:
    speeches = {}
    for r in records:
        event = r["event"]
        s = Speech.objects.create(
            event=events[event], slug=r["slug"], room=rooms.get((event, r["room"])),
            session=sessions.get((event, r["session"])), day=days.get((event, r["day"])),
            starts_at=_dt(r["starts_at"]), media=media.get(r["media"]),
            published_at=_dt(r["published_at"]), **{k: r[k] for k in SPEECH_PLAIN})
        for link in r["speakers"]:
            SpeechSpeaker.objects.create(speech=s, speaker=speakers[link["speaker"]],
                                         position=link["position"], role=link["role"])
        s.topics.set([topics[(event, slug)] for slug in r["topics"]])
        _restamp(Speech, s.pk, created_at=_dt(r["created_at"]), updated_at=_dt(r["updated_at"]))
        speeches[s.slug] = s
    return speeches


def _write_transcripts(records, speeches) -> dict:
    transcripts = {}
    for r in records:
        t = Transcript.objects.create(
            speech=speeches[r["speech"]], language=r["language"], origin=r["origin"],
            engine=r["engine"], model=r["model"], engine_version=r["engine_version"],
            options=r["options"], fingerprint=r["fingerprint"], status=r["status"],
            error=r["error"], flags=r["flags"], approved=r["approved"],
            approved_at=_dt(r["approved_at"]), revision=r["revision"])
        Segment.objects.bulk_create(
            Segment(transcript=t, position=position, start_ms=seg["start_ms"],
                    end_ms=seg["end_ms"], text=seg["text"], words=seg["words"],
                    reviewed=seg["reviewed"], stale=seg["stale"])
            for position, seg in enumerate(r["segments"]))
        transcripts[(r["speech"], r["language"], r["origin"])] = t
    for r in records:
        key = (r["speech"], r["language"], r["origin"])
        stamps = {"created_at": _dt(r["created_at"]), "updated_at": _dt(r["updated_at"])}
        if r["source"]:
            stamps["source"] = transcripts[tuple(r["source"])]
        _restamp(Transcript, transcripts[key].pk, **stamps)
    return transcripts


def _write_comments(records, speeches) -> None:
    if not records:
        return
    from rostra.comments.models import Comment

    by_ref = {}
    for r in records:
        c = Comment.objects.create(speech=speeches[r["speech"]], name=r["name"], body=r["body"],
                                   language=r["language"], status=r["status"],
                                   moderated_at=_dt(r["moderated_at"]))
        _restamp(Comment, c.pk, created_at=_dt(r["created_at"]))
        by_ref[r["ref"]] = c
    for r in records:
        if r["parent"]:
            _restamp(Comment, by_ref[r["ref"]].pk, parent=by_ref[r["parent"]])


def _reindex() -> None:
    """Rebuild the search index for the restored archive (after commit)."""
    reindex_all()
