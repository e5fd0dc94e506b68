"""Making and finding the web renditions of a speech's recordings.

Each rendition is encoded to a temporary file, hashed, and renamed to
``renditions/<sha[:2]>/<sha>.<ext>``; its row is written after the file is in place. A rerun
skips every rendition whose row has the same fingerprint and whose file is still there, so an
interrupted stage resumes where it stopped, and a killed encoder leaves only a dot-file in
``renditions/.incoming`` (swept on the next run), never a half-written rendition.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.db import transaction

from rostra.archive.models import MediaAsset, Speech
from rostra.core.digests import sha256_of
from rostra.core.storage import media_dir
from rostra.media.models import AudioTrack, Rendition
from rostra.pipeline.renditions import encode, images
from rostra.pipeline.renditions.plan import (KIND_AUDIO, KIND_HLS, KIND_POSTER, KIND_SPRITE,
                                             KIND_THUMBNAIL_TRACK, KIND_VIDEO,
                                             RenditionOptions, RenditionSpec, SourceShape,
                                             plan_language_renditions, plan_renditions)

# A leftover temporary file older than this belongs to an encoder that died.
ORPHAN_AGE_SECONDS = 6 * 3600
SPRITE_NAME = "thumbnails.jpg"  # what the thumbnails track points at, relative to itself


@dataclass(frozen=True)
class RenditionOutcome:
    name: str
    language: str  # "" for the floor recording
    status: str  # made, kept
    size: int
    seconds: float = 0.0


def rendition_options() -> RenditionOptions:
    minutes = settings.ROSTRA_HLS_FROM_MINUTES
    return RenditionOptions(heights=tuple(settings.ROSTRA_RENDITION_HEIGHTS),
                            hls_from_ms=minutes * 60_000)


def shape_of(asset: MediaAsset) -> SourceShape:
    return SourceShape(has_video=asset.has_video, width=asset.width or 0,
                       height=asset.height or 0, duration_ms=asset.duration_ms or 0)


def renditions_dir() -> Path:
    return media_dir() / "renditions"


def staging_dir() -> Path:
    return renditions_dir() / ".incoming"


def rendition_file(rendition: Rendition) -> Path:
    return media_dir() / rendition.path


def _fingerprint(asset: MediaAsset, spec: RenditionSpec, options: RenditionOptions,
                 made_from: str = "") -> str:
    parts = {"input": asset.sha256, "spec": spec.__dict__, "options": options.as_dict(),
             "from": made_from}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def renditions_fingerprint(speech: Speech, options: RenditionOptions) -> str:
    """What the renditions stage of ``speech`` depends on: its recordings and the options."""
    tracks = sorted((track.language, track.asset.sha256)
                    for track in speech.audio_tracks.select_related("asset"))
    parts = {"media": speech.media.sha256 if speech.media_id else "", "tracks": tracks,
             "options": options.as_dict()}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def sweep_orphans(*, now: float | None = None) -> int:
    """Delete temporary files that encoders left behind long ago; returns how many."""
    now = now or time.time()
    removed = 0
    for folder in (staging_dir(), *renditions_dir().glob("*")):
        if not folder.is_dir():
            continue
        for leftover in folder.glob(".*.part"):
            if now - leftover.stat().st_mtime > ORPHAN_AGE_SECONDS:
                if leftover.is_dir():
                    shutil.rmtree(leftover, ignore_errors=True)
                else:
                    leftover.unlink(missing_ok=True)
                removed += 1
    return removed


def make_speech_renditions(speech: Speech, *, force: bool = False,
                           on_progress: Callable[[float], None] | None = None
                           ) -> list[RenditionOutcome]:
    """Make every missing rendition of the speech's recording and of its interpreters' tracks.

    Side effects: files under ``renditions/`` (content-addressed, renamed into place whole);
    one Rendition row per file, written after the file. Renditions already made with the same
    fingerprint are kept (``force`` makes them again). Raises MediaError when a recording
    cannot be encoded.
    """
    if speech.media_id is None:
        return []
    options = rendition_options()
    sweep_orphans()
    floor = speech.media
    jobs: list[tuple[MediaAsset, RenditionSpec, str]] = [
        (floor, spec, "") for spec in plan_renditions(shape_of(floor), options)]
    for track in speech.audio_tracks.select_related("asset"):
        jobs += [(track.asset, spec, track.language)
                 for spec in plan_language_renditions(shape_of(floor), options)]
    outcomes = []
    for done, (asset, spec, language) in enumerate(jobs):
        outcomes.append(_make_one(speech, asset, spec, language, options, force=force))
        if on_progress:
            on_progress((done + 1) / len(jobs))
    return outcomes


def _make_one(speech: Speech, asset: MediaAsset, spec: RenditionSpec, language: str,
              options: RenditionOptions, *, force: bool) -> RenditionOutcome:
    floor = speech.media
    made_from = ""
    if spec.depends_on:
        # Made from another rendition of the floor recording (the sprite, an MP4), made
        # earlier in this stage: its identity is part of ours.
        base = Rendition.objects.get(asset=floor, name=spec.depends_on[0])
        made_from = base.sha256
    fingerprint = _fingerprint(asset, spec, options, made_from)
    existing = Rendition.objects.filter(asset=asset, name=spec.name).first()
    if (existing and existing.fingerprint == fingerprint and rendition_file(existing).exists()
            and not force):
        return RenditionOutcome(spec.name, language, "kept", existing.size)
    started = time.monotonic()
    staging_dir().mkdir(parents=True, exist_ok=True)
    staged = staging_dir() / f"{fingerprint[:32]}.{spec.extension}"
    source = encode_source(asset)
    if spec.kind == KIND_VIDEO and language:
        result = encode.mux_with_other_audio(rendition_file(base), source, staged,
                                             options=options)
    elif spec.kind == KIND_VIDEO:
        result = encode.encode_mp4(source, spec, staged, options=options)
    elif spec.kind == KIND_AUDIO:
        result = encode.encode_audio(source, spec, staged, options=options)
    elif spec.kind == KIND_POSTER:
        result = images.make_poster(source, spec, staged, duration_ms=asset.duration_ms or 0)
    elif spec.kind == KIND_SPRITE:
        result = images.make_thumbnail_sprite(source, spec, staged,
                                              duration_ms=asset.duration_ms or 0,
                                              options=options)
    elif spec.kind == KIND_THUMBNAIL_TRACK:
        text = images.thumbnail_track(sprite_name=SPRITE_NAME,
                                      duration_ms=asset.duration_ms or 0, width=spec.width,
                                      height=spec.height, options=options)
        with encode.atomic_output(staged) as temp:
            temp.write_text(text, encoding="utf-8")
        result = encode.EncodedFile(staged, staged.stat().st_size, 0)
    elif spec.kind == KIND_HLS:
        return _store_hls(asset, spec, rendition_file(base), fingerprint, options, language,
                          started)
    else:
        raise ValueError(f"unknown rendition kind {spec.kind!r}")
    return _store(asset, spec, result, fingerprint, language, started)


def encode_source(asset: MediaAsset) -> Path:
    return media_dir() / asset.path


def _store(asset, spec, result, fingerprint, language, started) -> RenditionOutcome:
    sha256 = sha256_of(result.path)
    relative = f"renditions/{sha256[:2]}/{sha256}.{spec.extension}"
    destination = media_dir() / relative
    destination.parent.mkdir(parents=True, exist_ok=True)
    os.replace(result.path, destination)
    _save_row(asset, spec, relative, sha256, result, fingerprint)
    return RenditionOutcome(spec.name, language, "made", result.size,
                            round(time.monotonic() - started, 2))


def _store_hls(asset, spec, mp4: Path, fingerprint, options, language, started
               ) -> RenditionOutcome:
    relative = f"renditions/hls/{fingerprint[:2]}/{fingerprint}"
    result = encode.hls_from_mp4(mp4, media_dir() / relative, options=options)
    _save_row(asset, spec, relative + "/index.m3u8", fingerprint, result, fingerprint)
    return RenditionOutcome(spec.name, language, "made", result.size,
                            round(time.monotonic() - started, 2))


def _save_row(asset, spec, relative, sha256, result, fingerprint) -> None:
    with transaction.atomic():
        Rendition.objects.update_or_create(asset=asset, name=spec.name, defaults={
            "kind": spec.kind, "path": relative, "sha256": sha256, "size": result.size,
            "mime_type": spec.mime_type, "width": result.width or spec.width,
            "height": result.height or spec.height, "duration_ms": result.duration_ms,
            "fingerprint": fingerprint})


# --- reading -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SpeechRenditions:
    """The renditions a speech page offers: the floor's, and each interpreter language's."""

    floor: dict[str, Rendition]
    by_language: dict[str, dict[str, Rendition]]
    tracks: list[AudioTrack]

    def best_video(self, renditions: dict[str, Rendition] | None = None) -> Rendition | None:
        videos = [r for r in (renditions or self.floor).values() if r.kind == KIND_VIDEO]
        return max(videos, key=lambda r: r.height) if videos else None

    def videos(self) -> list[Rendition]:
        return sorted((r for r in self.floor.values() if r.kind == KIND_VIDEO),
                      key=lambda r: -r.height)


def speech_renditions(speech: Speech) -> SpeechRenditions:
    """Every rendition of ``speech`` in two queries, whatever the number of tracks."""
    tracks = list(speech.audio_tracks.select_related("asset").order_by("language"))
    assets = [speech.media_id] + [track.asset_id for track in tracks] if speech.media_id else []
    rows = Rendition.objects.filter(asset_id__in=assets) if assets else []
    by_asset: dict[int, dict[str, Rendition]] = {}
    for row in rows:
        by_asset.setdefault(row.asset_id, {})[row.name] = row
    return SpeechRenditions(
        floor=by_asset.get(speech.media_id, {}),
        by_language={track.language: by_asset.get(track.asset_id, {}) for track in tracks},
        tracks=tracks)
