"""Adding recordings: content-addressed storage, probing, attaching to speeches."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Q

from rostra.archive.domain.states import set_speech_state
from rostra.archive.models import MediaAsset, Speech
from rostra.core.errors import UserError
from rostra.core.storage import copy_atomically, media_dir
from rostra.core.paths import unreachable_reason
from rostra.pipeline.probe import MediaProbeError, probe_media

MIME_BY_CONTAINER = {
    "ogg": "audio/ogg", "wav": "audio/wav", "mp3": "audio/mpeg", "flac": "audio/flac",
    "matroska,webm": "video/webm", "mov,mp4,m4a,3gp,3g2,mj2": "video/mp4",
}


@dataclass(frozen=True)
class MediaResult:
    asset: MediaAsset
    created: bool  # False when the same bytes were already stored
    speech: Speech | None


def add_media_file(path: Path, *, speech: Speech | None = None,
                   original_name: str | None = None) -> MediaResult:
    """Store the recording at ``path`` once by content, probe it, attach it to ``speech``.

    Side effects: the file is copied to ``media/<sha[:2]>/<sha>.<ext>`` through a temporary
    file and a rename (never half-copied); a MediaAsset row is created unless the same bytes
    are already stored; the speech's media is set and a scheduled speech becomes recorded.
    Raises UserError for an unreadable path, an empty file, or a file that is not usable media.
    """
    path = Path(path)
    name = original_name or path.name
    check_readable(path)
    incoming = media_dir() / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=incoming, suffix=".part")
    os.close(fd)
    temp = Path(temp_name)
    try:
        with open(path, "rb") as source:
            sha256, size = copy_atomically(source, temp)
        try:
            info = probe_media(temp)
        except MediaProbeError as exc:
            raise UserError(f"{name}: {exc}; give a complete audio or video recording") from None
        existing = MediaAsset.objects.filter(sha256=sha256).first()
        if existing is None:
            extension = path.suffix.lower().lstrip(".")[:10] or "bin"
            relative = f"{sha256[:2]}/{sha256}.{extension}"
            destination = media_dir() / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, destination)
            existing, created = _create_asset(sha256, size, relative, name, info)
        else:
            created = False
    finally:
        temp.unlink(missing_ok=True)
    if speech is not None:
        attach_media(speech, existing)
    return MediaResult(asset=existing, created=created, speech=speech)


def check_readable(path: Path) -> None:
    reason = unreachable_reason(path)
    if reason:
        raise UserError(f"{path}: {reason}")
    if path.is_dir():
        raise UserError(f"{path}: is a folder; give the recording files themselves")
    if not os.access(path, os.R_OK):
        raise UserError(f"{path}: cannot be read (permission denied); check its permissions")
    if path.stat().st_size == 0:
        raise UserError(f"{path}: is empty (0 bytes); copy the recording again")


def _create_asset(sha256, size, relative, name, info) -> tuple[MediaAsset, bool]:
    video = info.video_streams[0] if info.video_streams else None
    try:
        with transaction.atomic():
            asset = MediaAsset.objects.create(
                sha256=sha256, size=size, path=relative, original_name=name[:500],
                mime_type=_mime_type(info), container=info.container,
                duration_ms=info.duration_ms, has_video=info.has_video,
                width=video.width if video else None, height=video.height if video else None,
                streams=[stream.__dict__ for stream in info.streams],
            )
        return asset, True
    except IntegrityError:
        # Another process stored the same bytes a moment ago: theirs is ours.
        return MediaAsset.objects.get(sha256=sha256), False


def _mime_type(info) -> str:
    mime = MIME_BY_CONTAINER.get(info.container, "application/octet-stream")
    if not info.has_video and mime.startswith("video/"):
        mime = "audio/" + mime.split("/")[1]
    return mime


def attach_media(speech: Speech, asset: MediaAsset) -> bool:
    """Make ``asset`` the recording of ``speech``; do nothing if it already is.

    Side effects: updates speech.media; a speech still only scheduled becomes recorded.
    """
    if speech.media_id == asset.pk:
        return False
    Speech.objects.filter(pk=speech.pk).update(media=asset)
    speech.media = asset
    if speech.state in (Speech.State.SCHEDULED, Speech.State.FAILED):
        set_speech_state(speech, Speech.State.RECORDED)
    return True


def find_speech_for_filename(path: Path) -> Speech | None:
    """The speech whose slug, external id or guid equals the file name without extension."""
    stem = Path(path).stem
    matches = list(Speech.objects.filter(Q(slug=stem) | Q(external_id=stem) | Q(guid=stem))[:2])
    if len(matches) > 1:
        slugs = ", ".join(speech.slug for speech in matches)
        raise UserError(f"{path.name}: matches more than one speech ({slugs}); "
                        "attach it with --speech SLUG")
    return matches[0] if matches else None


def speech_by_slug(slug: str) -> Speech:
    speech = Speech.objects.filter(slug=slug).first()
    if speech is None:
        raise UserError(f"no speech with slug {slug!r}; `rostra status` lists what is imported")
    return speech


def remove_orphan_files() -> int:
    """Delete leftovers of interrupted copies in media/.incoming; return how many."""
    incoming = media_dir() / ".incoming"
    if not incoming.is_dir():
        return 0
    count = sum(1 for _ in incoming.iterdir())
    shutil.rmtree(incoming, ignore_errors=True)
    return count
